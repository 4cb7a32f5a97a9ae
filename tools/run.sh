#!/usr/bin/env bash
# run.sh: installs what is missing, builds sessproc and runs the main job.
# Until the server exists, the main job is the compiler over the example programs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SESSPROC_BUILD_DIR:-$root/build}
bash "$root/tools/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target sessc
bash "$root/tools/check-examples.sh" "$build/tools/sessc/sessc"
