// The search and compare run kinds (one search loop; compare runs several
// strategy entries over the same seeds). Internal to run_kinds/search.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <limits>

#include "nas/options.h"
#include "nas/plugin.h"
#include "nas/run_kind.h"
#include "nas/runs.h"

namespace nas::search_run {

/// The `budget` block: a repeat ends at the first limit reached (or when
/// the strategy has no new arch to ask).
struct BudgetKeys : OptionSet<BudgetKeys> {
  NAS_OPTION(int64_t, queries, 0, "distinct archs evaluated; 0 = no limit", at_least(0));
  NAS_OPTION(double, seconds, 0.0, "simulated training seconds; 0 = no limit", at_least(0));

  /// The limits, the largest representable for "no limit".
  int64_t query_limit() const { return queries == 0 ? std::numeric_limits<int64_t>::max() : queries; }
  double seconds_limit() const { return seconds == 0 ? std::numeric_limits<double>::infinity() : seconds; }
};

/// A strategy entry's `warmup` block, besides the proxy reference.
struct WarmupKeys : OptionSet<WarmupKeys> {
  NAS_OPTION(int64_t, pool, 3000, "random archs scored by the proxy before the search starts", at_least(1));
};

/// A strategy entry's `move_proposal` block, besides the proxy reference.
struct MoveProposalKeys : OptionSet<MoveProposalKeys> {
  NAS_OPTION(int, candidates, 0, "neighbours scored per mutation (0 = all one-edit neighbours)", at_least(0));
  NAS_OPTION(double, random_prob, 0.25, "probability of a random neighbour instead (Zero-Cost-NAS)", between(0, 1));
};

/// The keys of a search (`compare` false) or compare pipeline.
OptionSchema keys(bool compare);
void resolve(const json& raw, json& out, const Registry& registry, bool compare);
json run(const json& resolved, const RunContext& context);
void report(const json& summary, std::ostream& out);

/// The run kind; its two plugin files name it.
template <bool Compare>
using Kind = FlaggedRunKind<resolve, keys, run, report, Compare>;

}  // namespace nas::search_run
