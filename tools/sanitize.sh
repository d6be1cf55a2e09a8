#!/usr/bin/env bash
# Builds every target (libnascore, nasrun, all plugins, all tests) with
# AddressSanitizer + UndefinedBehaviorSanitizer in ./build-asan and runs the
# whole CTest suite there. With clang the same build also holds the libFuzzer
# targets (NASRUN_FUZZ=ON), so tools/fuzz.sh --build-dir build-asan reuses it.
#
#   tools/sanitize.sh [CTEST ARGS...]     e.g. tools/sanitize.sh -R pipeline
#   source tools/sanitize.sh              only sets ASAN_OPTIONS / UBSAN_OPTIONS
#
# LibTorch (Debian's libtorch-dev) is not instrumented: ASan still checks
# every access our code makes, and its allocator sees LibTorch's memory.

# Sanitizer options, for the tests, for gtest discovery at build time (it
# runs the test programs) and for the fuzzers. ASan runs with its defaults
# (leak checking included): LibTorch, uninstrumented, gave no false report.
# UBSan: print the stack; every finding fails (-fno-sanitize-recover too).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  return 0
fi

set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  config=(-DCMAKE_BUILD_TYPE=Release -DNASRUN_SANITIZE=ON)
  if command -v clang++-14 >/dev/null; then
    # clang: file:line in reports at little cost, and the fuzzers in the same build.
    config+=(-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS=-gline-tables-only -DNASRUN_FUZZ=ON)
  else
    echo "sanitize: clang++-14 not found; building with $(command -v c++) and without the fuzzers"
  fi
  cmake -S . -B "$build" "${generator[@]}" "${config[@]}"
fi
start=$SECONDS
cmake --build "$build" -j "$(nproc)"
echo "sanitize: build took $((SECONDS - start)) s"
start=$SECONDS
status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@" || status=$?
echo "sanitize: ctest under ASan+UBSan took $((SECONDS - start)) s"
exit $status
