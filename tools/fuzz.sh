#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) and runs
# each for a bounded time from its seed corpus, both at once (one core each).
#
#   tools/fuzz.sh [--build-dir DIR] [--seconds N]
#
#   --build-dir DIR  default build-fuzz, configured here when new; CI passes
#                    build-asan, which tools/sanitize.sh configures with the
#                    fuzzers when clang is there, to avoid a second build
#   --seconds N      per target (default 60)
#
# Targets: fuzz_pipeline (pipeline text -> parse_json_text -> resolve_pipeline
# with the real plugins) and fuzz_arch (arch strings and choice vectors
# through every space plugin). Seeds: tests/fuzz/corpus/<target>/ and, for
# the pipeline, configs/*.json. The grown corpus stays in DIR/fuzz/corpus_*,
# a crashing input in DIR/fuzz/ with the command that reproduces it.
source "$(dirname "$0")/sanitize.sh"   # ASAN_OPTIONS / UBSAN_OPTIONS only
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-fuzz
seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "fuzz: unknown argument '$1' (use --build-dir DIR, --seconds N)" >&2; exit 2 ;;
  esac
done
if [ ! -f "$build/CMakeCache.txt" ]; then
  command -v clang++-14 >/dev/null || { echo "fuzz: needs clang++-14 (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_CXX_FLAGS=-gline-tables-only -DNASRUN_SANITIZE=ON -DNASRUN_FUZZ=ON
fi
grep -q '^NASRUN_FUZZ:BOOL=ON' "$build/CMakeCache.txt" ||
  { echo "fuzz: $build is not configured with -DNASRUN_FUZZ=ON (clang); use another --build-dir" >&2; exit 1; }
start=$SECONDS
cmake --build "$build" -j "$(nproc)" --target nas_fuzzers
echo "fuzz: build took $((SECONDS - start)) s"

out="$build/fuzz"
mkdir -p "$out"
run_one() {  # target seed-dir... ; writes $out/<target>.log
  local target="$1"; shift
  local dict="tests/fuzz/${target#fuzz_}.dict"
  mkdir -p "$out/corpus_$target"
  # -timeout: an input taking over 10 s is a hang and fails the run;
  # -rss_limit_mb: so does runaway memory. -max_len: pipelines are small.
  "$build/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
      -print_final_stats=1 -dict="$dict" -artifact_prefix="$out/$target-" \
      "$out/corpus_$target" "$@" >"$out/$target.log" 2>&1
}
start=$SECONDS
pids=()
run_one fuzz_pipeline tests/fuzz/corpus/pipeline configs & pids+=($!)
run_one fuzz_arch tests/fuzz/corpus/arch & pids+=($!)
status=0
i=0
for target in fuzz_pipeline fuzz_arch; do
  rc=0
  wait "${pids[$i]}" || rc=$?
  i=$((i + 1))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$target.log" | tail -1)
  corpus=$(find "$out/corpus_$target" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $target: ${seconds} s, ${runs:-?} inputs executed, no failure (corpus: $corpus files)"
  else
    status=1
    echo "fuzz: $target FAILED (exit $rc) after ${runs:-?} inputs; last lines of $out/$target.log:"
    tail -n 40 "$out/$target.log"
    for a in "$out/$target"-*; do
      [ -f "$a" ] && echo "fuzz: reproduce with: $build/bin/$target $a"
    done
  fi
done
echo "fuzz: ran for $((SECONDS - start)) s"
exit $status
