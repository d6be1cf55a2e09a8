// The nb101 space plugin, loaded as nasrun loads it: the encoding (hash,
// pruning, validity, text forms), the official network (params and FLOPs
// against the official records and NASLib's table, SPACES.md golden
// vectors), moves that keep validity, and the labelled cells. Suite names
// start with "nb101" so that `ctest -R nb101` selects them.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "nas/csv.h"
#include "nas/pipeline.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "test_support.h"

namespace {

using namespace nas_test;  // kDataDir, make_space, count_parameters, error_of, ...

// SPACES.md 1.3 golden vectors.
const std::string kGolden1 =
    "011111000001000001000010000001000000 input maxpool3x3 maxpool3x3 conv3x3-bn-relu conv3x3-bn-relu output";
const std::string kGolden2 = "0110000011000010000100000 input conv3x3-bn-relu maxpool3x3 conv1x1-bn-relu output";
const std::string kTruncation =
    "0110000000010100010000000110000000100000010000000 input conv3x3-bn-relu conv3x3-bn-relu conv1x1-bn-relu "
    "maxpool3x3 maxpool3x3 output";
const std::string kInputOutput = "0100 input output";

const nas::SearchSpace& space() { return cached_space("nb101", nas::json::object()); }

TEST(nb101Plugin, LoadsWithItsOptionsAndDimensions) {
  const nas::Registry& registry = plugin_registry("nb101");
  ASSERT_TRUE(registry.refusals().empty()) << registry.refusals().front();
  const nas::LoadedPlugin* plugin = registry.find("space", "nb101");
  ASSERT_NE(plugin, nullptr);
  ASSERT_EQ(plugin->options.size(), 5u);
  EXPECT_EQ(plugin->options[0].name, "benchmark");
  EXPECT_EQ(plugin->options[1].name, "all_cells");
  EXPECT_EQ(plugin->options[2].name, "all_test_acc");
  EXPECT_EQ(plugin->options[3].name, "enumerate_labelled");
  EXPECT_EQ(plugin->options[4].name, "bn_momentum");
  EXPECT_EQ(plugin->options[4].default_value, 0.1);
  const auto& dims = space().dimensions();
  ASSERT_EQ(dims.size(), 26u);
  EXPECT_EQ(dims[0].name, "0->1");
  EXPECT_EQ(dims[5].name, "0->6");
  EXPECT_EQ(dims[6].name, "1->2");
  EXPECT_EQ(dims[20].name, "5->6");
  EXPECT_EQ(dims[21].name, "op1");
  EXPECT_EQ(dims[21].choices, (std::vector<std::string>{"conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"}));
  EXPECT_EQ(space().size(), 423624);
}

TEST(nb101Encoding, GoldenHashesChannelsParamsAndFlops) {
  struct Golden {
    std::string text, hash;
    int64_t params;
    double mflops;  // 0: not given in SPACES.md
  };
  const std::vector<Golden> golden{
      {kGolden1, "4a0ab8bbe2441a002e07b0f445ec2d63", 4095778, 624.55808},
      {kGolden2, "d3ce4b357bab991e98b34e3a8722b3bb", 1749031, 268.100288},
      {kTruncation, "ff938ae1151b26752929df2e4d7ebed2", 2786620, 0},
      {kInputOutput, "043721b9c7fe8c5fad811d47d83132ec", 882570, 0},
  };
  for (const auto& g : golden) {
    const nas::Arch arch = space().parse(g.text);
    EXPECT_EQ(space().identity(arch), g.hash) << g.text;
    auto net = space().build(arch, {10});
    EXPECT_EQ(count_parameters(*net), g.params) << g.text;
    if (g.mflops > 0) EXPECT_NEAR(counted_flops(*net) / 1e6, g.mflops, 1e-9) << g.text;
  }
  // Vertex channels, read off the projection and vertex op shapes.
  auto net = space().build(space().parse(kGolden1), {10});
  const auto params = net->named_parameters();
  EXPECT_EQ(params["layers.0.input_op.1.conv_bn_relu.0.weight"].size(0), 43);
  EXPECT_EQ(params["layers.0.vertex_op.3.conv_bn_relu.0.weight"].size(0), 42);
  EXPECT_EQ(params["layers.4.input_op.2.conv_bn_relu.0.weight"].size(0), 85);
  EXPECT_EQ(params["layers.4.input_op.1.conv_bn_relu.0.weight"].size(0), 86);
  EXPECT_EQ(params["layers.10.input_op.1.conv_bn_relu.0.weight"].size(0), 171);
  EXPECT_EQ(params["layers.10.vertex_op.4.conv_bn_relu.0.weight"].size(0), 170);
  auto trunc = space().build(space().parse(kTruncation), {10});
  EXPECT_EQ(trunc->named_parameters()["layers.0.vertex_op.1.conv_bn_relu.0.weight"].size(0), 43);
  EXPECT_EQ(trunc->named_parameters()["layers.0.vertex_op.3.conv_bn_relu.0.weight"].size(0), 43);
}

TEST(nb101Encoding, OfficialRecordsHashAndParameters) {
  std::ifstream in(kDataDir + "/nb101/nb101_naslib_dummy30.decoded.json");
  ASSERT_TRUE(in) << "missing nb101_naslib_dummy30.decoded.json";
  const nas::json records = nas::json::parse(in);
  int hashes = 0, params = 0;
  for (const auto& r : records) {
    const nas::json spec{{"module_adjacency", r.at("module_adjacency")},
                         {"module_operations", r.at("module_operations")}};
    const nas::Arch arch = space().parse(spec.dump());
    hashes += space().identity(arch) == r.at("hash").get<std::string>();
    auto net = space().build(arch, {10});
    params += count_parameters(*net) == r.at("trainable_parameters").get<int64_t>();
  }
  std::cout << "[ nb101    ] official records: hash " << hashes << "/" << records.size() << ", params " << params
            << "/" << records.size() << "\n";
  EXPECT_EQ(records.size(), 30u);
  EXPECT_EQ(hashes, 30);
  EXPECT_EQ(params, 30);
}

// Built networks against NASLib's early table (raw 7x7 keys: the space must
// prune). Every 10th row by default; NASRUN_NB101_TABLE_STRIDE=1 builds all 500.
TEST(nb101Network, ParamsAndFlopsMatchTheNaslibTable) {
  const std::size_t stride = table_stride("NASRUN_NB101_TABLE_STRIDE", 10);
  const nas::CsvTable t = nas::read_csv(kDataDir + "/nb101/nb101_naslib500_zc.csv");
  const std::size_t adj = t.column("raw_adj49"), ops = t.column("raw_ops7"), hash = t.column("nb101_hash");
  const std::size_t params_col = t.column("params"), flops_col = t.column("flops");
  ASSERT_EQ(t.rows.size(), 500u);
  int hashes = 0, built = 0, params = 0, flops = 0, closed = 0;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const nas::Arch arch = space().parse(row[adj] + " " + row[ops]);
    hashes += space().identity(arch) == row[hash];
    const double p = std::stod(row[params_col]), f = std::stod(row[flops_col]);
    const nas::Metrics m = *space().query(arch);
    closed += std::llround(m.at("params") * 1e6) == std::llround(p * 1e6) && std::abs(m.at("flops") - f) <= 1e-9 * f;
    if (r % stride != 0) continue;
    auto net = space().build(arch, {10});
    const double ours = counted_flops(*net) / 1e6;
    ++built;
    params += count_parameters(*net) == std::llround(p * 1e6);
    flops += std::abs(ours - f) <= 1e-9 * f;
    EXPECT_NEAR(ours, f, 1e-9 * f) << row[adj] << " " << row[ops];
  }
  std::cout << "[ nb101    ] NASLib table: hash " << hashes << "/500, closed-form params+flops " << closed
            << "/500, built params " << params << "/" << built << ", flops " << flops << "/" << built
            << " (build and forward times: bench_spaces)\n";
  EXPECT_EQ(hashes, 500);
  EXPECT_EQ(closed, 500);
  EXPECT_EQ(params, built);
  EXPECT_EQ(flops, built);
}

