#!/usr/bin/env python3
"""check_kinds.py: every diagnostic kind is emitted from one place and covered by a golden test.

Reads compiler/diagnostics/kinds.def. A kind passes when `DiagKind::Name` appears exactly
once in compiler/ outside compiler/diagnostics/, and its stable id appears as `[id]` in
the recorded expectations of at least one golden case under tests/sessc/.
"""
import pathlib
import re
import sys

# Kinds exempt from a rule, with the reason. Keep this list short.
EXEMPT_SINGLE_SITE = {}
EXEMPT_GOLDEN = {
    # Binary input is tested by tests/sessc/robustness.py: a golden file cannot hold it.
    "invalid-utf8": "covered by robustness.py",
}


def main():
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]
    kinds = re.findall(r'^SESSPROC_DIAG\((\w+),\s*\w+,\s*"([^"]+)"\)',
                       (root / "compiler/diagnostics/kinds.def").read_text(), re.M)
    sources = [p for p in (root / "compiler").rglob("*") if p.suffix in (".cpp", ".h")
               and "diagnostics" not in p.parts]
    code = "\n".join(p.read_text() for p in sources)
    goldens = "\n".join(p.read_text() for p in (root / "tests/sessc").rglob("*.reducer"))
    covered = set(re.findall(r"^// CHECK:STDERR: .*\[([a-z0-9-]+)\]$", goldens, re.M))

    failures = 0
    for name, kind_id in kinds:
        sites = len(re.findall(rf"DiagKind::{name}\b", code))
        if sites != 1 and name not in EXEMPT_SINGLE_SITE:
            print(f"FAIL {kind_id}: DiagKind::{name} is used in {sites} places (want exactly 1)")
            failures += 1
        if kind_id not in covered and kind_id not in EXEMPT_GOLDEN:
            print(f"FAIL {kind_id}: no golden case under tests/sessc/ expects [{kind_id}]")
            failures += 1
    print(f"{len(kinds) * 2 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
