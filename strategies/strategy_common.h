// Helpers every strategy plugin shares: how objective values compare (higher
// is better, NaN = failed = worst), drawing a random arch not seen yet, and
// the queue of warm-start archs.
// Header-only: each strategy is its own plugin library.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

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

/// The mutator a strategy that mutates draws its children through (move
/// proposal's or the space's plain one-edit mutation).
inline const Mutator& require_mutator(const PluginContext& ctx, const std::string& strategy) {
  if (!ctx.mutator) throw Error("strategy '" + strategy + "' needs a mutator in its PluginContext");
  return *ctx.mutator;
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

/// The ranked archs a strategy's warm_start() was given, proposed first and
/// in order.
class WarmStartQueue {
 public:
  /// Replaces the queue by the first `limit` ranked archs.
  void assign(const std::vector<Arch>& ranked, std::size_t limit = std::numeric_limits<std::size_t>::max()) {
    const std::size_t n = std::min(ranked.size(), limit);
    queue_.assign(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n));
  }

  /// Takes queued archs off the front until one is valid in `space` and
  /// `accept(arch)` is true (accept is asked about valid archs only), and
  /// returns it; nullopt once the queue is empty.
  template <class Accept>
  std::optional<Arch> next(const SearchSpace& space, Accept accept) {
    while (!queue_.empty()) {
      Arch arch = std::move(queue_.front());
      queue_.pop_front();
      if (space.is_valid(arch) && accept(arch)) return arch;
    }
    return std::nullopt;
  }

  /// The next queued arch that is valid in `space`.
  std::optional<Arch> next(const SearchSpace& space) {
    return next(space, [](const Arch&) { return true; });
  }

 private:
  std::deque<Arch> queue_;
};

}  // namespace nas::strategies
