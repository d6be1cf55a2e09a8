// The search-strategy plugins (random, aging_evolution, local_search, tpe,
// reinforce),
// loaded from their files and driven by ask/tell on a toy space.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <set>
#include <sstream>

#include "nas/errors.h"
#include "nas/registry.h"

#include "strategy_loop.h"
#include "reinforce_policy.h"
#include "zero_cost.h"

using nas_test::ask_and_tell;

namespace {

using nas::Arch;
using nas::json;

/// `dims` dimensions of `choices` choices each; every choice vector valid.
class ToySpace : public nas::SearchSpace {
 public:
  ToySpace(int dims, int choices, bool sized = true) : sized_(sized) {
    for (int d = 0; d < dims; ++d) {
      nas::Dimension dim{"d" + std::to_string(d), {}};
      for (int c = 0; c < choices; ++c) dim.choices.push_back("c" + std::to_string(c));
      dims_.push_back(dim);
    }
  }
  const std::vector<nas::Dimension>& dimensions() const override { return dims_; }
  std::string to_string(const Arch& arch) const override {
    std::string s;
    for (int c : arch.choices) s += std::to_string(c) + "-";
    return s;
  }
  Arch parse(const std::string&) const override { throw nas::Error("ToySpace does not parse"); }
  std::shared_ptr<nas::Network> build(const Arch&, const nas::BuildOptions&) const override {
    throw nas::Error("ToySpace builds no network");
  }
  std::optional<int64_t> size() const override {
    if (!sized_) return std::nullopt;
    int64_t n = 1;
    for (const auto& d : dims_) n *= static_cast<int64_t>(d.choices.size());
    return n;
  }

 private:
  std::vector<nas::Dimension> dims_;
  bool sized_;
};

/// The space's random one-edit mutation, remembering every parent.
class RecordingMutator : public nas::Mutator {
 public:
  explicit RecordingMutator(const nas::SearchSpace& space) : space_(space) {}
  Arch mutate(const Arch& parent, nas::Rng& rng) const override {
    parents.push_back(parent);
    return space_.mutate(parent, rng);
  }
  mutable std::vector<Arch> parents;

 private:
  const nas::SearchSpace& space_;
};

const nas::Registry& registry() {
  static const nas::Registry r = [] {
    nas::Registry reg;
    for (const char* name : {"random", "aging_evolution", "local_search", "tpe", "reinforce"})
      reg.add(std::string(NASRUN_PLUGIN_DIR) + "/nas_" + name + ".so");
    return reg;
  }();
  return r;
}

std::shared_ptr<nas::Strategy> make(const std::string& name, const nas::SearchSpace& space,
                                    const nas::Mutator& mutator, uint64_t seed, const json& options = json::object()) {
  nas::PluginContext ctx;
  ctx.seed = seed;
  ctx.space = &space;
  ctx.mutator = &mutator;
  return registry().make_strategy(name, options, ctx, "/strategy");
}

int hamming(const Arch& a, const Arch& b) {
  int n = 0;
  for (std::size_t i = 0; i < a.choices.size(); ++i) n += a.choices[i] != b.choices[i];
  return n;
}

/// Separable, with one optimum: every dimension prefers choice (d + 2) % 5,
/// worth more the later the dimension.
double separable(const Arch& a) {
  double v = 0;
  for (std::size_t d = 0; d < a.choices.size(); ++d)
    v -= (1.0 + 0.2 * d) * std::abs(a.choices[d] - static_cast<int>((d + 2) % 5));
  return v;
}
const Arch kSeparableOptimum{{2, 3, 4, 0, 1, 2}};


double best_of(const std::vector<Arch>& archs) {
  double best = -INFINITY;
  for (const Arch& a : archs) best = std::max(best, separable(a));
  return best;
}

std::set<Arch> distinct(const std::vector<Arch>& archs) { return {archs.begin(), archs.end()}; }

const std::vector<std::string> kAll = {"random", "aging_evolution", "local_search", "tpe", "reinforce"};

TEST(Strategies, AllLoadFromTheirFiles) {
  EXPECT_TRUE(registry().refusals().empty());
  for (const auto& name : kAll) EXPECT_NE(registry().find("strategy", name), nullptr) << name;
}

TEST(Strategies, SameSeedSameSequenceOtherSeedAnother) {
  ToySpace space(6, 5);
  for (const auto& name : kAll) {
    RecordingMutator m1(space), m2(space), m3(space);
    auto a = ask_and_tell(*make(name, space, m1, 7), 80, separable);
    auto b = ask_and_tell(*make(name, space, m2, 7), 80, separable);
    auto c = ask_and_tell(*make(name, space, m3, 8), 80, separable);
    ASSERT_EQ(a.size(), 80u) << name;
    EXPECT_EQ(a, b) << name;
    EXPECT_NE(a, c) << name;
    for (const Arch& arch : a) EXPECT_TRUE(space.is_valid(arch)) << name;
  }
}

TEST(Strategies, OnlyEvolutionAndReinforceMutate) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  for (const auto& name : kAll)
    EXPECT_EQ(make(name, space, m, 0)->uses_mutation(), name == "aging_evolution" || name == "reinforce") << name;
}

