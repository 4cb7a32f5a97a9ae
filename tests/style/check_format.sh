#!/usr/bin/env bash
# check_format.sh: every C++ file of the project is clang-format clean.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  '*.cpp' '*.h' | grep -v '^build')
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not clang-format clean: $f (run clang-format -i $f)"; bad=$((bad + 1))
  fi
done
echo "$(( ${#files[@]} - bad )) passed, $bad failed"
[ $bad -eq 0 ]
