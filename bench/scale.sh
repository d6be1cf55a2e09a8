#!/usr/bin/env bash
# The scale-out benchmark: all 14 proxies on the same 20 NB201 archs (seeded
# sample, CIFAR-10 sample batch of 64, LibTorch init, no score cache) run as
#   (a) one process, 1 thread     (b) one process, every core
#   (c) mpirun -n <cores>, 1 thread per rank
#   (d) one process, <cores> jobs of 1 thread (nasrun --jobs)
# and prints archs/s for each. A figure, not a test: run it on an idle machine.
#   bench/scale.sh [BUILD_DIR] [ARCHS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
archs=${2:-20}
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
proxies='["grad_norm","snip","grasp","fisher","jacov","plain","synflow","synflow_bn","l2_norm","nwot","zen","epe_nas","params","flops"]'
cat > "$work/p.json" <<JSON
{"run": "score", "device": "cpu", "space": {"name": "nb201"}, "sample": $archs,
 "proxies": $proxies, "cache": false}
JSON
measure() {  # <label> <command...>: prints archs/s
  local label=$1; shift
  local start end
  rm -rf "$work/out"
  start=$(date +%s.%N)
  "$@" "$work/p.json" --output "$work/out" --quiet > /dev/null
  end=$(date +%s.%N)
  awk -v l="$label" -v n="$archs" -v s="$start" -v e="$end" 'BEGIN{printf "%-34s %6.1f s  %6.3f archs/s\n", l, e - s, n / (e - s)}'
}
echo "all 14 proxies on $archs NB201 archs, $cores cores"
measure "(a) 1 process, 1 thread" "$build/bin/nasrun" --threads 1
measure "(b) 1 process, $cores threads" "$build/bin/nasrun" --threads "$cores"
if command -v mpirun > /dev/null && [ -f "$build/lib/libnasmpi.so" ]; then
  measure "(c) mpirun -n $cores, 1 thread each" mpirun --allow-run-as-root --oversubscribe --mca btl self,vader \
    --mca btl_vader_single_copy_mechanism none -n "$cores" "$build/bin/nasrun" --threads 1
else
  echo "(c) skipped: mpirun or libnasmpi not installed"
fi
measure "(d) 1 process, $cores jobs of 1 thread" "$build/bin/nasrun" --threads "$cores" --jobs "$cores"
