#!/usr/bin/env python3
"""update_language_examples.py: pastes real `sessc` output into docs/language.md.

Every diagnostic example in the reference is a complete file, written as
    <!-- check: NAME.reducer [SESSC ARGS] -->
    ```reducer
    ...
    ```
The script writes each to a temporary folder as NAME.reducer, runs `sessc ARGS NAME.reducer`
there (ARGS default to `check`), and puts the output, in a ```text block, right after the
example (replacing the block already there). So the reference shows what sessc really says,
and re-running it after a change of wording keeps the two in step.

Usage: docs/update_language_examples.py PATH_TO_SESSC [docs/language.md]
"""

import os
import re
import subprocess
import sys
import tempfile

EXAMPLE = re.compile(
    r"(<!-- check: (\S+)((?: \S+)*?) -->\n```reducer\n(.*?)```\n)(```text\n.*?```\n)?", re.S)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    sessc = os.path.abspath(sys.argv[1])
    doc = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "language.md")
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    with tempfile.TemporaryDirectory() as folder:

        def run(match: re.Match) -> str:
            head, name, args, source = match.group(1), match.group(2), match.group(3), match.group(4)
            command = args.split() or ["check"]
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(source)
            result = subprocess.run([sessc, *command, name], cwd=folder, capture_output=True,
                                    text=True)
            output = (result.stdout + result.stderr).rstrip("\n")
            print(f"{name}: exit {result.returncode}", file=sys.stderr)
            return f"{head}```text\n$ sessc {' '.join(command + [name])}\n{output}\n```\n"

        text = EXAMPLE.sub(run, text)
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
