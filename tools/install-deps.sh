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
  libboost1.74-dev libssl-dev libtomlplusplus-dev
  clang-format clang-tidy-16
  nodejs chromium wrk  # tests/server (with npm, below) and bench/server_*
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm comes with some builds of nodejs (which then conflict with Debian's npm package).
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The server tests' npm packages (tests/server/package-lock.json), installed again only when
# the lock file changed since the last install.
root=$(cd "$(dirname "$0")/.." && pwd)
lock="$root/tests/server/package-lock.json"
stamp="$root/tests/server/node_modules/.installed-lock.json"
if [ -f "$lock" ] && ! cmp -s "$lock" "$stamp"; then
  echo "install-deps: npm ci --prefix tests/server"
  npm ci --prefix "$root/tests/server" --no-audit --no-fund --loglevel=error >/dev/null
  cp "$lock" "$stamp"
fi
