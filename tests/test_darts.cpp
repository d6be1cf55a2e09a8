// The darts space plugin (the NAS-Bench-301 space as NAS-Bench-Suite-Zero
// scored it), loaded as nasrun loads it: the 24-dim encoding and its text
// forms, the network's params and FLOPs against NASLib's and NBSZ's tables
// and SPACES.md's closed form, forward hooks, and the labelled archs. Suite
// names start with "darts" so that `ctest -R darts` selects them.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <set>

#include "nas/csv.h"
#include "test_support.h"

namespace {

using namespace nas_test;  // kDataDir, make_space, count_parameters, error_of, ...

// SPACES.md 2.2 golden vectors: NBSZ-final idx 0 and the 725-table idx 0.
const std::string kNbszIdx0 =
    "(((0, 6), (1, 4), (0, 0), (1, 5), (1, 4), (3, 2), (0, 6), (3, 2)), "
    "((0, 1), (1, 4), (0, 1), (1, 4), (2, 6), (3, 4), (1, 5), (2, 1)))";
const std::string kTable725Idx0 = "1 0 0 5 1 2 0 0 0 6 3 1 2 4 1 3 0 6 1 6 1 3 0 4 3 4 1 1 0 6 1 0";

const nas::SearchSpace& space() { return cached_space("darts", nas::json::object()); }
const nas::SearchSpace& space500() { return cached_space("darts", {{"benchmark", "naslib500"}}); }

struct TableCheck {
  int rows = 0, closed = 0, built = 0, params = 0, flops = 0;
};

// Params (M) and FLOPs (M) of a table against the closed form for every
// row, and against built networks for every `stride`-th row.
TableCheck check_table(const std::string& file, std::size_t stride) {
  const nas::CsvTable t = nas::read_csv(kDataDir + "/nb301/" + file);
  const std::size_t arch = t.column("arch"), params = t.column("params"), flops = t.column("flops");
  TableCheck c;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const nas::Arch a = space().parse(row[arch]);
    const double p = std::stod(row[params]), f = std::stod(row[flops]);
    ++c.rows;
    auto m = space().query(a);
    if (!m) m = space500().query(a);
    if (m) c.closed += std::llround(m->at("params") * 1e6) == std::llround(p * 1e6) &&
                       std::abs(m->at("flops") - f) <= 1e-9 * f;
    if (r % stride != 0) continue;
    auto net = space().build(a, {10});
    const double ours = counted_flops(*net) / 1e6;
    ++c.built;
    c.params += count_parameters(*net) == std::llround(p * 1e6);
    c.flops += std::abs(ours - f) <= 1e-9 * f;
  }
  std::cout << "[ darts    ] " << file << ": closed form " << c.closed << "/" << c.rows << ", built params "
            << c.params << "/" << c.built << ", flops " << c.flops << "/" << c.built
            << " (build and forward times: bench_spaces)\n";
  return c;
}

TEST(dartsPlugin, LoadsWithItsOptionsAndDimensions) {
  const nas::Registry& registry = plugin_registry("darts");
  ASSERT_TRUE(registry.refusals().empty()) << registry.refusals().front();
  const nas::LoadedPlugin* plugin = registry.find("space", "darts");
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->options[0].name, "benchmark");
  EXPECT_EQ(plugin->options[0].default_value, "naslib725");
  const auto& dims = space().dimensions();
  ASSERT_EQ(dims.size(), 24u);
  EXPECT_EQ(dims[0].name, "normal.n2.inputs");
  EXPECT_EQ(dims[0].choices, (std::vector<std::string>{"0+1"}));
  EXPECT_EQ(dims[1].name, "normal.n2.op_lo");
  EXPECT_EQ(dims[9].choices.size(), 10u);  // node 5: C(5, 2) input pairs
  EXPECT_EQ(dims[12].name, "reduce.n2.inputs");
  EXPECT_EQ(dims[1].choices.size(), 7u);
  EXPECT_FALSE(space().size().has_value());
}

