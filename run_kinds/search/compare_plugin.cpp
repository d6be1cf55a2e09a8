// `"run": "compare"`: several strategy entries x the same seeds, with curves.
#include "nas/plugin.h"
#include "nas/runs.h"
#include "search.h"

namespace {

void resolve_compare(const nas::json& raw, nas::json& out, const nas::Registry& registry) {
  nas::search_run::resolve(raw, out, registry, true);
}

struct Compare : nas::FunctionRunKind {
  Compare(const nas::json&, const nas::PluginContext&)
      : FunctionRunKind(resolve_compare, nas::search_run::run, nas::search_run::report) {}
  static nas::OptionSchema options() { return nas::search_run::keys(true); }
};

}  // namespace

NAS_PLUGIN(run, "compare", Compare, "1.0",
           "several strategies x the same seeds on one budget: curves.csv, anytime plots, summary.json")
