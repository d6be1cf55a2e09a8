// The search and compare run kinds (one search loop; compare runs several
// strategy entries over the same seeds). Internal to run_kinds/search.
#pragma once
#include <iosfwd>

#include "nas/options.h"
#include "nas/plugin.h"
#include "nas/run_kind.h"
#include "nas/runs.h"

namespace nas::search_run {

/// The keys of a search (`compare` false) or compare pipeline.
OptionSchema keys(bool compare);
void resolve(const json& raw, json& out, const Registry& registry, bool compare);
json run(const json& resolved, const RunContext& context);
void report(const json& summary, std::ostream& out);

/// The run kind; its two plugin files name it.
template <bool Compare>
using Kind = FlaggedRunKind<resolve, keys, run, report, Compare>;

}  // namespace nas::search_run