TEST(nb101Encoding, NbszCellsHashAndCountLikeTheirFile) {
  const nas::CsvTable t = nas::read_csv(kDataDir + "/nb101/nb101_nbsz_zen.csv");
  const std::size_t adj = t.column("adj"), ops = t.column("ops"), hash = t.column("nb101_hash");
  ASSERT_EQ(t.rows.size(), 10250u);
  int ok = 0;
  for (const auto& row : t.rows) {
    const nas::Arch arch = space().parse(row[adj] + " " + row[ops]);
    ok += space().identity(arch) == row[hash] && space().to_string(arch).find("adj=" + row[adj] + " ") == 0;
  }
  EXPECT_EQ(ok, 10250);
}

TEST(nb101Encoding, TextFormsRoundTrip) {
  const nas::SearchSpace& s = space();
  const nas::Arch golden = s.parse(kGolden2);
  const std::string text = s.to_string(golden);
  EXPECT_EQ(text,
            "adj=0110000011000010000100000 ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output "
            "hash=d3ce4b357bab991e98b34e3a8722b3bb");
  EXPECT_EQ(s.parse(text), golden);
  // NASLib tuple (op codes 0 in, 1 out, 2 maxpool, 3 conv1x1, 4 conv3x3),
  // nasbench JSON, and a bare hash of a labelled cell.
  EXPECT_EQ(s.parse("(0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 2, 3, 1)"),
            golden);
  EXPECT_EQ(s.parse(R"({"module_adjacency": [[0,1,1,0,0],[0,0,0,1,1],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]],
                        "module_operations": ["input","conv3x3-bn-relu","maxpool3x3","conv1x1-bn-relu","output"]})"),
            golden);
  EXPECT_EQ(s.identity(s.parse("d3ce4b357bab991e98b34e3a8722b3bb")), s.identity(golden));
  // Raw genomes keep their dangling vertices; the text shows the pruned cell.
  nas::Rng rng(7);
  for (int i = 0; i < 300; ++i) {
    const nas::Arch a = s.sample(rng);
    const nas::Arch b = s.parse(s.to_string(a));
    ASSERT_EQ(s.identity(b), s.identity(a));
    ASSERT_EQ(s.to_string(b), s.to_string(a));
    ASSERT_EQ(s.parse(s.to_string(b)), b);
  }
}

