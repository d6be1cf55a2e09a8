// `"run": "search"`: one strategy, `repeats` seeds, one budget.
#include "nas/plugin.h"
#include "nas/runs.h"
#include "search.h"

namespace {

void resolve_search(const nas::json& raw, nas::json& out, const nas::Registry& registry) {
  nas::search_run::resolve(raw, out, registry, false);
}

struct Search : nas::FunctionRunKind {
  Search(const nas::json&, const nas::PluginContext&)
      : FunctionRunKind(resolve_search, nas::search_run::run, nas::search_run::report) {}
  static nas::OptionSchema options() { return nas::search_run::keys(false); }
};

}  // namespace

NAS_PLUGIN(run, "search", Search, "1.0",
           "a strategy searches the space for `repeats` seeds: evaluations.jsonl, summary.json")
