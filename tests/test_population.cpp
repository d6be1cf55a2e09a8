// Population proxies (nas/population.h): each plugin's arithmetic on small
// hand-ranked sets, and their use in runs: score/correlate columns, a
// search's warmup pool and move proposal, and the objective refusing them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "nas/csv.h"
#include "nas/population_scores.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "test_support.h"

namespace {

using nas::json;
using namespace nas_test;
namespace fs = std::filesystem;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::shared_ptr<nas::PopulationProxy> population(const std::string& name, const json& options = json::object()) {
  return all_plugins().make_population(name, options, {}, "/proxies/0");
}

TEST(Vote, CopelandFollowsTheMajority) {
  // Two proxies say 0 < 1 < 2, one says the opposite: the majority wins.
  const auto vote = population("vote", {{"voters", {"a", "b", "c"}}});
  EXPECT_EQ(vote->components(), (std::vector<std::string>{"a", "b", "c"}));
  const std::vector<std::vector<double>> s = {{1, 2, 3}, {10, 20, 30}, {3, 2, 1}};
  EXPECT_EQ(vote->combine(s), (std::vector<double>{-1.0, 0.0, 1.0}));
  EXPECT_EQ(vote->against(s, {1, 2, 3}).at("pairwise_accuracy"), 1.0);
  EXPECT_EQ(vote->against(s, {3, 2, 1}).at("pairwise_accuracy"), 0.0);
}

TEST(Vote, NonFiniteLosesEveryComparison) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> s = {{nan, 1}, {nan, 1}, {5, 1}};
  EXPECT_EQ(population("vote")->combine(s), (std::vector<double>{-1.0, 1.0}));
  EXPECT_EQ(population("vote")->components(), (std::vector<std::string>{"synflow", "jacov", "snip"}));
}

// AZ-NAS's notebook: sum over the four components of log(rank / l), ranks
// as scipy.stats.rankdata (average ties), FLOPs ranked up like the others.
TEST(Aznas, SumOfLogNormalisedRanks) {
  const auto aznas = population("aznas");
  EXPECT_EQ(aznas->components(),
            (std::vector<std::string>{"aznas_expressivity", "aznas_progressivity", "aznas_trainability", "flops"}));
  // ranks: expressivity [1, 2.5, 2.5] (a tie), progressivity [1, 2, 3] (-inf
  // lowest), trainability [3, 2, 1], FLOPs [1, 2, 3].
  const std::vector<double> got = aznas->combine({{1, 2, 2}, {-kInf, 0, 1}, {3, 2, 1}, {10, 20, 30}});
  const std::vector<double> want = {3 * std::log(1.0 / 3), std::log(2.5 / 3) + 3 * std::log(2.0 / 3),
                                    std::log(2.5 / 3) + std::log(1.0 / 3)};
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(got[k], want[k], 1e-12) << k;
  EXPECT_NEAR(want[0], -3.295836866004329, 1e-12);  // the arithmetic, spelled out once
}

// TE-NAS: rank by condition number (lower better) + rank by linear regions
// (higher better), higher sum = better.
TEST(Tenas, RankSumOfConditionNumberAndLinearRegions) {
  const auto tenas = population("tenas");
  EXPECT_EQ(tenas->components(), (std::vector<std::string>{"tenas_ntk_cond", "tenas_linear_regions"}));
  // By condition number [5, 1e5, 2, 2] -> [2, 1, 3.5, 3.5]; by regions
  // [10, 1, 10, 30] -> [2.5, 1, 2.5, 4].
  EXPECT_EQ(tenas->combine({{5, 1e5, 2, 2}, {10, 1, 10, 30}}), (std::vector<double>{4.5, 2.0, 6.0, 7.5}));
}

json small_score(const std::string& name, const json& proxies) {
  return {{"run", "score"},
          {"space", {{"name", "nb201"}, {"benchmark", "none"}}},
          {"data", {{"name", "hash"}, {"batch_size", 16}}},
          {"init", {{"kind", "hash"}}},
          {"proxies", proxies},
          {"sample", 5},
          {"cache", false},
          {"output", (temp_root("population") / name).string()}};
}

// score: a population proxy is a column after the per-arch proxies, the
// combination of its components' columns over the archs scored.
TEST(PopulationRuns, ScoreAddsTheComponentsAndTheSetScore) {
  const json summary = run_on_cpu(small_score("score", {"aznas", "vote"}));
  for (const char* name : {"aznas_expressivity", "aznas_progressivity", "aznas_trainability", "flops", "synflow",
                           "jacov", "snip", "aznas", "vote"})
    EXPECT_TRUE(summary.at("proxies").contains(name)) << name;
  const nas::CsvTable table = nas::read_csv((temp_root("population") / "score" / "scores.csv").string());
  const auto column = [&](const std::string& name) {
    std::vector<double> v;
    for (const auto& row : table.rows) v.push_back(nas::parse_double(row.at(table.column(name)), name));
    return v;
  };
  std::vector<std::vector<double>> components;
  for (const char* c : {"aznas_expressivity", "aznas_progressivity", "aznas_trainability", "flops"})
    components.push_back(column(c));
  const std::vector<double> want = population("aznas")->combine(components), got = column("aznas");
  ASSERT_EQ(got.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) EXPECT_NEAR(got[k], want[k], 1e-9) << k;
}

json small_search(const std::string& name, const json& strategy, const json& objective) {
  return {{"run", "search"},
          {"space", {{"name", "nb201"}}},
          {"data", {{"name", "hash"}, {"batch_size", 16}}},
          {"init", {{"kind", "hash"}}},
          {"objective", objective},
          {"strategy", strategy},
          {"budget", {{"queries", 4}}},
          {"repeats", 1},
          {"output", (temp_root("population") / name).string()}};
}

// A search's warmup pool and move proposal rank their sets with a
// population proxy (computed, or from published component scores).
TEST(PopulationRuns, WarmupAndMoveProposal) {
  const json warm = run_on_cpu(small_search(
      "warmup", {{"name", "random"}, {"warmup", {{"proxy", "aznas"}, {"pool", 6}}}}, {{"kind", "tabular"}}));
  EXPECT_EQ(warm.at("repeats").at(0).at("warmup_pool"), 6);
  const json moved = run_on_cpu(small_search(
      "move",
      {{"name", "aging_evolution"},
       {"options", {{"population", 2}, {"sample", 2}}},
       {"move_proposal", {{"proxy", "vote"}, {"source", "nbsz"}, {"candidates", 4}}}},
      {{"kind", "tabular"}}));
  EXPECT_EQ(moved.at("repeats").at(0).at("queries"), 4);
}

TEST(PopulationRuns, AnObjectiveCannotBeAPopulationProxy) {
  const json p = small_search("objective", {{"name", "random"}}, {{"kind", "proxy"}, {"proxy", "aznas"}});
  try {
    resolve_on_cpu(p);
    ADD_FAILURE() << "a population proxy was accepted as the objective";
  } catch (const nas::PipelineError& e) {
    EXPECT_NE(std::string(e.what()).find("/objective/proxy: 'aznas' is a population proxy"), std::string::npos)
        << e.what();
  }
}

}  // namespace
