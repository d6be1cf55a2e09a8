// The score and correlate run kinds (one scoring loop; correlate adds rank
// correlations against a benchmark metric). Internal to run_kinds/score.
#pragma once
#include <iosfwd>

#include "nas/options.h"
#include "nas/run_kind.h"

namespace nas::score_run {

OptionSchema keys(bool correlate);
void resolve(const json& raw, json& out, const Registry& registry, bool correlate);
json run(const json& resolved, const RunContext& context);
void report(const json& summary, std::ostream& out);

}  // namespace nas::score_run