TEST(Strategies, AllButEvolutionNeverAskTwice) {
  ToySpace space(6, 5);
  for (const auto& name : {"random", "local_search", "tpe"}) {
    RecordingMutator m(space);
    auto asked = ask_and_tell(*make(name, space, m, 3), 400, separable);
    EXPECT_EQ(distinct(asked).size(), asked.size()) << name;
  }
}

TEST(Strategies, TinySpaceIsExhaustedOnceEachThenNullopt) {
  for (bool sized : {true, false}) {
    ToySpace space(2, 3, sized);
    for (const auto& name : {"random", "local_search", "tpe"}) {
      RecordingMutator m(space);
      auto s = make(name, space, m, 11);
      auto asked = ask_and_tell(*s, 50, separable);
      EXPECT_EQ(asked.size(), 9u) << name << " sized=" << sized;
      EXPECT_EQ(distinct(asked).size(), 9u) << name << " sized=" << sized;
      EXPECT_FALSE(s->ask().has_value()) << name << " sized=" << sized;
    }
  }
}

TEST(Strategies, WarmStartArchsComeFirstInProxyOrder) {
  ToySpace space(6, 5);
  std::vector<Arch> ranked;
  for (int i = 0; i < 70; ++i) ranked.push_back(Arch{{i % 5, (i / 5) % 5, (i / 25) % 5, 1, 2, 3}});
  // How many of the ranked archs each strategy takes first.
  const std::vector<std::pair<std::string, std::size_t>> taken = {
      {"random", 70}, {"aging_evolution", 64}, {"tpe", 10}, {"local_search", 1}};
  for (const auto& [name, n] : taken) {
    RecordingMutator m(space);
    auto s = make(name, space, m, 5);
    ASSERT_TRUE(s->warm_start(ranked)) << name;
    auto asked = ask_and_tell(*s, static_cast<int>(n), separable);
    EXPECT_EQ(asked, std::vector<Arch>(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n))) << name;
  }
}

TEST(AgingEvolution, SampleLargerThanPopulationIsRefusedNamingBoth) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  try {
    make("aging_evolution", space, m, 0, {{"population", 8}, {"sample", 9}});
    FAIL() << "expected an error";
  } catch (const nas::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("sample (9)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("population (8)"), std::string::npos) << msg;
  }
}

TEST(AgingEvolution, UnknownOptionGetsTheRegistrysDidYouMean) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  try {
    make("aging_evolution", space, m, 0, {{"populaton", 8}});
    FAIL() << "expected an error";
  } catch (const nas::PipelineError& e) {
    EXPECT_NE(std::string(e.what()).find("/strategy/options/populaton"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("population"), std::string::npos) << e.what();
  }
}

TEST(AgingEvolution, FirstPopulationIsDistinctRandomThenChildrenAreOneEditFromParents) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  auto asked = ask_and_tell(*make("aging_evolution", space, m, 1, {{"population", 20}, {"sample", 5}}), 200, separable);
  EXPECT_EQ(distinct({asked.begin(), asked.begin() + 20}).size(), 20u);
  ASSERT_EQ(m.parents.size(), 180u);
  for (std::size_t i = 0; i < m.parents.size(); ++i) EXPECT_EQ(hamming(m.parents[i], asked[20 + i]), 1);
}

