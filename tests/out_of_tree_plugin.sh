#!/usr/bin/env bash
# The README's "write a proxy outside the tree" path, for real: install
# nasrun to a prefix, build examples/my_proxy against it with
# find_package(nascore), and score with it through --plugin-path.
set -euo pipefail
build_dir=$1 source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" > /dev/null
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$source_dir/examples/my_proxy" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/build" > /dev/null
test -f "$work/build/nas_my_proxy.so"
cat > "$work/p.json" <<JSON
{"run": "score", "device": "cpu", "space": {"name": "nb201"},
 "archs": ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"],
 "proxies": ["my_proxy", {"name": "my_proxy", "per_weight": true}, "l2_norm"],
 "init": {"kind": "hash", "seed": 0}, "output": "$work/run"}
JSON
# The installed nasrun, its installed plugins, and the new one.
unset NASRUN_PLUGIN_PATH NASRUN_DATA_DIR
# Captured first: with pipefail, `grep -q` closing the pipe early would
# fail the step through nasrun's SIGPIPE.
listing=$("$work/prefix/bin/nasrun" --plugin-path "$work/build" --list)
grep -q "my_proxy" <<< "$listing"
"$work/prefix/bin/nasrun" "$work/p.json" --plugin-path "$work/build" --quiet
# A finite positive score in the my_proxy column.
python_free_check=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="my_proxy") c=i} NR==2{print $c}' "$work/run/scores.csv")
echo "my_proxy score: $python_free_check"
awk -v v="$python_free_check" 'BEGIN{exit !(v+0 > 0)}'
