#!/usr/bin/env bash
# Run THERE, on the GPU machine, from the repo root, with .gpu carried
# (tools/gpu/fetch_debs.sh made it here), e.g. through the device tool:
#   run(command="bash tools/gpu/build_and_test.sh", carry=[".gpu"])
# Unpacks the carried Debian packages into /tmp/gpu-deps (never into /),
# configures against Python's LibTorch with CUDA, builds, runs the test
# suite (the parity tests then run on CUDA too) and the benchmark, and
# copies the logs to $OUT when the device tool sets it.
#
#   tools/gpu/build_and_test.sh [ctest -R regex] [bench archs]
set -euo pipefail
cd "$(dirname "$0")/../.."
filter=${1:-}
bench_archs=${2:-50}
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
deps=/tmp/gpu-deps
if [ ! -d "$deps/usr" ]; then
  ls .gpu/debs/*.deb >/dev/null || { echo "no .gpu/debs: run tools/gpu/fetch_debs.sh here and carry .gpu" >&2; exit 2; }
  for f in .gpu/debs/*.deb; do dpkg -x "$f" "$deps"; done
fi
multiarch=$deps/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/device.txt"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee -a "$out/device.txt"

# Boost_ROOT and the *_DIR hints pick the carried packages over anything the
# image has (its Boost 1.83 has headers but no program_options).
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" \
  -DBoost_ROOT="$deps/usr" -DBoost_NO_SYSTEM_PATHS=ON \
  -DBoost_DIR="$multiarch/cmake/Boost-1.74.0" \
  -Dnlohmann_json_DIR="$deps/usr/share/cmake/nlohmann_json" \
  -DGTest_DIR="$multiarch/cmake/GTest" \
  -DXGBOOST_INCLUDE_DIR="$deps/usr/include" -DXGBOOST_LIBRARY="$multiarch/libxgboost.so" \
  2>&1 | tee "$out/configure.log" | tail -5
cmake --build build-gpu -j "$(nproc)" 2>&1 | tee "$out/build.log" | tail -3

status=0
ctest_args=(--test-dir build-gpu --output-on-failure -j 8)
[ -n "$filter" ] && ctest_args+=(-R "$filter")
ctest "${ctest_args[@]}" > "$out/ctest.log" 2>&1 || status=1
tail -15 "$out/ctest.log"
build-gpu/bin/bench_proxies --device cuda --archs "$bench_archs" 2>&1 | tee "$out/bench_cuda.txt" || status=1
exit $status
