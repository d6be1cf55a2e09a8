// Random search without replacement: uniformly random valid archs, each
// identity (SearchSpace::identity) proposed at most once. ask() returns
// nullopt when the space is exhausted: for a space with size(), after that
// many distinct identities; otherwise after many consecutive duplicates
// (see sample_unseen). Values told back are not used.
//
// Warm start: the ranked archs are proposed first, in proxy order (invalid
// ones and repeats skipped), then random ones.
#include "nas/plugin.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class RandomSearch : public Strategy {
 public:
  explicit RandomSearch(const PluginContext& ctx) : space_(require_space(ctx, "random")), rng_(ctx.seed) {}

  std::optional<Arch> ask() override {
    std::optional<Arch> warm =
        warm_.next(space_, [&](const Arch& arch) { return seen_.insert(space_.identity(arch)).second; });
    if (warm) return warm;
    std::optional<Arch> arch = sample_unseen(space_, rng_, seen_);
    if (arch) seen_.insert(space_.identity(*arch));
    return arch;
  }

  void tell(const Arch& /*arch*/, double /*value*/) override {}

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_.assign(ranked);
    return true;
  }

 private:
  const SearchSpace& space_;
  Rng rng_;
  IdentitySet seen_;
  WarmStartQueue warm_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "random", nas::strategies::RandomSearch, "1.0",
           "uniformly random valid archs without replacement; warm start proposes the ranked archs first")
