#!/usr/bin/env python3
"""differential.py: runs every `sessc run` golden case with --backend cpp and compares.

The cases are tests/sessc/run/**/*.reducer (and tests/sessc/cpp/native/, which CTest adds);
their recorded expectations (exit status, stdout and stderr) come from the interpreter, so the
C++ backend must reproduce them exactly. Each case's emitted C++ is compiled by sessc itself;
cases run in parallel (--jobs) to keep the whole check within a few minutes on two cores.
"""
import argparse
import concurrent.futures
import difflib
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import run_golden  # noqa: E402  (the lead's runner: case format and expectation parsing)


def run_cpp(sessc, case):
    text = case.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    args = first[len("// RUN:"):].split() if first.startswith("// RUN:") else ["check"]
    if not args or args[0] != "run":
        return None
    args = [args[0], "--backend", "cpp", *args[1:]]
    stdin = "".join(line[len("// STDIN: "):] + "\n" for line in text.split("\n")
                    if line.startswith("// STDIN: "))
    try:
        proc = subprocess.run([sessc, *args, case.name], cwd=case.parent, capture_output=True,
                              input=stdin.encode("utf-8"), timeout=300)
    except subprocess.TimeoutExpired:
        return ["timed out after 300 s"]
    actual = [f"// CHECK:EXIT: {proc.returncode}"]
    for stream, content in (("STDOUT", proc.stdout), ("STDERR", proc.stderr)):
        content = content.decode("utf-8", "replace")
        for line in content.rstrip("\n").split("\n") if content else []:
            actual.append(f"// CHECK:{stream}: {line}".rstrip())
    return actual


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessc", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("paths", nargs="*", default=[str(HERE.parent / "run")])
    options = parser.parse_args()
    sessc = str(pathlib.Path(options.sessc).resolve())
    cases = []
    for p in map(pathlib.Path, options.paths):
        cases.extend(sorted(p.rglob("*.reducer")) if p.is_dir() else [p])

    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        results = list(pool.map(lambda c: run_cpp(sessc, c), cases))
    failures = 0
    ran = 0
    for case, actual in zip(cases, results):
        if actual is None:
            continue
        ran += 1
        _, recorded = run_golden.split_case(case.read_text(encoding="utf-8"))
        if recorded != actual:
            failures += 1
            print(f"FAIL {case}: --backend cpp differs from the interpreter's expectations")
            for line in difflib.unified_diff(recorded, actual, "interp", "cpp", lineterm=""):
                print("    " + line)
    print(f"{ran - failures} passed, {failures} failed")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
