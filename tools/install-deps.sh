#!/usr/bin/env bash
# Installs every Debian package that sessproc's build, tests and benchmarks need.
# Idempotent and quiet when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache git python3
  antlr4 libantlr4-runtime-dev default-jre-headless
  nlohmann-json3-dev libcli11-dev doctest-dev libspdlog-dev libfmt-dev
  libbenchmark-dev
  llvm-16-dev libzstd-dev
  libboost1.74-dev libssl-dev
  clang-format clang-tidy-16
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
