#!/usr/bin/env bash
# sessc_check.sh: times `sessc check` over the generated ~10,000-line program.
#
# Usage: bench/sessc_check.sh BUILD_DIR [RUNS]
# Generates the program with gen_program.py, makes sure it checks clean (exit 0, no
# output: a benchmark of a failing check would time the wrong thing), then runs
# `sessc check` RUNS times (default 10) and prints the best and the median wall time.
# Use a Release build: a Debug build measures the assertions, not the checker.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [RUNS]" >&2
  exit 2
fi
build_dir=$1
runs=${2:-10}
sessc="$build_dir/tools/sessc/sessc"
here=$(cd "$(dirname "$0")" && pwd)

if [[ ! -x "$sessc" ]]; then
  echo "error: $sessc not found; build it first: ninja -C $build_dir sessc" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
program="$work/bench_program.reducer"
python3 "$here/gen_program.py" "$program"
lines=$(wc -l <"$program")

# The program must check clean: exit 0 and not a single diagnostic.
if ! "$sessc" check "$program" >"$work/out.txt" 2>&1 || [[ -s "$work/out.txt" ]]; then
  echo "error: the generated program does not check clean:" >&2
  head -n 40 "$work/out.txt" >&2
  exit 1
fi

# Wall time with `date +%s%N` around each process; CPU time (user + system) from bash's
# `time` as well, because on a shared machine the CPU time is the steadier figure.
load=$(cut -d' ' -f1-3 /proc/loadavg)
times=()
cpus=()
TIMEFORMAT='%3U %3S'
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  cpu=$({ time "$sessc" check "$program" >/dev/null 2>&1; } 2>&1)
  end=$(date +%s%N)
  times+=($(((end - start) / 1000)))  # microseconds
  cpus+=("$(python3 -c 'import sys; print(round((float(sys.argv[1]) + float(sys.argv[2])) * 1e6))' $cpu)")
done

sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(head -n 1 <<<"$sorted")
median=$(python3 -c 'import sys; v = sorted(int(x) for x in sys.argv[1:]); n = len(v); print(v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) // 2)' "${times[@]}")
build_type=$(grep -m1 '^CMAKE_BUILD_TYPE:' "$build_dir/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)

printf 'sessc check: %s lines, %d runs, build type %s\n' "$lines" "$runs" "${build_type:-unknown}"
printf '  best   %d.%03d s\n' $((best / 1000000)) $(((best % 1000000) / 1000))
printf '  median %d.%03d s\n' $((median / 1000000)) $(((median % 1000000) / 1000))
cpu_best=$(printf '%s\n' "${cpus[@]}" | sort -n | head -n 1)
printf '  best CPU time (user + system) %d.%03d s\n' $((cpu_best / 1000000)) $(((cpu_best % 1000000) / 1000))
printf '  load average before the runs: %s\n' "$load"