TEST(nb101Encoding, MalformedAndInvalidCellsSayWhy) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty string"},
      {"0110 input conv3x3-bn-relu output", "3 ops need 9 adjacency digits, got 4"},
      {"010001000 input conv3x3-bn-rel output", "unknown op 'conv3x3-bn-rel' at vertex 1, did you mean 'conv3x3-bn-relu'?"},
      {"010100000 input conv3x3-bn-relu output", "edge 1->0 does not go forward"},
      {"010002000 input conv3x3-bn-relu output", "adjacency digit '2' is not 0 or 1"},
      {"011001000 conv3x3-bn-relu conv3x3-bn-relu output", "vertex 0 must be the input"},
      {"010000000 input conv3x3-bn-relu output", "invalid cell: no path from the input to the output"},
      {"0111111001111100011110000111000001100000010000000 input conv3x3-bn-relu conv3x3-bn-relu "
       "conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu output",
       "invalid cell: the pruned cell has 21 edges; NAS-Bench-101 allows at most 9"},
      {"(0, 1, 0, 0, 5, 1)", "NASLib op code 5 at vertex 0 is not one of 0..4"},
      {"(0, 1, 0, 0, 0)", "a NASLib tuple has n*n + n items"},
      {"(0, 1, 0, 99999999999, 0, 1)", "number: not an integer from -2147483648 to 2147483647: '99999999999'"},
      {"adj=0110000011000010000100000 ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output "
       "hash=00000000000000000000000000000000",
       "does not match the cell, whose hash is d3ce4b357bab991e98b34e3a8722b3bb"},
      {"ffffffffffffffffffffffffffffffff", "no NAS-Bench-101 cell has this hash"},
  };
  expect_parse_errors(space(), "NB101", cases);
}

TEST(nb101Moves, SampleNeighboursAndMutateStayValid) {
  const nas::SearchSpace& s = space();
  nas::Rng rng(1);
  std::set<std::string> hashes;
  for (int i = 0; i < 200; ++i) {
    const nas::Arch a = s.sample(rng);
    ASSERT_TRUE(s.is_valid(a));
    hashes.insert(s.identity(a));
    const auto ns = s.neighbours(a);
    std::set<std::string> seen{s.identity(a)};
    for (const auto& n : ns) {
      ASSERT_TRUE(s.is_valid(n));
      ASSERT_TRUE(seen.insert(s.identity(n)).second) << "neighbours repeat a hash or keep the arch's own";
    }
    const nas::Arch m = s.mutate(a, rng);
    ASSERT_TRUE(s.is_valid(m));
    ASSERT_NE(s.identity(m), s.identity(a));
  }
  // Uniform genomes (NASLib's sampler) often prune to the same small cell.
  EXPECT_GT(hashes.size(), 100u);
  // The input->output cell has no one-edit neighbour of another hash: it
  // mutates NASLib's way instead.
  const nas::Arch io = s.parse(kInputOutput);
  EXPECT_TRUE(s.neighbours(io).empty());
  const nas::Arch m = s.mutate(io, rng);
  EXPECT_TRUE(s.is_valid(m));
  EXPECT_NE(s.identity(m), s.identity(io));
}

