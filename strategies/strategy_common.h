// Helpers every strategy plugin shares: how objective values compare (higher
// is better, NaN = failed = worst) and drawing a random arch not seen yet.
// Header-only: each strategy is its own plugin library.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "nas/arch.h"
#include "nas/errors.h"
#include "nas/plugin.h"
#include "nas/random.h"
#include "nas/space.h"
#include "nas/strategy.h"

namespace nas::strategies {

using nas::better;

/// The space a strategy searches; the core always passes one.
inline const SearchSpace& require_space(const PluginContext& ctx, const std::string& strategy) {
  if (!ctx.space) throw Error("strategy '" + strategy + "' needs a search space in its PluginContext");
  return *ctx.space;
}

/// Identities of the archs a strategy has proposed or been told about.
using IdentitySet = std::unordered_set<std::string>;

/// A uniformly random valid arch whose identity is not in `seen`, or nullopt
/// when there is none left: for a space with size(), once `seen` holds that
/// many identities; otherwise (or should the space's size be wrong) after
/// `kGiveUpAfterDuplicates` consecutive draws that were all seen, or 20 draws
/// per arch of a sized space, enough that a last unseen arch is found with
/// probability 1 - e^-20.
inline std::optional<Arch> sample_unseen(const SearchSpace& space, Rng& rng, const IdentitySet& seen) {
  constexpr int64_t kGiveUpAfterDuplicates = 10000;
  const std::optional<int64_t> size = space.size();
  if (size && static_cast<int64_t>(seen.size()) >= *size) return std::nullopt;
  const int64_t max_draws = size ? std::max(kGiveUpAfterDuplicates, 20 * *size) : kGiveUpAfterDuplicates;
  for (int64_t draw = 0; draw < max_draws; ++draw) {
    Arch arch = space.sample(rng);
    if (!seen.count(space.identity(arch))) return arch;
  }
  return std::nullopt;
}

}  // namespace nas::strategies