// With S = P the tournament sees the whole population, so the parent is its
// best member. Values told strictly decrease, so the best alive is the
// oldest alive: the parent of ask k must be exactly the arch told at k - P.
// A population that kept more than P, or killed the worst instead of the
// oldest, would pick an older parent.
TEST(AgingEvolution, KeepsPopulationAndKillsTheOldest) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  const int population = 5;
  auto s = make("aging_evolution", space, m, 2, {{"population", population}, {"sample", population}});
  std::vector<Arch> told;
  for (int k = 0; k < 60; ++k) {
    Arch a = *s->ask();
    if (k >= population) {
      ASSERT_EQ(m.parents.size(), static_cast<std::size_t>(k - population + 1));
      EXPECT_EQ(m.parents.back(), told[k - population]) << "ask " << k;
    }
    told.push_back(a);
    s->tell(a, -k);
  }
}

TEST(AgingEvolution, TournamentWinnerIsInTheLivingPopulationAndNaNNeverWins) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  const int population = 8;
  auto s = make("aging_evolution", space, m, 4, {{"population", population}, {"sample", 3}});
  std::vector<Arch> told;
  for (int k = 0; k < 200; ++k) {
    Arch a = *s->ask();
    if (k >= population) {
      const std::vector<Arch> alive(told.end() - population, told.end());
      EXPECT_NE(std::find(alive.begin(), alive.end(), m.parents.back()), alive.end()) << "ask " << k;
    }
    told.push_back(a);
    // Even asks fail (NaN); a NaN member may be drawn but never wins a
    // tournament that also drew a finite one.
    s->tell(a, k % 2 == 0 ? NAN : separable(a));
  }
  std::set<Arch> failed;
  for (std::size_t k = 0; k < told.size(); k += 2) failed.insert(told[k]);
  int nan_parents = 0;
  for (const Arch& p : m.parents) nan_parents += failed.count(p) > 0;
  // Each tournament of 3 from a half-failed population is all-NaN with
  // probability about 1/14; far fewer than half the parents may be failures.
  EXPECT_LT(nan_parents, static_cast<int>(m.parents.size()) / 4);
}

// On a separable objective every non-optimal arch has a better neighbour,
// so first-improvement climbing reaches the optimum without a restart, and
// until then each ask is a one-edit neighbour of the best arch so far.
TEST(LocalSearch, ClimbsToTheOptimumOfASeparableObjective) {
  ToySpace space(6, 5);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    RecordingMutator m(space);
    auto asked = ask_and_tell(*make("local_search", space, m, seed), 1000, separable);
    auto found = std::find(asked.begin(), asked.end(), kSeparableOptimum);
    ASSERT_NE(found, asked.end()) << "seed " << seed;
    Arch best = asked.front();
    for (auto it = asked.begin() + 1; it != found + 1; ++it) {
      EXPECT_EQ(hamming(*it, best), 1) << "seed " << seed << " ask " << (it - asked.begin());
      if (separable(*it) > separable(best)) best = *it;
    }
  }
}

TEST(Tpe, FirstTenAsksAreRandomWhateverTheValues) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  auto a = ask_and_tell(*make("tpe", space, m, 9), 40, separable);
  auto b = ask_and_tell(*make("tpe", space, m, 9), 40, [](const Arch& x) { return -separable(x); });
  EXPECT_EQ(std::vector<Arch>(a.begin(), a.begin() + 10), std::vector<Arch>(b.begin(), b.begin() + 10));
  EXPECT_NE(std::vector<Arch>(a.begin() + 10, a.end()), std::vector<Arch>(b.begin() + 10, b.end()));
}

TEST(Tpe, BeatsRandomOnASeparableObjective) {
  ToySpace space(6, 5);
  const int seeds = 30, trials = 60;
  double tpe_sum = 0, random_sum = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    RecordingMutator m(space);
    tpe_sum += best_of(ask_and_tell(*make("tpe", space, m, seed), trials, separable));
    random_sum += best_of(ask_and_tell(*make("random", space, m, seed), trials, separable));
  }
  std::cout << "[ figures  ] mean best after " << trials << " trials over " << seeds
            << " seeds: tpe " << tpe_sum / seeds << ", random " << random_sum / seeds << " (optimum 0)\n";
  EXPECT_GT(tpe_sum / seeds, random_sum / seeds + 1.0);
}

