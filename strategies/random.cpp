// Random search without replacement: uniformly random valid archs, each
// identity (SearchSpace::identity) proposed at most once. ask() returns
// nullopt when the space is exhausted: for a space with size(), after that
// many distinct identities; otherwise after many consecutive duplicates
// (see sample_unseen). Values told back are not used.
//
// Warm start: the ranked archs are proposed first, in proxy order (invalid
// ones and repeats skipped), then random ones.
#include <deque>

#include "nas/plugin.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class RandomSearch : public Strategy {
 public:
  static OptionSchema options() { return {}; }

  RandomSearch(const json& /*options*/, const PluginContext& ctx)
      : space_(require_space(ctx, "random")), rng_(ctx.seed) {}

  std::optional<Arch> ask() override {
    while (!warm_.empty()) {
      Arch arch = std::move(warm_.front());
      warm_.pop_front();
      if (space_.is_valid(arch) && seen_.insert(space_.identity(arch)).second) return arch;
    }
    std::optional<Arch> arch = sample_unseen(space_, rng_, seen_);
    if (arch) seen_.insert(space_.identity(*arch));
    return arch;
  }

  void tell(const Arch& /*arch*/, double /*value*/) override {}

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_.assign(ranked.begin(), ranked.end());
    return true;
  }

 private:
  const SearchSpace& space_;
  Rng rng_;
  IdentitySet seen_;
  std::deque<Arch> warm_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "random", nas::strategies::RandomSearch, "1.0",
           "uniformly random valid archs without replacement; warm start proposes the ranked archs first")