TEST(nb101Network, ForwardShapesAndHooks) {
  auto net = space().build(space().parse(kGolden1), {10});
  HookCounts seen;
  seen.attach(*net);
  const torch::Tensor logits = random_forward(*net);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 10}));
  // Golden 1: per cell 5 projections (input -> 1..4 and -> output) and 2
  // conv3x3 vertices, plus the stem. Every conv is followed by a ReLU; the
  // classifier adds a layer.
  EXPECT_EQ(seen.relus, 1 + 9 * 7);
  EXPECT_EQ(seen.layers, 1 + 9 * 7 + 1);
  EXPECT_EQ(seen.feature_shape, (std::vector<int64_t>{2, 512, 8, 8}));
  net->hooks.batchnorm = false;
  EXPECT_EQ(net->forward(torch::randn({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 10}));

  // BN momentum: NBSZ's 0.1 by default, the official TF 0.003 on request.
  auto tf = make_space("nb101", {{"benchmark", "none"}, {"bn_momentum", 0.003}})->build(space().parse(kGolden1), {10});
  for (auto* n : {net.get(), tf.get()}) {
    int bns = 0;
    for (const auto& m : n->modules())
      if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
        ++bns;
        EXPECT_EQ(bn->options.momentum(), n == net.get() ? 0.1 : 0.003);
        EXPECT_EQ(bn->options.eps(), 1e-5);
      }
    EXPECT_EQ(bns, 1 + 9 * 7);
  }
}

TEST(nb101Benchmark, LabelledCellsAnswerQueries) {
  const nas::SearchSpace& s = space();
  EXPECT_EQ(s.metrics().front(), "test_acc");
  EXPECT_EQ(s.metrics()[1], "val_acc");
  EXPECT_NE(s.benchmark_source().find("ONE random training seed"), std::string::npos);
  const nas::Metrics m = *s.query(s.parse(kGolden1));  // row 0 of the table
  EXPECT_NEAR(m.at("val_acc"), 92.578125, 1e-9);
  EXPECT_NEAR(m.at("params"), 4.095778, 1e-12);
  EXPECT_NEAR(m.at("naslib_synflow"), 88.08498394991342, 1e-9);
  // The table's raw keys were drawn by NASLib's sampler, which favours small
  // cells, so samples hit it often; other cells have test_acc only.
  nas::Rng rng(3);
  int labelled = 0;
  for (int i = 0; i < 100; ++i) labelled += s.query(s.sample(rng))->count("val_acc");
  EXPECT_GT(labelled, 0);
  EXPECT_LT(labelled, 100);

  auto indexed = make_space("nb101", {{"enumerate_labelled", true}});
  ASSERT_EQ(indexed->size(), 292);
  std::set<std::string> ids;
  for (int64_t i = 0; i < 292; ++i) {
    const nas::Arch a = indexed->arch_at(i);
    ASSERT_EQ(indexed->index_of(a), i);
    ASSERT_TRUE(indexed->query(a).has_value());
    ids.insert(indexed->identity(a));
  }
  EXPECT_EQ(ids.size(), 292u);
  EXPECT_NE(error_of([&] { indexed->arch_at(292); }).find("out of range [0, 292)"), std::string::npos);

  auto none = make_space("nb101", {{"benchmark", "none"}, {"all_cells", "none"}});
  EXPECT_TRUE(none->metrics().empty());
  EXPECT_FALSE(none->query(none->parse(kGolden1)).has_value());
  EXPECT_NE(error_of([] { make_space("nb101", {{"benchmark", "/nonexistent.csv"}}); })
                .find("/nonexistent.csv: no such file"),
            std::string::npos);
}

