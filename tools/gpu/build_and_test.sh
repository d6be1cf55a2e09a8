#!/usr/bin/env bash
# Run THERE, on the GPU machine, from the repo root, with .gpu carried
# (tools/gpu/fetch_debs.sh made it here), e.g. through the device tool:
#   run(command="bash tools/gpu/build_and_test.sh 540", carry=[".gpu"], timeout_s=600)
# Unpacks the carried Debian packages into /tmp/gpu-deps (never into /),
# configures against Python's LibTorch with CUDA, builds what the checks
# need, then runs the checks most important first, each under a time limit
# cut from one budget so that the run ends inside the device lease and
# still returns what it has:
#   1. the CUDA cases of the parity and second-order suites, the parity
#      cases of tests/data/crosscheck on CUDA, and the CUDA out-of-memory
#      test (tests.log),
#   2. `nasrun --jobs`: the 14 original proxies on 100 NB201 archs scored
#      with 1, 4 and 8 jobs (each on its own CUDA stream), archs/s each and
#      the largest difference from the 1-job scores (jobs.txt),
#   3. the 1,000-arch correlate config cut to 200 archs on CUDA, every
#      proxy (corr_scores.jsonl, corr_summary.json; compare them per arch
#      and proxy with the CPU run's scores.jsonl of the same config),
#   4. bench_proxies on CUDA: every proxy alone and shared (under cuda-gdb,
#      which prints a backtrace should it crash), the 14 original proxies
#      shared, and 4 processes of 4 threads sharing the GPU (bench.txt),
#   5. the CPU parity suites against this LibTorch, with what time is left.
# Everything lands in $OUT when the device tool sets it (at most 8 files).
#
#   tools/gpu/build_and_test.sh [BUDGET_SECONDS [STAGES]]
# BUDGET_SECONDS defaults to 540; STAGES, a comma-separated list of
# tests,jobs,correlate,bench_all,bench_14,bench_processes,tests_cpu, to all.
set -uo pipefail
cd "$(dirname "$0")/../.."
budget=${1:-540}
stages=${2:-tests,jobs,correlate,bench_all,bench_14,bench_processes,tests_cpu}
want() { [[ ",$stages," == *",$1,"* ]]; }
start=$SECONDS
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
summary=$out/summary.txt

note() { echo "[$((SECONDS - start)) s] $*" | tee -a "$summary"; }
# stage NAME CAP COMMAND...: COMMAND under min(CAP, what is left - 15) seconds.
stage() {
  local name=$1 cap=$2 limit
  shift 2
  limit=$((budget - (SECONDS - start) - 15))
  ((limit > cap)) && limit=$cap
  if ((limit < 20)); then
    note "$name: skipped, ${limit} s left"
    return 124
  fi
  local t0=$SECONDS rc=0
  timeout "$limit" "$@" || rc=$?
  note "$name: exit $rc after $((SECONDS - t0)) s (limit $limit s)"
  return $rc
}

