// REINFORCE (Williams 1992) as the NAS-Bench-201 / NATS-Bench authors run it
// (D-X-Y, exps/NATS-algos/reinforce.py): a policy of one categorical
// distribution per space dimension (reinforce_policy.h), one sample per ask,
// and after each tell one Adam step (learning rate 0.01) on
//   loss = -log p(arch) * (reward - baseline),
// where the baseline is their bias-corrected exponential moving average
// (momentum 0.9) updated with this reward first, so the first tell moves
// nothing. The reward is the objective as it comes, unscaled (validation
// accuracy in percent for a tabular search). Differences from their script:
// the logits start at exactly 0 (theirs at 1e-3 * randn), and a sample that
// is invalid in the space is drawn again (NB201 has none; after 10,000
// invalid draws a uniformly random valid arch is taken).
//
// A tell of NaN (a failed evaluation) is rewarded as the worst value told so
// far; before any finite value it updates nothing. An arch told again (the
// core tells a repeat its known value for free) is a step like any other, as
// a repeated sample is in theirs.
//
// Warm start (Zero-Cost-NAS warmup): before the first ask the policy takes
// `warmup_steps` REINFORCE steps on the ranked pool, one pool arch per step
// in a random order (cycling when the pool is shorter), each rewarded by its
// proxy rank scaled to [0, 1] (best 1, worst 0, evenly spaced), with its own
// baseline. The search then starts with those logits and a fresh baseline and
// fresh Adam moments, so the rank scale never mixes with the objective's.
//
// Move proposal (GradSign's G-REINFORCE): the core's proposal mutator turns
// each sample into the best-by-proxy of `candidates` one-edit mutants (with
// probability random_prob a random one; G-REINFORCE scores 10, so the
// shipped configs set candidates 10), and the update uses the log-probability
// of that proposed arch under the policy. (GradSign's script steps on the
// sample's log-probability instead.) Without move proposal the sample itself
// is asked.
#include "nas/plugin.h"
#include "reinforce_policy.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class Reinforce : public Strategy {
 public:
  struct Options : OptionSet<Options> {
    NAS_OPTION(double, learning_rate, 0.01, "Adam learning rate (NATS-Bench: 0.01)", greater_than(0));
    NAS_OPTION(double, ema_momentum, 0.9,
               "momentum of the moving-average baseline (NATS-Bench: 0.9); must be below 1", between(0, 1));
    NAS_OPTION(int, warmup_steps, 500,
               "warm start: REINFORCE steps on the ranked pool, one arch each, reward = proxy rank scaled to "
               "[0, 1] (best 1)",
               at_least(0));
  };

  Reinforce(const Options& options, const PluginContext& ctx)
      : space_(require_space(ctx, "reinforce")),
        mutator_(require_mutator(ctx, "reinforce")),
        rng_(ctx.seed),
        policy_(choices_per_dimension(space_), options.learning_rate),
        momentum_(options.ema_momentum),
        baseline_(options.ema_momentum),
        warmup_steps_(options.warmup_steps) {
    if (momentum_ >= 1)
      throw Error("reinforce: ema_momentum (" + std::to_string(momentum_) +
                  ") must be below 1: a momentum of 1 never takes in a reward");
  }

  std::optional<Arch> ask() override {
    Arch sample = valid_sample();
    if (mutator_.steered()) return mutator_.mutate(sample, rng_);
    return sample;
  }

  void tell(const Arch& arch, double value) override {
    if (std::isnan(value)) {
      if (std::isnan(worst_)) return;
      value = worst_;
    }
    if (std::isnan(worst_) || value < worst_) worst_ = value;
    baseline_.update(value);
    policy_.step(arch, value - baseline_.value());
  }

  bool warm_start(const std::vector<Arch>& ranked) override {
    std::vector<std::pair<Arch, double>> pool;
    for (std::size_t r = 0; r < ranked.size(); ++r)
      if (space_.is_valid(ranked[r]))
        pool.emplace_back(ranked[r], ranked.size() == 1 ? 1.0 : 1.0 - static_cast<double>(r) / (ranked.size() - 1));
    if (pool.empty() || warmup_steps_ == 0) return true;
    rng_.shuffle(pool);
    ExponentialMovingAverage warmup_baseline(momentum_);
    for (int step = 0; step < warmup_steps_; ++step) {
      const auto& [arch, reward] = pool[static_cast<std::size_t>(step) % pool.size()];
      warmup_baseline.update(reward);
      policy_.step(arch, reward - warmup_baseline.value());
    }
    policy_.reset_optimizer();
    return true;
  }

  bool uses_mutation() const override { return true; }

 private:
  static std::vector<std::size_t> choices_per_dimension(const SearchSpace& space) {
    std::vector<std::size_t> n;
    for (const Dimension& d : space.dimensions()) n.push_back(d.choices.size());
    return n;
  }

  Arch valid_sample() {
    constexpr int kMaxInvalidDraws = 10000;
    for (int draw = 0; draw < kMaxInvalidDraws; ++draw) {
      Arch a = policy_.sample(rng_);
      if (space_.is_valid(a)) return a;
    }
    return space_.sample(rng_);
  }

  const SearchSpace& space_;
  const Mutator& mutator_;
  Rng rng_;
  CategoricalPolicy policy_;
  double momentum_;
  ExponentialMovingAverage baseline_;
  int warmup_steps_;
  double worst_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "reinforce", nas::strategies::Reinforce, "1.0",
           "REINFORCE (NATS-Bench): a categorical per dimension, Adam lr 0.01, EMA baseline 0.9, reward = the "
           "objective unscaled; warmup: steps on the ranked pool rewarded by proxy rank in [0,1]; move "
           "proposal: G-REINFORCE")
