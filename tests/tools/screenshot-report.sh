#!/usr/bin/env bash
# Renders an HTML audit report in headless Chromium and saves a screenshot, to look at the report
# as a reader (or a printer) would. By hand, not in CI:
#   tests/tools/screenshot-report.sh                      the sample estate's report -> /tmp/topocheck-report.png
#   tests/tools/screenshot-report.sh REPORT.html OUT.png  an existing report
# Environment: BUILD_DIR (default: build) for the topocheck binary, WINDOW (default: 1280,2000),
# PDF=1 to print the page to OUT.pdf as well (checks the print CSS).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
build_dir="${BUILD_DIR:-build}"
window="${WINDOW:-1280,2000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v chromium >/dev/null || { echo "screenshot-report: needs Debian's chromium (apt-get install chromium)" >&2; exit 2; }

if [ $# -ge 1 ]; then
  report="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  report="$work/sample.html"
  set +e
  "$build_dir/topocheck" check fixtures/sample --as-of 2026-11-23 --format html --output "$report" --quiet
  rc=$?
  set -e
  # Exit 1 means findings, which the sample estate has on purpose.
  if [ $rc -gt 1 ]; then echo "screenshot-report: topocheck failed (exit $rc)" >&2; exit $rc; fi
fi
out="${2:-/tmp/topocheck-report.png}"

chromium_run() {
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" "$@" "file://$report" 2>"$work/chromium.log"
}

chromium_run --window-size="$window" --screenshot="$out"
echo "screenshot-report: $out" >&2
if [ "${PDF:-0}" = 1 ]; then
  chromium_run --print-to-pdf="${out%.png}.pdf" --no-pdf-header-footer
  echo "screenshot-report: ${out%.png}.pdf" >&2
fi
