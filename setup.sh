#!/usr/bin/env bash
# Install build dependencies (only what is missing), then configure and build into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
# MESHPANEL_WERROR=ON makes warnings errors (./test.sh and CI set it; users need not).
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(build-essential cmake pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev libyaml-dev zlib1g-dev
      check python3 python3-yaml python3-jsonschema openssl tmux)
# ./test.sh also needs a second compiler and the packaging tools (issue 13)
[ "${MESHPANEL_TEST_DEPS:-0}" = 1 ] && PKGS+=(clang dpkg-dev man-db)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DMESHPANEL_WERROR="${MESHPANEL_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
