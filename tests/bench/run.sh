#!/bin/sh
# The benchmark in one command: builds a Release tree, generates estates of 10k, 100k and 1M CIs
# (about 5 relations each; 1M is ~1.5 GB on disk) unless they exist, and times a full check of
# each (every bundled policy, JSON report), printing a table of phases and peak memory per size.
#
#   tests/bench/run.sh                   # 10000 100000 1000000
#   tests/bench/run.sh 10000 100000      # chosen sizes
#
# BENCH_DIR (default /tmp/topocheck-bench) holds the estates; BUILD (default build-rel) the build;
# BENCH_ARGS is passed to the benchmark (e.g. "--threads 1" or "--policy none").
set -eu
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/tmp/topocheck-bench}
BUILD=${BUILD:-build-rel}
[ $# -gt 0 ] || set -- 10000 100000 1000000
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD" topocheck_bench >/dev/null
for n in "$@"; do
  estate="$BENCH_DIR/estate-$n"
  if [ ! -f "$estate/.complete" ]; then
    rm -rf "$estate"
    python3 tests/bench/gen_estate.py --cis "$n" --out "$estate"
    touch "$estate/.complete"
  fi
  echo "== $n CIs ($(du -sh "$estate" | cut -f1) of TOML)"
  # shellcheck disable=SC2086
  "$BUILD/tests/bench/topocheck_bench" "$estate" ${BENCH_ARGS:-}
done