// Zero-Cost-NAS warmup: the pool is distinct archs, best first by the proxy,
// NaN last, ties in sampling order.
TEST(ZeroCost, RankedPoolIsBestFirstWithNaNLast) {
  ToySpace space(3, 4);  // 64 archs
  nas::Rng rng(5);
  const auto proxy = [](const Arch& a) { return a.choices[0] == 3 ? std::nan("") : static_cast<double>(a.choices[1]); };
  const auto pool = nas::zero_cost::ranked_pool(space, rng, 40, proxy);
  ASSERT_EQ(pool.size(), 40u);
  EXPECT_EQ(distinct(pool).size(), 40u);
  bool seen_nan = false;
  for (std::size_t i = 1; i < pool.size(); ++i) {
    const double a = proxy(pool[i - 1]), b = proxy(pool[i]);
    seen_nan |= std::isnan(b);
    if (std::isnan(a)) EXPECT_TRUE(std::isnan(b)) << "NaN must come last";
    else if (!std::isnan(b)) EXPECT_GE(a, b);
  }
  EXPECT_TRUE(seen_nan);
  // A pool larger than the space is the whole space.
  EXPECT_EQ(nas::zero_cost::ranked_pool(space, rng, 1000, proxy).size(), 64u);
}

// Move proposal: the best-by-proxy neighbour, or with random_prob 1 a random one.
TEST(ZeroCost, MoveProposalTakesTheBestNeighbour) {
  ToySpace space(6, 5);
  const Arch parent{{0, 0, 0, 0, 0, 0}};
  nas::Rng rng(1);
  const nas::zero_cost::MoveProposal best(space, separable, 0, 0.0);
  double best_neighbour = -INFINITY;
  for (const Arch& n : space.neighbours(parent)) best_neighbour = std::max(best_neighbour, separable(n));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(separable(best.mutate(parent, rng)), best_neighbour);
  const nas::zero_cost::MoveProposal random(space, separable, 0, 1.0);
  std::set<std::string> children;
  for (int i = 0; i < 50; ++i) children.insert(space.to_string(random.mutate(parent, rng)));
  EXPECT_GT(children.size(), 5u) << "random_prob 1 draws random neighbours";
  // With 3 candidates the child is the best of 3 random neighbours: not always the best.
  const nas::zero_cost::MoveProposal three(space, separable, 3, 0.0);
  int best_count = 0;
  for (int i = 0; i < 50; ++i) best_count += separable(three.mutate(parent, rng)) == best_neighbour;
  EXPECT_GT(best_count, 0);
  EXPECT_LT(best_count, 50);
  // No neighbour scored (NB101: NBSZ publishes zen for 2.4% of the cells): a
  // random neighbour each time, not the first one over and over.
  const nas::zero_cost::MoveProposal unscored(space, [](const Arch&) { return NAN; }, 0, 0.0);
  std::set<std::string> unscored_children;
  for (int i = 0; i < 50; ++i) unscored_children.insert(space.to_string(unscored.mutate(parent, rng)));
  EXPECT_GT(unscored_children.size(), 5u) << "with no scores the child is a random neighbour";
}

TEST(Tpe, InvalidOptionsAreRefused) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  EXPECT_THROW(make("tpe", space, m, 0, {{"prior_weight", 0.0}}), nas::PipelineError);  // "must be > 0.0"
  EXPECT_THROW(make("tpe", space, m, 0, {{"n_ei_candidates", 0}}), nas::PipelineError);
}

TEST(Tpe, WithoutDedupeItMayAskAgain) {
  // On a 9-arch space, TPE with dedupe asks each arch once and then has
  // nothing left; without it, it goes on asking (as Optuna does).
  ToySpace space(2, 3);
  RecordingMutator m(space);
  auto deduped = ask_and_tell(*make("tpe", space, m, 0), 60, separable);
  EXPECT_EQ(deduped.size(), 9u);
  EXPECT_EQ(distinct(deduped).size(), 9u);
  auto asked = ask_and_tell(*make("tpe", space, m, 0, {{"dedupe", false}}), 60, separable);
  EXPECT_EQ(asked.size(), 60u);
}

// ---- reinforce ------------------------------------------------------------

