#!/usr/bin/env bash
# check-examples.sh SESSC: checks and format-checks every example program.
# Each folder under examples/ holding .reducer/.session files is one compilation.
# Prints what it found per example; exits non-zero if any example has a problem.
set -uo pipefail
sessc=${1:?usage: check-examples.sh PATH_TO_SESSC}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for dir in "$root"/examples/*/; do
  mapfile -t files < <(find "$dir" -maxdepth 1 \( -name '*.reducer' -o -name '*.session' \) | sort)
  [ ${#files[@]} -eq 0 ] && continue
  name=$(basename "$dir")
  if "$sessc" check --werror "${files[@]}"; then
    echo "examples/$name: ${#files[@]} files check clean"
  else
    echo "examples/$name: sessc check found problems (above)"; status=1
  fi
  if "$sessc" fmt --check "${files[@]}"; then
    echo "examples/$name: formatted canonically"
  else
    echo "examples/$name: not formatted canonically (run sessc fmt on the files above)"; status=1
  fi
done
exit $status
