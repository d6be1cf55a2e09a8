#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (CTest
# over GoogleTest). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
