#!/usr/bin/env bash
# test.sh: installs what is missing, builds everything and runs the whole test suite,
# then the runtime tests again under ThreadSanitizer and under AddressSanitizer+UBSan
# (each in its own build folder).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SESSPROC_BUILD_DIR:-$root/build}
jobs=$(nproc)
# Let ccache share results between clones of the repository in different folders.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
bash "$root/tools/install-deps.sh"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure --timeout 600

for sanitizer in thread address; do
  dir="$build-$sanitizer"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSESSPROC_SANITIZE=$sanitizer \
    -DSESSPROC_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j "$jobs" --target runtime_tests
  echo "== runtime tests under the $sanitizer sanitizer"
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1" \
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 600 -R '^runtime/'
done
