#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (CTest
# over GoogleTest). .ci/run calls exactly this.
#
# With CI set (CI=true, as CI runs it) or --full, it then also builds
# everything with ASan + UBSan and runs the whole suite again there
# (tools/sanitize.sh), and runs each fuzz target for 90 s (tools/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
full=0
[ -n "${CI:-}" ] && [ "${CI}" != false ] && full=1
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    *) echo "test.sh: unknown argument '$arg' (use --full)" >&2; exit 2 ;;
  esac
done
start=$SECONDS
tools/install_deps.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
echo "test.sh: build and tests took $((SECONDS - start)) s"
[ "$full" -eq 1 ] || exit 0

status=0
start=$SECONDS
tools/sanitize.sh || status=1
echo "test.sh: sanitizer build and tests took $((SECONDS - start)) s"
if grep -q '^NASRUN_FUZZ:BOOL=ON' build-asan/CMakeCache.txt; then
  start=$SECONDS
  tools/fuzz.sh --build-dir build-asan --seconds 90 || status=1
  echo "test.sh: fuzzing took $((SECONDS - start)) s"
else
  echo "test.sh: build-asan has no fuzzers (no clang++-14); fuzzing skipped"
  status=1
fi
exit $status
