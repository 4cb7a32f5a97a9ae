#!/usr/bin/env python3
"""robustness.py: bad input never crashes sessc.

Each case feeds sessc hostile input and asserts a clean outcome: exit code 1 (errors in
the input) or 2 (usage or I/O), a message on stderr that names the problem, no signal,
and an answer within the time limit.
"""
import os
import pathlib
import random
import subprocess
import sys
import tempfile

TIMEOUT_S = 30


def cases():
    rnd = random.Random(20261129)
    yield "binary garbage", "garbage.reducer", bytes(rnd.randrange(256) for _ in range(4096)), \
        (1,), "garbage.reducer:"
    yield "empty file", "empty.reducer", b"", (0,), ""
    yield "only whitespace and comments", "blank.reducer", b"\n  // nothing\n/* here */\n", (0,), ""
    yield "20,000 nested parentheses", "parens.reducer", \
        b"fn f() -> int { return " + b"(" * 20000 + b"1" + b")" * 20000 + b"; }\n", \
        (1,), "nest"
    yield "20,000 nested blocks", "blocks.reducer", \
        b"reducer r { on \"a\" { " + b"if true { " * 20000 + b"}" * 20000 + b" } }\n", \
        (1,), "nest"
    yield "20,000 nested lists", "lists.reducer", \
        b"fn f() -> any { return " + b"[" * 20000 + b"]" * 20000 + b"; }\n", (1,), "nest"
    yield "20,000 unary operators", "unary.reducer", \
        b"fn f() -> bool { return " + b"!" * 20000 + b"true; }\n", (1,), "nest"
    yield "200,000-term operator chain", "chain.reducer", \
        b"fn f() -> int { return 1" + b" + 1" * 200000 + b"; }\n", (1,), "nest"
    yield "5,000-term operator chain is fine", "chain_ok.reducer", \
        b"fn f() -> int {\n  return 1" + b" + 1" * 5000 + b";\n}\n", (0,), ""
    yield "unclosed nesting", "unclosed.reducer", b"reducer r { state { " + b"(" * 20000, \
        (1,), "unclosed.reducer:"
    yield "unterminated string", "string.reducer", b'reducer r {\n  prefix "abc;\n}\n', (1,), \
        "unterminated"
    yield "unterminated comment", "comment.reducer", b"reducer r {\n  /* never closed\n}\n", (1,), \
        "unterminated"
    yield "invalid UTF-8", "utf8.reducer", b'reducer r { prefix "\xff\xfe"; }\n', (1,), "utf"
    yield "NUL bytes", "nul.reducer", b"reducer\x00 r { }\n", (1,), "nul.reducer:"


def run(sessc, args, cwd):
    return subprocess.run([sessc, *args], cwd=cwd, capture_output=True, timeout=TIMEOUT_S)


def main():
    sessc = os.path.abspath(sys.argv[1])
    failures = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        checks = []
        for name, filename, content, codes, needle in cases():
            (pathlib.Path(tmp) / filename).write_bytes(content)
            checks.append((name, ["check", filename], codes, needle))
            # fmt --check may also say "would reformat" (exit 1) where check is clean.
            fmt_codes = codes + (1,) if 0 in codes else codes
            checks.append((name + " (fmt)", ["fmt", "--check", filename], fmt_codes, needle))
        checks.append(("missing file", ["check", "no-such-file.reducer"], (2,),
                       "no-such-file.reducer"))
        checks.append(("unknown command", ["frobnicate"], (2,), "frobnicate"))
        checks.append(("no files", ["check"], (2,), ""))
        for name, args, codes, needle in checks:
            try:
                proc = run(sessc, args, tmp)
            except subprocess.TimeoutExpired:
                print(f"FAIL {name}: no answer within {TIMEOUT_S} s")
                failures += 1
                continue
            err = proc.stderr.decode("utf-8", "replace")
            problems = []
            if proc.returncode < 0:
                problems.append(f"killed by signal {-proc.returncode}")
            elif proc.returncode not in codes:
                problems.append(f"exit {proc.returncode}, want one of {codes}")
            if needle.lower() not in err.lower():
                problems.append(f"stderr lacks {needle!r}")
            if proc.returncode != 0 and len(err.strip()) == 0:
                problems.append("no message on stderr")
            if problems:
                print(f"FAIL {name}: {'; '.join(problems)}\n    stderr: {err[:600]!r}")
                failures += 1
            else:
                passed += 1
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
