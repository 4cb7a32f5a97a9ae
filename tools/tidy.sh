#!/usr/bin/env bash
# tidy.sh [BUILD_DIR] [FILES...]: clang-tidy over the project's own sources.
# clang 16 does not yet announce the concepts level that libstdc++ 12 wants before it
# exposes std::expected, so we announce it, and it spells C++23 as c++2b; the code
# itself is compiled by GCC.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}; shift || true
tidy=$(command -v clang-tidy-16 || command -v clang-tidy)
if [ $# -eq 0 ]; then
  mapfile -t files < <(cd "$root" && git ls-files 'compiler/*.cpp' 'runtime/*.cpp' 'stdlib/*.cpp' 'tools/*.cpp')
else
  files=("$@")
fi
cd "$root"
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 "$tidy" -p "$build" --quiet \
  --extra-arg=-D__cpp_concepts=202002L --extra-arg=-Wno-builtin-macro-redefined --extra-arg=-Wno-macro-redefined \
  --extra-arg=-Wno-unknown-warning-option --extra-arg=-std=c++2b
