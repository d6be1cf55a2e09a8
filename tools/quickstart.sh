#!/usr/bin/env bash
# Fresh Debian 12 to a real result: install what is missing, build nasrun
# and its plugins (not the tests: tools/test.sh builds those), and run random
# search on NAS-Bench-201 CIFAR-10 against the shipped benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh nasrun nas_all_plugins
build/bin/nasrun configs/nb201_random.json --resume
