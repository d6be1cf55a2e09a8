#!/usr/bin/env bash
# The layering the design keeps (CONTRIBUTING.md), checked on the sources:
#  1. core/ includes only core's own headers: no evaluation-path, plugin,
#     run-kind or proxy-science header, so libnascore stays the small SDK
#     and host; evaluation/ includes core's and its own.
#  2. plugins/, spaces/ and strategies/ include core's and science/'s headers
#     and their own, never another plugin's files (shared helper headers
#     that belong to no plugin, like proxy_math.h, are fine), and no run
#     kind's header.
#  3. science/ includes core's, evaluation/'s and its own; executors/ (the
#     MPI executor) core's only.
#  4. core/'s code names no plugin: no string literal outside comments is
#     the name a NAS_PLUGIN line registers (a default run kind, a proxy...).
# Prints each violation as file:line and exits 1 when there is one.
set -uo pipefail
if [ "${1:-}" = --self-test ]; then
  # The check must catch each kind of violation: a copy of the tree with one
  # planted at a time must fail.
  src=$(cd "$(dirname "$0")/.." && pwd)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  plant() {  # <file> <include line>
    rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cp -r "$src"/{core,evaluation,science,plugins,spaces,strategies,run_kinds,executors} "$tmp/t/"
    sed -i "1i $2" "$tmp/t/$1"
    if bash "$0" "$tmp/t" >/dev/null; then echo "layering self-test: '$2' in $1 was not caught"; exit 1; fi
  }
  plant core/src/pipeline.cpp '#include "nas/runs.h"'
  plant core/src/main.cpp '#include "nas/evaluation.h"'
  plant evaluation/scoring.cpp '#include "nas/proxy_expr.h"'
  plant core/src/pipeline.cpp '#include "nas/proxy_expr.h"'
  plant spaces/darts_space.cpp '#include "nb201_network.h"'
  plant plugins/snip.cpp '#include "nas/runs.h"'
  plant science/meta/meta_model.cpp '#include "nas/proxy_source.h"'
  plant executors/mpi/mpi_executor.cpp '#include "nas/runs.h"'
  plant core/src/pipeline.cpp 'static const char* kDefault = "search";'
  bash "$0" "$src"
  exit $?
fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
status=0
fail() { echo "layering: $1"; status=1; }

# The headers under the include folders a layer may use.
headers_in() { for d in "$@"; do [ -d "$d" ] && (cd "$d" && find nas -name '*.h'); done; }
core_headers=$(headers_in core/include)
evaluation_headers=$(headers_in evaluation/include)
science_headers=$(headers_in science/*/include)

check_includes() {  # <allowed nas/ headers> <files...>
  local allowed=$1; shift
  local f line inc
  for f in "$@"; do
    while IFS= read -r line; do
      inc=$(sed -E 's/^([0-9]+):#include "([^"]+)".*/\2/' <<<"$line")
      case "$inc" in
        nas/*) grep -qxF "$inc" <<<"$allowed" || fail "$f:${line%%:*} includes $inc, which this layer may not use" ;;
        *) [ -f "$(dirname "$f")/$inc" ] || fail "$f:${line%%:*} includes $inc from outside its folder" ;;
      esac
    done < <(grep -nE '^#include "' "$f")
  done
}

check_includes "$core_headers" $(find core -name '*.cpp' -o -name '*.h')
check_includes "$core_headers"$'\n'"$evaluation_headers" $(find evaluation -name '*.cpp' -o -name '*.h')
check_includes "$core_headers"$'\n'"$evaluation_headers"$'\n'"$science_headers" $(find science -name '*.cpp' -o -name '*.h')
check_includes "$core_headers" $(find executors -name '*.cpp' -o -name '*.h')

# Core's code (comments aside) names no plugin of any kind; a JSON key that
# happens to be spelled like one ({"score", x}, j.at("score")) is no name.
every_name=$(grep -rhoE 'NAS_PLUGIN\([a-z]+, *"[^"]+"' --include='*.cpp' plugins spaces strategies run_kinds science | sed -E 's/.*"([^"]+)"/\1/' | sort -u)
for n in $every_name; do
  while IFS= read -r hit; do
    fail "${hit%%:*}:$(cut -d: -f2 <<<"$hit") names the plugin \"$n\" (core names none: let the plugin declare it)"
  done < <(grep -rnF "\"$n\"" core | grep -vE '^[^:]+:[0-9]+: *//' |
           grep -vE "(\\{|\\[|(at|contains|value)\\()\"$n\"(\\]|,|\\))")
done

# Plugins: the owner of a file is the longest plugin name it starts with.
for folder in plugins spaces strategies; do
  check_includes "$core_headers"$'\n'"$science_headers" $(find "$folder" -maxdepth 1 -name '*.cpp' -o -maxdepth 1 -name '*.h')
  # The plugins' names, as their NAS_PLUGIN lines give them.
  names=$(grep -hoE 'NAS_PLUGIN\([a-z]+, *"[^"]+"' "$folder"/*.cpp | sed -E 's/.*"([^"]+)"/\1/')
  owner() {
    local base n best=""
    base=$(basename "$1"); base=${base%.*}
    for n in $names; do
      if [ "$base" = "$n" ] || [[ "$base" == "${n}_"* ]]; then [ ${#n} -gt ${#best} ] && best=$n; fi
    done
    echo "$best"
  }
  for f in "$folder"/*.cpp "$folder"/*.h; do
    [ -f "$f" ] || continue
    mine=$(owner "$f")
    while IFS= read -r line; do
      inc=$(sed -E 's/^([0-9]+):#include "([^"]+)".*/\2/' <<<"$line")
      case "$inc" in nas/*) continue ;; esac
      theirs=$(owner "$folder/$inc")
      [ -n "$theirs" ] && [ "$theirs" != "$mine" ] &&
        fail "$f:${line%%:*} includes $inc, a file of the plugin '$theirs' (share it through a helper header or the SDK)"
    done < <(grep -nE '^#include "' "$f")
  done
done

[ $status -eq 0 ] && echo "layering: core, evaluation, science, executors and every plugin include only what their layer may"
exit $status
