// `"run": "search"`: one strategy, `repeats` seeds, one budget.
#include "search.h"

namespace {

// A pipeline that names no run kind is a search, as in DESIGN.md's sketch.
struct DefaultSearchKind : nas::search_run::Kind<false> {
  DefaultSearchKind(const nas::json& options, const nas::PluginContext& context)
      : nas::search_run::Kind<false>(options, context) {}
  bool is_default() const override { return true; }
};

}  // namespace

NAS_PLUGIN(run, "search", DefaultSearchKind, "1.0",
           "a strategy searches the space for `repeats` seeds: evaluations.jsonl, summary.json")
