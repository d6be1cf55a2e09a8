// The score and correlate run kinds (one scoring loop; correlate adds rank
// correlations against a benchmark metric). Internal to run_kinds/score.
#pragma once
#include <iosfwd>

#include "nas/options.h"
#include "nas/plugin.h"
#include "nas/run_kind.h"
#include "nas/runs.h"

namespace nas::score_run {

OptionSchema keys(bool correlate);
void resolve(const json& raw, json& out, const Registry& registry, bool correlate);
json run(const json& resolved, const RunContext& context);
void report(const json& summary, std::ostream& out);

/// The run kind; its two plugin files name it.
template <bool Correlate>
using Kind = FlaggedRunKind<resolve, keys, run, report, Correlate>;

}  // namespace nas::score_run
