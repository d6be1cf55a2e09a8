// `"run": "score"`: proxies for a list or a seeded sample of archs.
#include "nas/plugin.h"
#include "nas/runs.h"
#include "score.h"

namespace {

void resolve_score(const nas::json& raw, nas::json& out, const nas::Registry& registry) {
  nas::score_run::resolve(raw, out, registry, false);
}

struct Score : nas::FunctionRunKind {
  Score(const nas::json&, const nas::PluginContext&)
      : FunctionRunKind(resolve_score, nas::score_run::run, nas::score_run::report, /*distributes=*/true) {}
  static nas::OptionSchema options() { return nas::score_run::keys(false); }
};

}  // namespace

NAS_PLUGIN(run, "score", Score, "1.0", "proxies for a list or a seeded sample of archs: scores.jsonl, scores.csv")
