#!/usr/bin/env python3
"""Writes the seed corpus of one fuzz target into a directory, from the repository's fixtures and
policies, so that the fuzzer starts from real estates instead of from nothing.

  tests/fuzz/make_seeds.py TARGET OUT_DIR
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def estate_files():
    return sorted(p for p in FIXTURES.rglob("*.toml"))


def seeds_estate_file():
    for path in estate_files():
        yield path.relative_to(FIXTURES).as_posix(), path.read_bytes()


def seeds_estate_dir():
    # Each fixture directory with its files joined as fuzz_estate_dir expects ("%%%" between files).
    dirs = sorted({p.parent for p in estate_files()})
    for d in dirs:
        files = sorted(d.rglob("*.toml"))
        if not files or len(files) > 12:
            continue
        yield d.relative_to(FIXTURES).as_posix(), b"\n%%%\n".join(f.read_bytes() for f in files)
    # The compliant estate with each what-if overlay on top.
    base = b"\n%%%\n".join(f.read_bytes() for f in sorted((FIXTURES / "compliant").rglob("*.toml")))
    for overlay in sorted((FIXTURES / "whatif").glob("*.toml")):
        yield "whatif/" + overlay.name, base + b"\n%%%overlay\n" + overlay.read_bytes()


QUOTED = re.compile(rb'"([^"\n]{1,60})"')
NET_LIKE = re.compile(rb"^(tcp|udp|icmp|any|cidr:|[0-9a-fA-F:.]+(/[0-9]+)?$)")
DATE_LIKE = re.compile(rb"\b(\d{4}-\d{2}-\d{2})\b")


def seeds_net_parsers():
    values = set()
    for path in estate_files():
        text = path.read_bytes()
        for m in QUOTED.finditer(text):
            v = m.group(1)
            if NET_LIKE.match(v):
                values.add(v[5:] if v.startswith(b"cidr:") else v)
        values.update(m.group(1) for m in DATE_LIKE.finditer(text))
    for i, v in enumerate(sorted(values)):
        yield f"value-{i:04d}", v


def seeds_policy():
    for path in sorted((ROOT / "policies").rglob("*.lua")):
        yield path.relative_to(ROOT).as_posix(), path.read_bytes()
    yield "snippet-cis", b"for ci in estate.cis() do report(ci, ci.id .. ' ' .. ci.class) end"
    yield "snippet-paths", (b"for ci in estate.cis() do local p = estate.paths_from_internet(ci) "
                            b"if p then report(ci, 'exposed') end end")


TARGETS = {
    "fuzz_estate_file": seeds_estate_file,
    "fuzz_estate_dir": seeds_estate_dir,
    "fuzz_net_parsers": seeds_net_parsers,
    "fuzz_policy": seeds_policy,
    "fuzz_fast_toml": seeds_estate_file,  # the same documents, read by both TOML parsers
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} OUT_DIR")
    out = pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in TARGETS[sys.argv[1]]():
        (out / re.sub(r"[^A-Za-z0-9_.-]", "_", name)).write_bytes(data)
        count += 1
    print(f"{count} seed(s) for {sys.argv[1]} in {out}")


if __name__ == "__main__":
    main()
