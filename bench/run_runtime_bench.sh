#!/usr/bin/env bash
# run_runtime_bench.sh: builds the runtime benchmarks in Release and prints every figure.
#
# Usage: bench/run_runtime_bench.sh [BUILD_DIR]   (default: build-bench next to this repo's
# top CMakeLists.txt). Configures BUILD_DIR as a Release build if needed, builds
# runtime_gbench and runtime_driver with -j2, then runs, in order: the Google Benchmark
# timings (registry lookups, sync dispatch on 1 and 2 threads) and the driver's figures
# (session creation, memory per idle session, dispatch latency, notifications, TTL expiry),
# then the steady-state dispatch rate (every session's history full), one by one and through
# dispatch_many, per backend, and finally the lookups and dispatches again with glibc's malloc
# on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, a deployment setting;
# docs/benchmarks.md), with the steady-state latency of the JIT.
# Each figure line carries the 1-minute load average when it was taken: the machine is shared.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build_dir=${1:-$repo/build-bench}

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
build_type=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$build_dir/CMakeCache.txt" | cut -d= -f2)
if [[ "$build_type" != "Release" ]]; then
  echo "error: $build_dir is a $build_type build; the benchmarks need Release" >&2
  exit 2
fi
ninja -C "$build_dir" -j2 runtime_gbench runtime_driver >/dev/null

echo "== machine: $(nproc) cores, $(uptime)"
echo "== registry lookups and sync dispatch (Google Benchmark, 100,000 sessions)"
"$build_dir/bench/runtime_gbench" --benchmark_min_time=2 \
  --benchmark_counters_tabular=true
echo
echo "== registry lookups with 1,000 sessions (the table fits in cache), for comparison"
"$build_dir/bench/runtime_gbench" --sessions=1000 --benchmark_filter=lookup \
  --benchmark_min_time=1 --benchmark_counters_tabular=true 2>&1 | grep '^lookup'
echo
echo "== creation, memory, latency, notifications, TTL (runtime_driver)"
"$build_dir/bench/runtime_driver" all
echo
echo "== steady state: sync dispatch once every session's history is full (runtime_driver)"
"$build_dir/bench/runtime_driver" steady --threads=1 --dispatches=1000000
for backend in interp jit cpp; do
  echo "-- $backend"
  "$build_dir/bench/runtime_driver" steady --threads=2 --backend=$backend
  "$build_dir/bench/runtime_driver" steady --threads=2 --backend=$backend --batch=64
done
echo
echo "== the same lookups and dispatches with malloc on transparent huge pages"
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$build_dir/bench/runtime_gbench" --benchmark_min_time=2 \
  --benchmark_counters_tabular=true
for backend in interp jit cpp; do
  echo "-- $backend"
  GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$build_dir/bench/runtime_driver" steady --threads=2 \
    --backend=$backend
  GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$build_dir/bench/runtime_driver" steady --threads=2 \
    --backend=$backend --batch=64
done
echo "-- JIT latency once every history is full"
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$build_dir/bench/runtime_driver" latency --backend=jit \
  --warm=100
echo
echo "== done: $(uptime)"
