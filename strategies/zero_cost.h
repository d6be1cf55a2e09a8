// Zero-Cost-NAS's two ways a proxy speeds up any strategy (Abdelfattah et
// al. 2021), as decorators of a strategy's inputs, so that no strategy and
// no run kind writes them again:
//   warmup:        rank a pool of random archs by the proxy, best first, and
//                  hand them to Strategy::warm_start (each strategy documents
//                  what it does with them);
//   move proposal: a Mutator that makes a mutating strategy's child the
//                  best-by-proxy of the parent's one-edit neighbours.
// The proxy is a plain function here: a strategy never knows what scores it.
// It scores sets (the pool, the candidates), so a population proxy (AZ-NAS's
// rank sum, the majority vote) ranks them as its authors do; a per-arch
// proxy scores each arch alone.
// Header-only; the search run kind uses it, and so can a strategy's tests.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "nas/errors.h"
#include "nas/random.h"
#include "nas/space.h"
#include "nas/strategy.h"

namespace nas::zero_cost {

using ProxyFn = std::function<double(const Arch&)>;
/// Scores of archs compared together, one per arch, in order.
using SetProxyFn = std::function<std::vector<double>(const std::vector<Arch>&)>;

/// A per-arch proxy as a set proxy: each arch scored alone.
inline SetProxyFn each(ProxyFn proxy) {
  return [proxy = std::move(proxy)](const std::vector<Arch>& archs) {
    std::vector<double> out;
    for (const Arch& a : archs) out.push_back(proxy(a));
    return out;
  };
}

/// `pool` distinct random archs (fewer when the space is smaller; at most
/// 50 draws per arch), best first by `proxy` over the pool; NaN last; ties
/// keep the sampling order.
inline std::vector<Arch> ranked_pool(const SearchSpace& space, Rng& rng, int64_t pool, const SetProxyFn& proxy) {
  pool = std::min<int64_t>(pool, space.size().value_or(std::numeric_limits<int64_t>::max()));
  std::vector<Arch> sampled;
  std::unordered_set<std::string> seen;
  for (int64_t tries = 0; static_cast<int64_t>(sampled.size()) < pool && tries < 50 * pool; ++tries) {
    Arch a = space.sample(rng);
    if (seen.insert(space.identity(a)).second) sampled.push_back(std::move(a));
  }
  const std::vector<double> scores = proxy(sampled);
  if (scores.size() != sampled.size())
    throw Error("warmup: the proxy gave " + std::to_string(scores.size()) + " scores for " +
                std::to_string(sampled.size()) + " archs");
  std::vector<std::size_t> order(sampled.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return better(scores[x], scores[y]); });
  std::vector<Arch> ranked;
  for (std::size_t i : order) ranked.push_back(std::move(sampled[i]));
  return ranked;
}
inline std::vector<Arch> ranked_pool(const SearchSpace& space, Rng& rng, int64_t pool, const ProxyFn& proxy) {
  return ranked_pool(space, rng, pool, each(proxy));
}

/// Move proposal: the best-by-proxy of the parent's one-edit neighbours
/// (all of them, or `candidates` drawn at random; scored as one set), except with probability
/// `random_prob` a uniformly random neighbour; a random one too when no
/// candidate has a score.
class MoveProposal : public Mutator {
 public:
  MoveProposal(const SearchSpace& space, SetProxyFn proxy, int candidates, double random_prob)
      : space_(space), proxy_(std::move(proxy)), candidates_(candidates), random_prob_(random_prob) {}
  MoveProposal(const SearchSpace& space, ProxyFn proxy, int candidates, double random_prob)
      : MoveProposal(space, each(std::move(proxy)), candidates, random_prob) {}

  Arch mutate(const Arch& parent, Rng& rng) const override {
    std::vector<Arch> n = space_.neighbours(parent);
    if (n.empty()) throw Error("architecture " + space_.to_string(parent) + " has no valid neighbour");
    if (rng.uniform() < random_prob_) return n[rng.below(n.size())];
    if (candidates_ > 0 && static_cast<std::size_t>(candidates_) < n.size()) {
      rng.shuffle(n);
      n.resize(static_cast<std::size_t>(candidates_));
    }
    const std::vector<double> scores = proxy_(n);
    std::size_t best = 0;
    double best_score = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < n.size() && i < scores.size(); ++i)
      if (better(scores[i], best_score)) best = i, best_score = scores[i];
    // No candidate scored (a published table that misses them all): a random
    // one, not always the first, which would walk one fixed direction.
    if (std::isnan(best_score)) return n[rng.below(n.size())];
    return n[best];
  }

  bool steered() const override { return true; }
  // One arch alone: a population proxy's score of a set of one.
  std::optional<double> proxy(const Arch& arch) const override { return proxy_({arch}).at(0); }

 private:
  const SearchSpace& space_;
  SetProxyFn proxy_;
  int candidates_;
  double random_prob_;
};

/// The plain mutation: a random one-edit neighbour (SearchSpace::mutate).
class RandomNeighbour : public Mutator {
 public:
  explicit RandomNeighbour(const SearchSpace& space) : space_(space) {}
  Arch mutate(const Arch& parent, Rng& rng) const override { return space_.mutate(parent, rng); }

 private:
  const SearchSpace& space_;
};

}  // namespace nas::zero_cost