deps=/tmp/gpu-deps
if [ ! -d "$deps/usr" ]; then
  ls .gpu/debs/*.deb >/dev/null || { echo "no .gpu/debs: run tools/gpu/fetch_debs.sh here and carry .gpu" >&2; exit 2; }
  for f in .gpu/debs/*.deb; do dpkg -x "$f" "$deps"; done
fi
multiarch=$deps/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
  nproc
  g++ --version | head -1
  cmake --version | head -1
} 2>&1 | tee "$out/device.txt"

# Boost_ROOT and the *_DIR hints pick the carried packages over anything the
# image has (its Boost 1.83 has headers but no program_options).
build_log=$out/build.log
stage configure 120 cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" \
  -DBoost_ROOT="$deps/usr" -DBoost_NO_SYSTEM_PATHS=ON \
  -DBoost_DIR="$multiarch/cmake/Boost-1.74.0" \
  -Dnlohmann_json_DIR="$deps/usr/share/cmake/nlohmann_json" \
  -DGTest_DIR="$multiarch/cmake/GTest" \
  -DXGBOOST_INCLUDE_DIR="$deps/usr/include" -DXGBOOST_LIBRARY="$multiarch/libxgboost.so" \
  >"$build_log" 2>&1 || { tail -30 "$build_log"; exit 1; }
# -k 0: every compile error of this LibTorch in one go, not only the first.
stage build 330 cmake --build build-gpu -j "$(nproc)" \
  --target nasrun nas_all_plugins bench_proxies test_proxies test_second_order -- -k 0 >>"$build_log" 2>&1
build_rc=$?
grep -E "error|FAILED" "$build_log" | head -40
[ $build_rc -eq 0 ] || { tail -5 "$build_log"; exit 1; }
build-gpu/bin/nasrun --version | tee -a "$summary"

tests=$out/tests.log
touch "$tests"
if want tests; then
  stage tests_second_order 90 build-gpu/bin/test_second_order --gtest_filter='*cuda*' >>"$tests" 2>&1
  stage tests_proxies_cuda 150 build-gpu/bin/test_proxies --gtest_filter='*cuda*:Cuda*' >>"$tests" 2>&1
  NASRUN_FIXTURES_DIR=tests/data/crosscheck stage tests_crosscheck_cuda 60 \
    build-gpu/bin/test_proxies --gtest_filter='*Parity*cuda*' >>"$tests" 2>&1
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |tests? from .* ran|Failure|differs|reference|float64" "$tests" | head -60 | tee -a "$summary"
fi

# Several archs in flight in one process, each job on a CUDA stream of its
# own (the lever for the 58 ms/arch goal): the same 100 archs with 1, 4 and
# 8 jobs sharing the 16 cores; equal scores up to the GPU's rounding.
if want jobs; then
  cat > /tmp/jobs.json <<'EOF2'
{"run": "score", "device": "cuda", "space": {"name": "nb201"}, "sample": 100, "cache": false,
 "proxies": ["grad_norm","snip","grasp","fisher","jacov","plain","synflow","synflow_bn","l2_norm","nwot","zen","epe_nas","params","flops"]}
EOF2
  for j in 1 4 8; do
    t0=$SECONDS
    stage "jobs_$j" 90 build-gpu/bin/nasrun /tmp/jobs.json --jobs "$j" --threads 16 --output "/tmp/jobs_$j" --overwrite \
      >>"$out/jobs.txt" 2>&1
    note "jobs $j: 100 archs in $((SECONDS - t0)) s wall (nasrun start included)"
  done
  python3 - >>"$out/jobs.txt" 2>&1 <<'EOF2'
import json
def load(j):
    try:
        return {l["arch"]: l for l in map(json.loads, open(f"/tmp/jobs_{j}/scores.jsonl"))}
    except OSError:
        return {}
one = load(1)
for j in (4, 8):
    other = load(j)
    worst = {}
    for arch, line in other.items():
        for k, v in line.items():
            if k.startswith("seconds") or k in ("arch", "index") or arch not in one: continue
            a, b = one[arch][k], v
            if isinstance(a, float) and isinstance(b, float):
                worst[k] = max(worst.get(k, 0), abs(a - b) / max(abs(a), 1e-30))
            elif a != b:
                worst[k] = float("inf")
    print(f"jobs {j}: {len(other)} archs; largest relative difference from jobs 1 per proxy:", worst)
EOF2
  grep -E "jobs|s/arch" "$out/jobs.txt" | tail -12 | tee -a "$summary"
fi

# The shipped 1,000-arch correlate, cut to 200 archs (the first 200 of its
# sample), on CUDA with an empty score cache.
if want correlate; then
  python3 - <<'EOF2'
import json
c = json.load(open("configs/nb201_correlate.json"))
c["sample"] = 200
c["output"] = "/tmp/corr200_cuda"
json.dump(c, open("/tmp/corr200_cuda.json", "w"))
EOF2
  NASRUN_CACHE_DIR=/tmp/nasrun-cache stage correlate_cuda 170 \
    build-gpu/bin/nasrun /tmp/corr200_cuda.json --device cuda --overwrite >"$out/corr.log" 2>&1
  head -3 "$out/corr.log" | tee -a "$summary"
  cp /tmp/corr200_cuda/scores.jsonl "$out/corr_scores.jsonl" 2>/dev/null
  cp /tmp/corr200_cuda/summary.json "$out/corr_summary.json" 2>/dev/null
  wc -l /tmp/corr200_cuda/scores.jsonl 2>/dev/null | tee -a "$summary"
fi

bench=$out/bench.txt
touch "$bench"
original=grad_norm,snip,grasp,fisher,jacov,plain,synflow,synflow_bn,l2_norm,nwot,zen,epe_nas,params,flops
if want bench_all; then
  stage bench_all 100 cuda-gdb -q -batch -ex run -ex bt --args \
    build-gpu/bin/bench_proxies --device cuda --data cifar10 --archs 2 >>"$bench" 2>&1
fi
if want bench_14; then
  stage bench_14 60 build-gpu/bin/bench_proxies --device cuda --data cifar10 --archs 40 --proxies "$original" >>"$bench" 2>&1
fi
# Several archs in flight: 4 processes of 4 threads on the one GPU, each its
# own sample (16 threads each would oversubscribe the 16 cores 4x).
if want bench_processes; then
  t0=$SECONDS
  for k in 1 2 3 4; do
    stage "bench_14_process_$k" 60 build-gpu/bin/bench_proxies --device cuda --data cifar10 --archs 10 --seed "$k" \
      --threads 4 --proxies "$original" >"/tmp/bench_p$k.txt" 2>&1 &
  done
  wait
  note "4 processes x 11 archs (1 warm-up each) in $((SECONDS - t0)) s wall"
  for k in 1 2 3 4; do echo "== process $k"; cat "/tmp/bench_p$k.txt"; done >>"$bench"
fi

if want tests_cpu; then
  stage tests_proxies_cpu 200 build-gpu/bin/test_proxies --gtest_filter='*Parity*cpu*' >>"$tests" 2>&1
  grep -E "^\[  (PASSED|FAILED) |tests? from .* ran" "$tests" | tail -4 | tee -a "$summary"
fi
note "done"