TEST(dartsEncoding, FormsParseToOneCanonicalArch) {
  const nas::SearchSpace& s = space();
  const nas::Arch a = s.parse(kNbszIdx0);
  EXPECT_EQ(s.to_string(a), kNbszIdx0);
  const std::vector<std::string> same{
      "[[(0, 6), (1, 4), (0, 0), (1, 5), (1, 4), (3, 2), (0, 6), (3, 2)], "
      "[(0, 1), (1, 4), (0, 1), (1, 4), (2, 6), (3, 4), (1, 5), (2, 1)]]",
      "0 6 1 4 0 0 1 5 1 4 3 2 0 6 3 2 0 1 1 4 0 1 1 4 2 6 3 4 1 5 2 1",
      // Each node's pairs swapped: the same network.
      "1 4 0 6 1 5 0 0 3 2 1 4 3 2 0 6 1 4 0 1 1 4 0 1 3 4 2 6 2 1 1 5",
      "Genotype(normal=[('dil_conv_5x5', 0), ('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('dil_conv_3x3', 1), "
      "('sep_conv_5x5', 1), ('skip_connect', 3), ('dil_conv_5x5', 0), ('skip_connect', 3)], normal_concat=range(2, 6), "
      "reduce=[('avg_pool_3x3', 0), ('sep_conv_5x5', 1), ('avg_pool_3x3', 0), ('sep_conv_5x5', 1), "
      "('dil_conv_5x5', 2), ('sep_conv_5x5', 3), ('dil_conv_3x3', 1), ('avg_pool_3x3', 2)], reduce_concat=[2, 3, 4, 5])",
      "dil_conv_5x5:0 sep_conv_5x5:1 max_pool_3x3:0 dil_conv_3x3:1 sep_conv_5x5:1 skip_connect:3 dil_conv_5x5:0 "
      "skip_connect:3 avg_pool_3x3:0 sep_conv_5x5:1 avg_pool_3x3:0 sep_conv_5x5:1 dil_conv_5x5:2 sep_conv_5x5:3 "
      "dil_conv_3x3:1 avg_pool_3x3:2",
  };
  for (const auto& text : same) {
    EXPECT_EQ(s.parse(text), a) << text;
    EXPECT_EQ(s.identity(s.parse(text)), s.identity(a)) << text;
  }
  // Every choice vector is valid and round-trips through its string.
  nas::Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    const nas::Arch x = s.sample(rng);
    ASSERT_TRUE(s.is_valid(x));
    ASSERT_EQ(s.parse(s.to_string(x)), x);
  }
}

TEST(dartsEncoding, NbszArchsAreCanonicalAndTheirGenotypesAgree) {
  const nas::CsvTable t = nas::read_csv(kDataDir + "/nb301/nb301_nbsz_zen_nwot.csv");
  ASSERT_EQ(t.rows.size(), 11221u);
  const std::size_t arch = t.column("arch"), genotype = t.column("genotype");
  std::set<std::string> ids;
  int ok = 0;
  for (const auto& row : t.rows) {
    const nas::Arch a = space().parse(row[arch]);
    std::string ints;  // the canonical string's ints, in order
    for (char c : space().to_string(a))
      if (std::isdigit(static_cast<unsigned char>(c))) ints += ints.empty() ? std::string(1, c) : std::string(" ") + c;
    ok += space().parse(row[genotype]) == a && ints == row[arch];
    ids.insert(space().identity(a));
  }
  EXPECT_EQ(ok, 11221);
  EXPECT_EQ(ids.size(), 11221u);
}

TEST(dartsEncoding, MalformedArchsSayWhy) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty string"},
      {"0 6 1 4", "expected 32 integers"},
      {"1 6 1 4 0 0 1 5 1 4 3 2 0 6 3 2 0 1 1 4 0 1 1 4 2 6 3 4 1 5 2 1",
       "normal node 2 reads input 1 twice; a node's two inputs must differ"},
      {"0 6 1 4 0 0 1 5 1 4 3 2 0 6 3 2 0 1 1 4 0 1 1 4 2 6 3 4 1 5 2 7", "reduce pair 7 (node 5): op 7 is not one of 0..6"},
      {"0 6 1 4 0 0 3 5 1 4 3 2 0 6 3 2 0 1 1 4 0 1 1 4 2 6 3 4 1 5 2 1",
       "normal pair 3 (node 3): input 3 is not an earlier state (0..2)"},
      {"(((0, 6), (1, x)))", "unexpected character 'x'"},
      {"09,22222222222222222222222222222222222222222222222222222222222222222(4, 0, 2, 2)",  // found by fuzz_arch
       "number: not an integer from -2147483648 to 2147483647: '2222"},
      {"sep_conv_3x3:0 sep_conv_3x3:1", "expected 16 op:input tokens"},
      {"none:0 sep_conv_3x3:1", "unknown op 'none'"},
      {"sep_conv3x3:0 sep_conv_3x3:1", "did you mean 'sep_conv_3x3'?"},
      {"Genotype(normal=[('sep_conv_3x3', 0)], reduce=[])", "normal has 1 ('op', input) pairs; a DARTS cell has 8"},
  };
  expect_parse_errors(space(), "DARTS", cases);
}

