// `"run": "correlate"`: score, then rank every proxy against a benchmark metric.
#include "nas/plugin.h"
#include "nas/runs.h"
#include "score.h"

namespace {

void resolve_correlate(const nas::json& raw, nas::json& out, const nas::Registry& registry) {
  nas::score_run::resolve(raw, out, registry, true);
}

struct Correlate : nas::FunctionRunKind {
  Correlate(const nas::json&, const nas::PluginContext&)
      : FunctionRunKind(resolve_correlate, nas::score_run::run, nas::score_run::report, /*distributes=*/true) {}
  static nas::OptionSchema options() { return nas::score_run::keys(true); }
};

}  // namespace

NAS_PLUGIN(run, "correlate", Correlate, "1.0",
           "score, plus Spearman and Kendall of every proxy against a benchmark metric: correlations.csv, scatter plots")