// The shipped enumeration (data/nb101/nb101_all_cells.bin, written by
// nb101_enumerate): 423,624 cells whose hashes, recomputed here, strictly
// ascend (so all distinct); its first 10,250 are NBSZ's in their order, and
// the 30 official records sit at 422,933.. with their run-0 test accuracy,
// the two checks that pin the test_acc file's order to it.
TEST(nb101AllCells, EveryCellOnceInHashOrderMatchingNbszAndTheOfficialRecords) {
  const nas::SearchSpace& s = space();
  ASSERT_EQ(s.size(), 423624);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> hashes(423624);
  for (int64_t i = 0; i < 423624; ++i) hashes[i] = s.identity(s.arch_at(i));
  std::cout << "[ nb101    ] 423,624 hashes recomputed in " << seconds_since(t0) << " s\n";
  int64_t unordered = 0;
  for (std::size_t i = 1; i < hashes.size(); ++i) unordered += !(hashes[i - 1] < hashes[i]);
  EXPECT_EQ(unordered, 0) << "hashes must strictly ascend";

  const nas::CsvTable t = nas::read_csv(kDataDir + "/nb101/nb101_nbsz_zen.csv");
  ASSERT_EQ(t.rows.size(), 10250u);
  int prefix = 0;
  for (std::size_t i = 0; i < t.rows.size(); ++i) prefix += hashes[i] == t.rows[i][t.column("nb101_hash")];
  EXPECT_EQ(prefix, 10250);

  std::ifstream in(kDataDir + "/nb101/nb101_naslib_dummy30.decoded.json");
  const nas::json records = nas::json::parse(in);
  ASSERT_EQ(records.size(), 30u);
  for (std::size_t k = 0; k < records.size(); ++k) {
    const auto& r = records[k];
    const int64_t at = 422933 + static_cast<int64_t>(k);
    EXPECT_EQ(hashes[at], r.at("hash").get<std::string>()) << at;
    const nas::Arch a = s.parse(nas::json{{"module_adjacency", r.at("module_adjacency")},
                                          {"module_operations", r.at("module_operations")}}
                                    .dump());
    EXPECT_EQ(s.index_of(a), at);
    EXPECT_NEAR(s.query(a)->at("test_acc"), r.at("epochs").at("108")[0].at("final_test_accuracy").get<double>(), 1e-7);
    EXPECT_EQ(s.identity(s.parse(r.at("hash").get<std::string>())), r.at("hash").get<std::string>());
  }
  // Index 0 (SOURCES_nb101_nb301.md) and the NB101 value range.
  EXPECT_NEAR(s.query(s.arch_at(0))->at("test_acc"), 0.92117387, 1e-8);
  EXPECT_NE(s.benchmark_source().find("the only label every cell has"), std::string::npos);
}

TEST(nb101AllCells, IndexRoundTripsAndEverySampledOrMutatedCellHasTestAcc) {
  const nas::SearchSpace& s = space();
  nas::Rng rng(19);
  for (int k = 0; k < 10000; ++k) {
    const auto i = static_cast<int64_t>(rng.below(423624));
    const nas::Arch a = s.arch_at(i);
    ASSERT_TRUE(s.is_valid(a)) << i;
    ASSERT_EQ(s.index_of(a), i);
  }
  int labelled = 0, asked = 0;
  for (int k = 0; k < 2000; ++k) {
    const nas::Arch a = s.sample(rng);
    const nas::Arch m = s.mutate(a, rng);
    for (const nas::Arch& x : {a, m}) {
      ++asked;
      const auto idx = s.index_of(x);
      ASSERT_TRUE(idx.has_value()) << s.to_string(x);
      ASSERT_EQ(s.identity(s.arch_at(*idx)), s.identity(x));
      const double acc = s.query(x)->at("test_acc");
      labelled += acc > 0.09 && acc < 0.95;
    }
  }
  EXPECT_EQ(labelled, asked);
  for (const nas::Arch& n : s.neighbours(s.parse(kGolden1))) EXPECT_TRUE(s.query(n)->count("test_acc"));
  EXPECT_NE(error_of([&] { s.arch_at(423624); }).find("out of range [0, 423624)"), std::string::npos);
  EXPECT_NE(error_of([&] { s.parse("0123456789abcdef0123456789abcdef"); }).find("no NAS-Bench-101 cell has this hash"),
            std::string::npos);
}