/// A toy space where the first two dimensions must differ.
class PairwiseDistinctSpace : public ToySpace {
 public:
  PairwiseDistinctSpace() : ToySpace(4, 3) {}
  std::string invalid_reason(const Arch& a) const override {
    const std::string r = ToySpace::invalid_reason(a);
    if (!r.empty()) return r;
    return a.choices[0] == a.choices[1] ? "the first two choices are equal" : "";
  }
  std::optional<int64_t> size() const override { return std::nullopt; }
};

/// Move proposal's place in the core: a steered mutator, recording each
/// sample it is given.
class SteeredRecordingMutator : public RecordingMutator {
 public:
  using RecordingMutator::RecordingMutator;
  bool steered() const override { return true; }
};

// The policy's arithmetic, step by step as the plugin runs it on each tell
// (baseline updated with the reward first, then one Adam step), against
// figures worked out by hand from torch.optim.Adam's documented update
// (in plain Python, double precision) on a 2-dimension space of 2 x 3 choices.
TEST(Reinforce, GradientStepMatchesAHandComputedOne) {
  nas::strategies::CategoricalPolicy policy({2, 3}, 0.01);
  nas::strategies::ExponentialMovingAverage baseline(0.9);
  const std::vector<std::pair<Arch, double>> tells = {{Arch{{1, 2}}, 90.0}, {Arch{{0, 0}}, 80.0}, {Arch{{1, 1}}, 95.0}};
  const double expected_baseline[] = {90.0, 84.73684210526316, 88.5239852398524};
  const std::vector<std::vector<std::vector<double>>> expected_logits = {
      {{0, 0}, {0, 0, 0}},  // advantage 0, though Adam's step count advances
      {{-0.007441368191247599, 0.007441368191247599},
       {-0.007441368202353155, 0.007441368169036489, 0.007441368169036489}},
      {{-0.015996218863821122, 0.015996218863821122},
       {-0.01578611820271939, 0.015418635492596217, 0.00565946302432136}}};
  for (std::size_t i = 0; i < tells.size(); ++i) {
    baseline.update(tells[i].second);
    EXPECT_NEAR(baseline.value(), expected_baseline[i], 1e-12) << "tell " << i;
    policy.step(tells[i].first, tells[i].second - baseline.value());
    for (std::size_t d = 0; d < 2; ++d)
      for (std::size_t k = 0; k < expected_logits[i][d].size(); ++k)
        EXPECT_NEAR(policy.logits(d)[k], expected_logits[i][d][k], 1e-14) << "tell " << i << " dim " << d;
  }
  // The gradient itself: -advantage * (onehot - softmax), here at uniform logits.
  nas::strategies::CategoricalPolicy fresh({2, 3}, 0.01);
  const std::vector<double> g = fresh.gradient(Arch{{1, 2}}, 2.0);
  const std::vector<double> expected_g = {1.0, -1.0, 2.0 / 3, 2.0 / 3, -4.0 / 3};
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], expected_g[i], 1e-15) << i;
  EXPECT_NEAR(fresh.log_prob(Arch{{1, 2}}), std::log(1.0 / 6), 1e-15);
}

TEST(Reinforce, AsksOnlyValidArchsOfASpaceWithInvalidOnes) {
  PairwiseDistinctSpace space;
  RecordingMutator m(space);
  auto asked = ask_and_tell(*make("reinforce", space, m, 3), 300, separable);
  ASSERT_EQ(asked.size(), 300u);
  for (const Arch& a : asked) EXPECT_TRUE(space.is_valid(a)) << space.to_string(a);
  EXPECT_TRUE(m.parents.empty()) << "plain reinforce asks its samples unchanged";
}

// A NaN is rewarded as the worst value told so far, and before any finite
// value it changes nothing: the asks equal those of a twin told the worst
// value instead, and for the leading NaN told nothing at all.
TEST(Reinforce, NaNIsToldAsTheWorstSoFar) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  auto with_nan = make("reinforce", space, m, 12);
  auto twin = make("reinforce", space, m, 12);
  double worst = INFINITY;
  for (int k = 0; k < 120; ++k) {
    const Arch a = *with_nan->ask();
    const Arch b = *twin->ask();
    ASSERT_EQ(a, b) << "ask " << k;
    const bool fails = k == 0 || k % 7 == 3;
    with_nan->tell(a, fails ? NAN : separable(a));
    if (!fails) twin->tell(b, separable(b)), worst = std::min(worst, separable(b));
    else if (k > 0) twin->tell(b, worst);
  }
  // And the NaN did move the policy (away from failures): a twin told a
  // good value instead diverges.
  auto other = make("reinforce", space, m, 12);
  auto base = make("reinforce", space, m, 12);
  std::vector<Arch> x, y;
  for (int k = 0; k < 120; ++k) {
    const Arch a = *other->ask(), b = *base->ask();
    x.push_back(a), y.push_back(b);
    other->tell(a, k % 7 == 3 ? NAN : separable(a));
    base->tell(b, k % 7 == 3 ? 0.0 : separable(b));
  }
  EXPECT_NE(x, y);
}

