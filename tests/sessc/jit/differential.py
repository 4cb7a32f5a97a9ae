#!/usr/bin/env python3
"""differential.py: the JIT against the interpreter, on every golden run case and example.

1. Every `// RUN: run ...` case of tests/sessc/run runs with `--backend jit`; its exit status,
   stdout and stderr must equal the recorded expectations (which come from the interpreter).
2. Every example folder with an actions.jsonl runs its programs on those actions with
   `--backend interp` and `--backend jit`; both must print the same.
Cases run in parallel (--jobs). Prints `N passed, M failed`.
"""
import argparse
import concurrent.futures
import difflib
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent))
import run_golden  # noqa: E402  (the lead's runner: case format and expectation parsing)


def outcome(proc):
    lines = [f"// CHECK:EXIT: {proc.returncode}"]
    for stream, content in (("STDOUT", proc.stdout), ("STDERR", proc.stderr)):
        content = content.decode("utf-8", "replace")
        for line in content.rstrip("\n").split("\n") if content else []:
            lines.append(f"// CHECK:{stream}: {line}".rstrip())
    return lines


def run(command, cwd, stdin):
    try:
        return outcome(subprocess.run(command, cwd=cwd, capture_output=True,
                                      input=stdin.encode("utf-8"), timeout=120))
    except subprocess.TimeoutExpired:
        return ["timed out after 120 s"]


def golden_case(sessc, backend, case):
    """(name, expected, actual) for a run case, or None for other cases."""
    text = case.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    args = first[len("// RUN:"):].split() if first.startswith("// RUN:") else ["check"]
    if not args or args[0] != "run":
        return None
    stdin = "".join(line[len("// STDIN: "):] + "\n" for line in text.split("\n")
                    if line.startswith("// STDIN: "))
    actual = run([sessc, args[0], "--backend", backend, *args[1:], case.name], case.parent, stdin)
    _, recorded = run_golden.split_case(text)
    return str(case.relative_to(ROOT)), recorded, actual


def example_case(sessc, backend, folder):
    files = sorted(p.name for p in folder.iterdir() if p.suffix in (".reducer", ".session"))
    stdin = (folder / "actions.jsonl").read_text(encoding="utf-8")
    expected = run([sessc, "run", "--backend", "interp", *files], folder, stdin)
    actual = run([sessc, "run", "--backend", backend, *files], folder, stdin)
    return str(folder.relative_to(ROOT)), expected, actual


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessc", required=True)
    parser.add_argument("--backend", default="jit")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-examples", action="store_true")
    parser.add_argument("paths", nargs="*", default=[str(HERE.parent / "run")])
    options = parser.parse_args()
    sessc = str(pathlib.Path(options.sessc).resolve())
    jobs = []
    for p in map(pathlib.Path, options.paths):
        for case in (sorted(p.rglob("*.reducer")) if p.is_dir() else [p]):
            jobs.append((golden_case, case.resolve()))
    if not options.no_examples:
        for actions in sorted((ROOT / "examples").glob("*/actions.jsonl")):
            jobs.append((example_case, actions.parent))

    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        results = list(pool.map(lambda job: job[0](sessc, options.backend, job[1]), jobs))
    passed = failed = 0
    for result in results:
        if result is None:
            continue
        name, expected, actual = result
        if expected == actual:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {name}: --backend {options.backend} differs from the interpreter")
        for line in difflib.unified_diff(expected, actual, "interp", options.backend, lineterm=""):
            print("    " + line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
