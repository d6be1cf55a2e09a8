#!/usr/bin/env bash
# Configures and builds nasrun in ./build (Release, LibTorch headers precompiled).
#   tools/build.sh              everything: nasrun, plugins, benchmarks, tests
#   tools/build.sh TARGET...    only those targets (and what they need)
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