// The policy learns: on a separable objective its later samples are better
// than its first ones (mean over seeds).
TEST(Reinforce, LaterSamplesBeatEarlierOnes) {
  ToySpace space(6, 5);
  double early = 0, late = 0;
  const int seeds = 10;
  for (int seed = 0; seed < seeds; ++seed) {
    RecordingMutator m(space);
    auto asked = ask_and_tell(*make("reinforce", space, m, seed, {{"learning_rate", 0.05}}), 400, separable);
    for (int i = 0; i < 100; ++i) early += separable(asked[i]) / (100.0 * seeds), late += separable(asked[300 + i]) / (100.0 * seeds);
  }
  std::cout << "[ figures  ] reinforce mean objective, asks 1-100: " << early << ", asks 301-400: " << late << "\n";
  EXPECT_GT(late, early + 2.0);
}

// Warmup: REINFORCE steps on the ranked pool pull the policy towards the
// proxy's best archs before any query.
TEST(Reinforce, WarmStartPullsThePolicyTowardsTheRankedPool) {
  ToySpace space(6, 5);
  nas::Rng pool_rng(1);
  const auto ranked = nas::zero_cost::ranked_pool(space, pool_rng, 2000, separable);
  double plain = 0, warmed = 0;
  const int seeds = 10;
  for (int seed = 0; seed < seeds; ++seed) {
    RecordingMutator m(space);
    auto a = make("reinforce", space, m, seed);
    auto b = make("reinforce", space, m, seed);
    ASSERT_TRUE(b->warm_start(ranked));
    const auto pa = ask_and_tell(*a, 50, separable), pb = ask_and_tell(*b, 50, separable);
    EXPECT_NE(pa, pb) << "seed " << seed;
    for (int i = 0; i < 50; ++i) plain += separable(pa[i]) / (50.0 * seeds), warmed += separable(pb[i]) / (50.0 * seeds);
  }
  std::cout << "[ figures  ] reinforce mean objective of the first 50 asks: plain " << plain << ", warm-started "
            << warmed << "\n";
  EXPECT_GT(warmed, plain + 1.0);
  // No warmup steps: a warm start changes nothing.
  RecordingMutator m(space);
  auto c = make("reinforce", space, m, 4, {{"warmup_steps", 0}});
  auto d = make("reinforce", space, m, 4, {{"warmup_steps", 0}});
  ASSERT_TRUE(d->warm_start(ranked));
  EXPECT_EQ(ask_and_tell(*c, 30, separable), ask_and_tell(*d, 30, separable));
}

// Move proposal: each ask is what the steered mutator made of a sample, one
// edit away from it; the plain strategy's asks are the samples themselves.
TEST(Reinforce, MoveProposalMutatesEachSampleOnce) {
  ToySpace space(6, 5);
  SteeredRecordingMutator steered(space);
  RecordingMutator plain(space);
  auto with = ask_and_tell(*make("reinforce", space, steered, 6), 60, separable);
  auto without = ask_and_tell(*make("reinforce", space, plain, 6), 60, separable);
  ASSERT_EQ(steered.parents.size(), 60u);
  EXPECT_TRUE(plain.parents.empty());
  for (std::size_t i = 0; i < with.size(); ++i) EXPECT_EQ(hamming(steered.parents[i], with[i]), 1) << i;
  EXPECT_NE(with, without);
}

TEST(Reinforce, MomentumOfOneIsRefused) {
  ToySpace space(6, 5);
  RecordingMutator m(space);
  EXPECT_THROW(make("reinforce", space, m, 0, {{"ema_momentum", 1.0}}), nas::Error);
  EXPECT_THROW(make("reinforce", space, m, 0, {{"learning_rate", 0.0}}), nas::PipelineError);
}

}  // namespace