TEST(nb101AllCells, AWrongOrTruncatedDataFileIsOneLineNamingIt) {
  const auto dir = temp_root("nb101") / "bad_data";
  std::filesystem::create_directories(dir);
  const std::string cells = kDataDir + "/nb101/nb101_all_cells.bin";
  const std::string acc = kDataDir + "/nb101/nb101_all_test_acc_run0_obfunas.npy";
  auto truncated = [&](const std::string& from, const std::string& name, std::size_t drop) {
    std::ifstream in(from, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() - drop);
    return path;
  };
  const std::string short_cells = truncated(cells, "cells.bin", 4);
  const std::string short_acc = truncated(acc, "acc.npy", 8);
  const std::string e1 = error_of([&] { make_space("nb101", {{"all_cells", short_cells}}); });
  EXPECT_NE(e1.find(short_cells + ": 1694508 bytes, expected 1694512 (truncated or padded)"), std::string::npos) << e1;
  const std::string e2 = error_of([&] { make_space("nb101", {{"all_test_acc", short_acc}}); });
  EXPECT_NE(e2.find(short_acc + ": 3389112 bytes, expected 3389120"), std::string::npos) << e2;
  const std::string e3 = error_of([&] { make_space("nb101", {{"all_cells", acc}}); });
  EXPECT_NE(e3.find(acc + ": not an NB101 cells file"), std::string::npos) << e3;
  const std::string e4 = error_of([&] { make_space("nb101", {{"all_test_acc", cells}}); });
  EXPECT_NE(e4.find(cells + ": not a NumPy .npy file"), std::string::npos) << e4;
  const std::string e5 = error_of([&] { make_space("nb101", {{"all_cells", "/nonexistent.bin"}}); });
  EXPECT_NE(e5.find("/nonexistent.bin: cannot open"), std::string::npos) << e5;
  for (const std::string& e : {e1, e2, e3, e4, e5}) EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  auto none = make_space("nb101", {{"all_cells", "none"}});
  EXPECT_FALSE(none->size().has_value());
  EXPECT_EQ(none->metrics().front(), "val_acc");
  EXPECT_NE(error_of([&] { none->parse("ffffffffffffffffffffffffffffffff"); })
                .find("a bare hash names a cell only through the loaded benchmark"),
            std::string::npos);
}

}  // namespace

// NB101's readable form has commas ("ops=input,conv3x3-bn-relu,..."): the
// score tables must quote it, or every column after it shifts.
TEST(nb101Runs, ScoresCsvKeepsTheArchOneField) {
  const std::string out = (temp_root("nb101") / "score").string();
  const nas::json raw = {{"run", "score"},
                         {"space", {{"name", "nb101"}}},
                         {"data", {{"name", "hash"}, {"batch_size", 4}}},
                         {"init", {{"kind", "hash"}}},
                         {"archs", {kGolden1, kGolden2}},
                         {"proxies", {"params"}},
                         {"cache", false},
                         {"output", out}};
  run_on_cpu(raw);
  const nas::CsvTable t = nas::read_csv(out + "/scores.csv");
  ASSERT_EQ(t.rows.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string& arch = t.rows[k][t.column("arch")];
    EXPECT_NE(arch.find("ops=input,"), std::string::npos) << arch;
    EXPECT_EQ(space().to_string(space().parse(arch)), arch);
    EXPECT_GT(nas::parse_double(t.rows[k][t.column("params")], "params"), 0.0);
  }
}

// A seeded sample of an enumerate_labelled space is drawn from its labelled
// cells; drawn by sample() it covered the whole space, and most cells of a
// correlate run had no label to correlate against.
TEST(nb101Runs, ACorrelateSampleOfTheLabelledSpaceIsAllLabelled) {
  const std::string out = (temp_root("nb101") / "correlate").string();
  const nas::json raw = {{"run", "correlate"},
                         {"space", {{"name", "nb101"}, {"enumerate_labelled", true}}},
                         {"data", {{"name", "hash"}, {"batch_size", 4}}},
                         {"init", {{"kind", "hash"}}},
                         {"sample", 40},
                         {"proxies", {"params"}},
                         {"cache", false},
                         {"output", out}};
  const nas::json summary = run_on_cpu(raw);
  EXPECT_EQ(summary.at("labelled_archs").get<int>(), 40);
  const nas::CsvTable t = nas::read_csv(out + "/scores.csv");
  ASSERT_EQ(t.rows.size(), 40u);
  std::set<std::string> archs;
  for (const auto& row : t.rows) {
    EXPECT_TRUE(std::isfinite(nas::parse_double(row[t.column("val_acc")], "val_acc"))) << row[t.column("arch")];
    archs.insert(row[t.column("arch")]);
  }
  EXPECT_EQ(archs.size(), 40u);
}
