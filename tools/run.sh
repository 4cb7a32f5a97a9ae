#!/usr/bin/env bash
# run.sh: installs what is missing, builds sessproc and runs the main job: sessd serving the
# example shop (examples/shop/) on http://127.0.0.1:4000/ (it prints the URL; Ctrl-C stops it).
# Extra arguments go to sessd, e.g. `tools/run.sh --listen 127.0.0.1:8080 --backend interp`;
# SESSD_* environment variables work too (docs/server.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SESSPROC_BUILD_DIR:-$root/build}
bash "$root/tools/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target sessd
# malloc's heap on transparent huge pages: every session miss is also a TLB miss on a VM
# (docs/architecture.md, "Huge pages"). A GLIBC_TUNABLES of the caller's own is kept.
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"
exec "$build/tools/sessd/sessd" "$@"
