// Regularized ("aging") evolution, Real et al. 2019, "Regularized Evolution
// for Image Classifier Architecture Search".
//
// The first `population` asks are distinct random archs (or the warm-start
// archs). After that each ask runs a tournament: `sample` distinct members
// drawn without replacement from the population, the best is the parent
// (NaN is worst; ties go to the first drawn), and the child is
// Mutator::mutate(parent) -- one dimension changed unless the core swapped in
// move proposal. Every tell() joins the population in the order told; once
// it holds more than `population` members the OLDEST dies, however good it is
// (that is the "aging" that regularizes).
//
// Defaults P=64, S=10 are those of the Zero-Cost-NAS authors' example
// (Abdelfattah et al. 2021).
//
// Warm start: the top `population` ranked archs are the first asks, so they
// become the initial population (random archs fill it if fewer are given).
//
// Repeats: a child may equal an arch evaluated before (as in the paper); it is
// asked again and the core decides what a repeat costs.
#include <deque>
#include <numeric>

#include "nas/plugin.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class AgingEvolution : public Strategy {
 public:
  struct Options : OptionSet<Options> {
    NAS_OPTION(int, population, 64,
               "individuals alive (P); the first P asks build the population, then the oldest dies "
               "whenever a child joins",
               at_least(1));
    NAS_OPTION(int, sample, 10,
               "tournament size (S): members drawn without replacement from the population; the best "
               "is the parent; must not exceed population",
               at_least(1));
  };

  AgingEvolution(const Options& options, const PluginContext& ctx)
      : space_(require_space(ctx, "aging_evolution")),
        mutator_(require_mutator(ctx, "aging_evolution")),
        rng_(ctx.seed),
        population_size_(options.population),
        sample_size_(options.sample) {
    if (sample_size_ > population_size_)
      throw Error("aging_evolution: sample (" + std::to_string(sample_size_) + ") must not exceed population (" +
                  std::to_string(population_size_) +
                  "): the tournament draws distinct members of the population");
  }

  std::optional<Arch> ask() override {
    // Until a member has been told there is nothing to select from (only
    // possible when the core asks ahead of its tells): keep sampling.
    if (asked_ < population_size_ || population_.empty()) {
      ++asked_;
      return initial_member();
    }
    ++asked_;
    return mutator_.mutate(tournament_winner(), rng_);
  }

  void tell(const Arch& arch, double value) override {
    population_.push_back({arch, value});
    if (static_cast<int>(population_.size()) > population_size_) population_.pop_front();
  }

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_.assign(ranked, population_size_);
    return true;
  }

  bool uses_mutation() const override { return true; }

 private:
  struct Member {
    Arch arch;
    double value;
  };

  Arch initial_member() {
    if (std::optional<Arch> warm = warm_.next(space_)) {
      initial_ids_.insert(space_.identity(*warm));
      return std::move(*warm);
    }
    // Distinct where the space allows it; a space smaller than the
    // population gets repeats.
    std::optional<Arch> unseen = sample_unseen(space_, rng_, initial_ids_);
    Arch arch = unseen ? std::move(*unseen) : space_.sample(rng_);
    initial_ids_.insert(space_.identity(arch));
    return arch;
  }

  const Arch& tournament_winner() {
    // Partial Fisher-Yates: the first k entries of `order` are k distinct
    // members in the order drawn.
    std::vector<std::size_t> order(population_.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t k = std::min<std::size_t>(sample_size_, order.size());
    const Member* best = nullptr;
    for (std::size_t i = 0; i < k; ++i) {
      std::swap(order[i], order[i + rng_.below(order.size() - i)]);
      const Member& drawn = population_[order[i]];
      if (!best || better(drawn.value, best->value)) best = &drawn;
    }
    return best->arch;
  }

  const SearchSpace& space_;
  const Mutator& mutator_;
  Rng rng_;
  const int population_size_;
  const int sample_size_;
  int asked_ = 0;
  std::deque<Member> population_;  // oldest first
  WarmStartQueue warm_;
  IdentitySet initial_ids_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "aging_evolution", nas::strategies::AgingEvolution, "1.0",
           "regularized evolution (Real et al. 2019): tournament of S from a population of P, oldest dies")
