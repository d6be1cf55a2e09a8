#!/usr/bin/env bash
# Run HERE (Debian 12, with apt): downloads the Debian packages the GPU
# machine lacks into .gpu/debs (ignored by git; `carry` it). That machine
# (Ubuntu 24.04, CUDA 13, Python's torch 2.11, Boost 1.83 headers without
# program_options, no package registry) gets them unpacked by
# tools/gpu/build_and_test.sh. Boost headers and libraries come from one
# version (1.74, both carried) so they always match.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu/debs
cd .gpu/debs
packages=(nlohmann-json3-dev
          libboost1.74-dev libboost-program-options1.74-dev libboost-program-options1.74.0
          libxgboost-dev libxgboost0 libdmlc0
          libgtest-dev)
missing=()
for p in "${packages[@]}"; do
  ls "${p}"_*.deb >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get download "${missing[@]}"
fi
du -ch ./*.deb | tail -1