TEST(dartsMoves, NeighboursAreValidAndDistinct) {
  const nas::SearchSpace& s = space();
  nas::Rng rng(2);
  for (int i = 0; i < 50; ++i) {
    const nas::Arch a = s.sample(rng);
    const auto ns = s.neighbours(a);
    ASSERT_EQ(ns.size(), 128u);  // per cell (0+6+6) + (2+12) + (5+12) + (9+12)
    std::set<std::string> ids{s.identity(a)};
    for (const auto& n : ns) ASSERT_TRUE(ids.insert(s.identity(n)).second);
  }
}

TEST(dartsNetwork, GoldenVectorsAndClosedFormConstants) {
  struct Golden {
    std::string text;
    int64_t params;
    double mflops;
  };
  const std::vector<Golden> golden{
      {kNbszIdx0, 963882, 169.28512},
      {kTable725Idx0, 917546, 160.790016},
      // Pools everywhere: only the fixed part has parameters.
      {"0 0 1 0 0 1 1 1 0 0 1 0 0 1 1 1 0 0 1 0 0 1 1 1 0 0 1 0 0 1 1 1", 392426,
       (81606144.0 + 8 * 1146880.0 + 8 * 245760.0) / 1e6},
  };
  for (const auto& g : golden) {
    auto net = space().build(space().parse(g.text), {10});
    EXPECT_EQ(count_parameters(*net), g.params) << g.text;
    EXPECT_NEAR(counted_flops(*net) / 1e6, g.mflops, 1e-9) << g.text;
  }
}

TEST(dartsNetwork, ParamsAndFlopsMatchTheTables) {
  const TableCheck t725 = check_table("nb301_naslib725_zc.csv", table_stride("NASRUN_DARTS_TABLE_STRIDE", 25));
  EXPECT_EQ(t725.rows, 725);
  EXPECT_EQ(t725.closed, 725);
  EXPECT_EQ(t725.params, t725.built);
  EXPECT_EQ(t725.flops, t725.built);
  const TableCheck t500 = check_table("nb301_naslib500_zc.csv", table_stride("NASRUN_DARTS_TABLE_STRIDE", 25));
  EXPECT_EQ(t500.rows, 500);
  EXPECT_EQ(t500.closed, 500);
  EXPECT_EQ(t500.params, t500.built);
  EXPECT_EQ(t500.flops, t500.built);
  const TableCheck final15 = check_table("nb301_nbsz_final_first15.csv", 1);
  EXPECT_EQ(final15.params, 15);
  EXPECT_EQ(final15.flops, 15);
}

TEST(dartsNetwork, ForwardShapesAndHooks) {
  auto net = space().build(space().parse(kNbszIdx0), {10});
  HookCounts seen;
  seen.attach(*net);
  const torch::Tensor logits = random_forward(*net);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 10}));
  EXPECT_EQ(seen.feature_shape, (std::vector<int64_t>{2, 512, 8, 8}));
  EXPECT_GT(seen.relus, 16);  // two preprocessing ReLUs per cell at least
  EXPECT_GT(seen.layers, 2);
  net->hooks.batchnorm = false;
  EXPECT_EQ(net->forward(torch::randn({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(dartsBenchmark, LabelledArchsAnswerQueries) {
  const nas::SearchSpace& s = space();
  EXPECT_EQ(s.metrics().front(), "val_acc");
  EXPECT_NE(s.benchmark_source().find("SURROGATE"), std::string::npos);
  const nas::Metrics m = *s.query(s.parse(kTable725Idx0));
  EXPECT_NEAR(m.at("val_acc"), 93.43141389733916, 1e-9);
  EXPECT_NEAR(m.at("naslib_nwot"), 449.6611568095307, 1e-9);
  EXPECT_FALSE(s.query(s.parse(kNbszIdx0)).has_value());  // no overlap with NBSZ-final

  auto indexed = make_space("darts", {{"enumerate_labelled", true}});
  ASSERT_EQ(indexed->size(), 725);
  for (int64_t i = 0; i < 725; ++i) ASSERT_EQ(indexed->index_of(indexed->arch_at(i)), i);
  EXPECT_EQ(make_space("darts", {{"benchmark", "naslib500"}, {"enumerate_labelled", true}})->size(), 500);
  EXPECT_TRUE(make_space("darts", {{"benchmark", "none"}})->metrics().empty());
  EXPECT_NE(error_of([] { make_space("darts", {{"benchmark", "/nonexistent.csv"}}); })
                .find("/nonexistent.csv: no such file"),
            std::string::npos);
}

}  // namespace
