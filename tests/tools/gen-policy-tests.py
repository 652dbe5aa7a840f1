#!/usr/bin/env python3
"""Drafts policies/tests/<RULE>.toml from the fixtures under fixtures/rules/<RULE>/.

    tests/tools/gen-policy-tests.py RULE [--binary build/topocheck] [--as-of 2026-11-23]

For each fixture directory it runs the policy and writes a [[test]] with the findings reported,
and checks them against the fixture's own `# Expect: RULE on CI: message` lines, or
`# Expect: RULE (estate): message` for an estate-wide finding (the author's independent statement
of what must fire): a fixture whose findings do not match its Expect lines (by rule and CI) is
reported and the draft is not written; an Expect message that differs from the reported one is
only a warning (fixtures may paraphrase). Fixtures that state their expectations in prose only
have no Expect lines to check against: --unchecked drafts them anyway, with a warning each, for
a review by hand. Review the draft before committing.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys


EXPECT = re.compile(r"#\s*Expect:\s*([A-Z0-9-]+) (?:on ([^:]+)|\(estate\)):\s*(.*)")


def expected_from_comments(path):
    """(rule, ci, message) per Expect line of the fixture; ci is "" for an estate-wide finding."""
    expects = []
    for f in sorted(glob.glob(os.path.join(path, "**", "*.toml"), recursive=True)):
        for line in open(f, encoding="utf-8"):
            m = EXPECT.match(line)
            if m:
                expects.append((m.group(1), (m.group(2) or "").strip(), m.group(3).strip()))
    return sorted(expects)


def gist(text):
    """An Expect message without the severity notes authors append (", severity low", " (high)")."""
    text = re.sub(r",? severity \w+$", "", text)
    return re.sub(r" \((info|low|medium|high|critical)\)$", "", text)


def has_prose_expectation(path):
    """The fixture says 'Expect:' somewhere, but not in the machine-readable form."""
    for f in glob.glob(os.path.join(path, "**", "*.toml"), recursive=True):
        if "Expect:" in open(f, encoding="utf-8").read():
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rule")
    ap.add_argument("--binary", default="build/topocheck")
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("--unchecked", action="store_true",
                    help="draft fixtures that have no Expect lines to check against (prose only)")
    args = ap.parse_args()
    out = [f"# Policy tests for {args.rule}: each fixture with the exact findings it must produce.",
           f"# Run: topocheck test policies/tests/{args.rule}.toml", "", "[defaults]",
           f"as_of = {args.as_of}", f'policies = ["{args.rule}"]', ""]
    ok = True
    for case in sorted(glob.glob(f"fixtures/rules/{args.rule}/*/")):
        case = case.rstrip("/")
        r = subprocess.run([args.binary, "check", case, "--as-of", args.as_of, "--policy", args.rule,
                            "--format", "json", "--quiet"], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            print(f"{case}: topocheck failed ({r.returncode}): {r.stderr.strip()}", file=sys.stderr)
            ok = False
            continue
        findings = json.loads(r.stdout)["findings"]
        got = sorted((f["rule"], f["ci"] or "") for f in findings)
        expects = expected_from_comments(case)
        want = sorted((rule, ci) for rule, ci, _ in expects)
        if not expects and findings and has_prose_expectation(case):
            if args.unchecked:
                print(f"{case}: no Expect lines, only prose; drafted unchecked: review by hand", file=sys.stderr)
            else:
                print(f"{case}: no Expect lines, only prose (use --unchecked to draft it anyway)", file=sys.stderr)
                ok = False
        elif got != want:
            print(f"{case}: findings {got} differ from its # Expect lines {want}", file=sys.stderr)
            ok = False
        else:
            for rule, ci, text in expects:
                reported = [f["message"] for f in findings if f["rule"] == rule and (f["ci"] or "") == ci]
                if text and not any(gist(text) in m for m in reported):
                    print(f"{case}: warning: Expect line '{rule} {ci}: {text}' is not in the reported "
                          f"message(s) {reported}", file=sys.stderr)
        name = os.path.basename(case).replace("-", " ")
        out += ["[[test]]", f'name = "{name}"', f'estate = "../../{case}"']
        if not findings:
            out.append("expect = []")
        else:
            out.append("expect = [")
            for f in findings:
                out.append(f'  {{ rule = "{f["rule"]}", ci = "{f["ci"] or ""}", message = {json.dumps(f["message"], ensure_ascii=False)} }},')
            out.append("]")
        out.append("")
    if not ok:
        sys.exit(1)
    with open(f"policies/tests/{args.rule}.toml", "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))
    print(f"wrote policies/tests/{args.rule}.toml")


if __name__ == "__main__":
    main()
