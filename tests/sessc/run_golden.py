#!/usr/bin/env python3
"""run_golden.py: runs sessc golden cases and compares (or rewrites) their expectations.

A case is one .reducer file. An optional first line `// RUN: <sessc args>` gives the
arguments (default `check`); sessc runs as `sessc <args> <basename>` in the file's folder,
so rendered paths are stable. Lines `// STDIN: <text>` in the case are fed to sessc's
standard input in order (the JSON-lines actions of `sessc run`). The expectations stand at the end of the file as
`// CHECK:EXIT: N`, `// CHECK:STDERR: ...` and `// CHECK:STDOUT: ...` lines, after the
case itself, so updating them never moves the case's line numbers. `--autoupdate`
rewrites them from what sessc printed; review the diff before committing.
"""
import argparse
import pathlib
import re
import subprocess
import sys

CHECK_RE = re.compile(r"^// CHECK:(EXIT|STDERR|STDOUT):(?: (.*))?$")


def split_case(text):
    """Returns (case text without expectations, list of expectation lines)."""
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and (lines[end - 1] == "" or CHECK_RE.match(lines[end - 1])):
        end -= 1
    body = "\n".join(lines[:end]).rstrip("\n") + "\n"
    return body, [l for l in lines[end:] if CHECK_RE.match(l)]


def run_case(sessc, path):
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    args = first[len("// RUN:"):].split() if first.startswith("// RUN:") else ["check"]
    stdin = "".join(line[len("// STDIN: "):] + "\n" for line in text.split("\n")
                    if line.startswith("// STDIN: "))
    try:
        proc = subprocess.run([sessc, *args, path.name], cwd=path.parent, capture_output=True,
                              input=stdin.encode("utf-8"), timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s"
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    expected = [f"// CHECK:EXIT: {proc.returncode}"]
    for stream, content in (("STDOUT", out), ("STDERR", err)):
        for line in content.rstrip("\n").split("\n") if content else []:
            expected.append(f"// CHECK:{stream}: {line}".rstrip())
    return expected, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessc", required=True)
    parser.add_argument("--autoupdate", action="store_true")
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    options.sessc = str(pathlib.Path(options.sessc).resolve())

    cases = []
    for p in map(pathlib.Path, options.paths):
        cases.extend(sorted(p.rglob("*.reducer")) if p.is_dir() else [p])

    failures = 0
    for case in cases:
        actual, problem = run_case(options.sessc, case)
        if problem:
            print(f"FAIL {case}: {problem}")
            failures += 1
            continue
        body, recorded = split_case(case.read_text(encoding="utf-8"))
        if options.autoupdate:
            if recorded != actual:
                case.write_text(body + "\n" + "\n".join(actual) + "\n", encoding="utf-8")
                print(f"updated {case}")
            continue
        if not recorded:
            print(f"FAIL {case}: no expectations; run with --autoupdate and review them")
            failures += 1
        elif recorded != actual:
            print(f"FAIL {case}: output differs from the recorded expectations")
            import difflib
            for line in difflib.unified_diff(recorded, actual, "expected", "actual", lineterm=""):
                print("    " + line)
            failures += 1
    passed = len(cases) - failures
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
