// The nb201 space plugin, loaded as nasrun loads it: encoding and official
// index order, the official network (parameter names, counts and FLOPs
// against published tables), and the shipped tabular benchmark. Suite names
// start with a lower-case "nb201" so that `ctest -R nb201` selects them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "nas/csv.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace nas_test;  // kDataDir, make_space, count_parameters, error_of, ...

const std::string kBest =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
const std::string kResNetLike =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const std::string kAllNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
const std::string kAllConv3x3 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

// Spaces with the shipped benchmark, loaded once per dataset.
const nas::SearchSpace& space(const std::string& dataset = "cifar10") {
  return cached_space("nb201", {{"dataset", dataset}});
}

int count_ops(const nas::SearchSpace& s, const nas::Arch& arch, const std::string& op) {
  int n = 0;
  for (std::size_t d = 0; d < arch.choices.size(); ++d) n += s.dimensions()[d].choices[arch.choices[d]] == op;
  return n;
}

TEST(nb201Plugin, LoadsWithItsOptionsAndDimensions) {
  const nas::Registry& registry = plugin_registry("nb201");
  ASSERT_TRUE(registry.refusals().empty()) << registry.refusals().front();
  const nas::LoadedPlugin* plugin = registry.find("space", "nb201");
  ASSERT_NE(plugin, nullptr);
  ASSERT_EQ(plugin->options.size(), 2u);
  EXPECT_EQ(plugin->options[0].name, "dataset");
  EXPECT_EQ(plugin->options[0].default_value, "cifar10");
  EXPECT_EQ(plugin->options[1].name, "benchmark");
  EXPECT_EQ(plugin->options[1].default_value, "data");

  const auto& dims = space().dimensions();
  const std::vector<std::string> edges{"1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"};
  const std::vector<std::string> ops{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
  ASSERT_EQ(dims.size(), edges.size());
  for (std::size_t d = 0; d < dims.size(); ++d) {
    EXPECT_EQ(dims[d].name, edges[d]);
    EXPECT_EQ(dims[d].choices, ops);
  }
  EXPECT_EQ(space().num_classes(), 10);
  EXPECT_EQ(space("cifar100").num_classes(), 100);
  EXPECT_EQ(space("imagenet16").num_classes(), 120);
}

TEST(nb201Encoding, EveryArchRoundTripsThroughStringAndOfficialIndex) {
  const nas::SearchSpace& s = space();
  ASSERT_EQ(s.size(), 15625);
  for (int64_t i = 0; i < 15625; ++i) {
    const nas::Arch arch = s.arch_at(i);
    const std::string text = s.to_string(arch);
    ASSERT_EQ(s.parse(text), arch) << text;
    ASSERT_EQ(s.index_of(arch), i) << text;
  }
  EXPECT_EQ(s.to_string(s.arch_at(0)),
            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
  EXPECT_EQ(s.index_of(s.parse(kBest)), 6111);
  for (int64_t bad : {int64_t{-1}, int64_t{15625}})
    EXPECT_NE(error_of([&] { s.arch_at(bad); }).find("out of range [0, 15625)"), std::string::npos);
}

TEST(nb201Encoding, NaslibTuplesMatchTheirStringsOnAllRows) {
  const nas::CsvTable table = nas::read_csv(kDataDir + "/nbsz_nb201_val_acc_and_zen_all.csv");
  const std::size_t tuple = table.column("naslib_tuple"), str = table.column("arch_str");
  const std::size_t index = table.column("nb201_index");
  ASSERT_EQ(table.rows.size(), 15625u);
  for (const auto& row : table.rows) {
    const nas::Arch arch = space().parse(row[tuple]);
    ASSERT_EQ(space().to_string(arch), row[str]) << row[tuple];
    ASSERT_EQ(space().index_of(arch), std::stoll(row[index])) << row[str];
  }
}

TEST(nb201Encoding, MalformedStringsNameTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty string"},
      {"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", "expected 3 nodes separated by '+', got 2"},
      {"|none~0|+|none~0|+|none~0|none~1|none~2|", "node 2 must have 2 inputs (~0, ~1), got 1"},
      {"|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "node 1 must have 1 input (~0), got 2"},
      {"|nor_conv3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
       "unknown op 'nor_conv3x3' on edge 1<-0, did you mean 'nor_conv_3x3'?"},
      {"|none~0|+|none~1|none~0|+|none~0|none~1|none~2|", "node 2 input 1 must read ~0, got '~1'"},
      {"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|junk", "trailing text 'junk' after the last '|'"},
      {"|none|+|none~0|none~1|+|none~0|none~1|none~2|", "edge 1<-0 'none' has no input index"},
      {"none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "node 1 must start with '|'"},
      {"(1, 2, 3)", "a NASLib tuple has 6 op ids, got 3"},
      {"(1, 2, 3, 4, 5, 0)", "NASLib op id '5' is not one of 0..4"},
  };
  expect_parse_errors(space(), "NB201", cases);
}

TEST(nb201Network, PublishedParameterCounts) {
  const std::vector<std::pair<std::string, int64_t>> known{
      {kResNetLike, 1288506}, {kAllNone, 73306}, {kAllConv3x3, 1531546}};
  for (const auto& [text, params] : known) {
    auto net = space().build(space().parse(text), {10});
    EXPECT_EQ(count_parameters(*net), params) << text;
  }
}

TEST(nb201Network, AllArchsHaveTheClosedFormParameterCount) {
  torch::NoGradGuard no_grad;
  const nas::SearchSpace& s = space();
  for (int64_t i = 0; i < 15625; ++i) {
    const nas::Arch arch = s.arch_at(i);
    auto net = s.build(arch, {10});
    const int64_t expected =
        73306 + 243040 * count_ops(s, arch, "nor_conv_3x3") + 28000 * count_ops(s, arch, "nor_conv_1x1");
    ASSERT_EQ(count_parameters(*net), expected) << s.to_string(arch);
    // query() against the built network, not the formula query() itself uses.
    ASSERT_NEAR(s.query(arch)->at("params"), static_cast<double>(count_parameters(*net)) / 1e6, 1e-12);
  }
}

TEST(nb201Network, ParameterNamesAreTheOfficialStateDictKeys) {
  auto net = space().build(space().parse(kResNetLike), {10});
  std::vector<std::string> names;
  for (const auto& p : net->named_parameters()) names.push_back(p.key());
  // Conv edges: 5 per cell x 15 cells, 3 tensors each (conv, BN weight, bias);
  // stem 3, reductions 2 x 7, lastact 2, classifier 2.
  EXPECT_EQ(names.size(), 3u + 75 * 3 + 14 + 2 + 2);
  // One BN per conv edge, stem, reduction conv and lastact: 3 buffers each.
  EXPECT_EQ(net->named_buffers().size(), 3u * (1 + 75 + 4 + 1));
  EXPECT_EQ(names.front(), "stem.0.weight");
  EXPECT_EQ(names.back(), "classifier.bias");
  const std::vector<std::string> in_order{
      "stem.0.weight",
      "stem.1.weight",
      "stem.1.bias",
      "cells.0.layers.0.op.1.weight",
      "cells.0.layers.0.op.2.weight",
      "cells.0.layers.0.op.2.bias",
      "cells.0.layers.1.op.1.weight",
      "cells.4.layers.5.op.2.bias",
      "cells.5.conv_a.op.1.weight",
      "cells.5.conv_a.op.2.weight",
      "cells.5.conv_a.op.2.bias",
      "cells.5.conv_b.op.1.weight",
      "cells.5.conv_b.op.2.weight",
      "cells.5.conv_b.op.2.bias",
      "cells.5.downsample.1.weight",
      "cells.6.layers.0.op.1.weight",
      "cells.11.downsample.1.weight",
      "cells.16.layers.5.op.2.bias",
      "lastact.0.weight",
      "lastact.0.bias",
      "classifier.weight",
      "classifier.bias",
  };
  auto pos = names.begin();
  for (const auto& key : in_order) {
    pos = std::find(pos, names.end(), key);
    ASSERT_NE(pos, names.end()) << key << " missing or out of order";
  }
  // Edge 3 (3<-0) is skip_connect: no parameters under it.
  for (const auto& n : names) EXPECT_EQ(n.find("layers.3."), std::string::npos) << n;
  const auto buffers = net->named_buffers();
  EXPECT_TRUE(buffers.contains("stem.1.running_mean"));
  EXPECT_TRUE(buffers.contains("cells.5.conv_a.op.2.num_batches_tracked"));
  EXPECT_TRUE(buffers.contains("lastact.0.running_var"));
  const auto params = net->named_parameters();
  EXPECT_EQ(params["cells.5.downsample.1.weight"].sizes(), (std::vector<int64_t>{32, 16, 1, 1}));
  EXPECT_EQ(params["cells.12.layers.0.op.1.weight"].sizes(), (std::vector<int64_t>{64, 64, 3, 3}));
  EXPECT_EQ(params["classifier.weight"].sizes(), (std::vector<int64_t>{10, 64}));

  // Conv/Linear layers in PyTorch's named_modules() order (proxies rely on it).
  std::vector<std::string> layers;
  for (const auto& m : net->named_modules())
    if (m.value()->as<torch::nn::Conv2d>() || m.value()->as<torch::nn::Linear>()) layers.push_back(m.key());
  ASSERT_EQ(layers.size(), 1u + 75 + 6 + 1);
  EXPECT_EQ(layers[0], "stem.0");
  EXPECT_EQ(layers[1], "cells.0.layers.0.op.1");
  EXPECT_EQ(layers[1 + 25], "cells.5.conv_a.op.1");
  EXPECT_EQ(layers[1 + 25 + 1], "cells.5.conv_b.op.1");
  EXPECT_EQ(layers[1 + 25 + 2], "cells.5.downsample.1");
  EXPECT_EQ(layers.back(), "classifier");
}

TEST(nb201Network, ForwardShapesAndHooks) {
  auto net = space().build(space().parse(kResNetLike), {10});
  HookCounts seen;
  seen.attach(*net);
  const torch::Tensor logits = net->forward(torch::randn({2, 3, 32, 32}));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 10}));
  // A ReLU leads every conv edge (75) and both convs of each reduction (4); lastact has one.
  EXPECT_EQ(seen.relus, 75 + 4 + 1);
  EXPECT_EQ(seen.layers, 1 + 75 + 6 + 1);
  EXPECT_EQ(seen.feature_shape, (std::vector<int64_t>{2, 64, 8, 8}));

  auto net100 = space("cifar100").build(space().parse(kBest), {space("cifar100").num_classes()});
  EXPECT_EQ(net100->forward(torch::randn({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 100}));
}

TEST(nb201Network, NoneEdgesMultiplyByZeroSoNanPropagates) {
  auto net = space().build(space().parse(kAllNone), {10});
  const torch::Tensor x = torch::full({1, 3, 32, 32}, std::nan(""));
  EXPECT_TRUE(net->forward(x).isnan().all().item<bool>());
}

// Params and FLOPs of the built network against NAS-Bench-Suite-Zero's
// tensorwatch figures. Every 40th row by default (237 rows);
// NASRUN_NB201_TABLE_STRIDE=1 checks all 9,445.
TEST(nb201Network, ParamsAndFlopsMatchTheNbszTable) {
  const std::size_t stride = table_stride("NASRUN_NB201_TABLE_STRIDE", 40);
  const nas::CsvTable table = nas::read_csv(kDataDir + "/nbsz_nb201_cifar10_zc_proxies.csv");
  const std::size_t net_col = table.column("net"), str_col = table.column("net_str");
  const std::size_t params_col = table.column("params"), flops_col = table.column("flops");
  ASSERT_EQ(table.rows.size(), 9445u);
  int checked = 0, params_match = 0, flops_match = 0;
  for (std::size_t r = 0; r < table.rows.size(); r += stride) {
    const auto& row = table.rows[r];
    const nas::Arch arch = space().parse(row[str_col]);
    ASSERT_EQ(space().parse(row[net_col]), arch) << row[net_col];
    auto net = space().build(arch, {10});
    const double params = std::stod(row[params_col]), flops = std::stod(row[flops_col]);
    const double ours = counted_flops(*net, 32) / 1e6;
    ++checked;
    params_match += std::llround(params * 1e6) == count_parameters(*net);
    flops_match += std::abs(ours - flops) <= 1e-6 * flops;
    EXPECT_NEAR(ours, flops, 1e-6 * flops) << row[str_col];
    EXPECT_NEAR(space().query(arch)->at("flops"), ours, 1e-9 * ours) << row[str_col];
  }
  std::cout << "[ nb201    ] NBSZ table: params match " << params_match << "/" << checked << ", flops match "
            << flops_match << "/" << checked << "\n";
  EXPECT_EQ(params_match, checked);
  EXPECT_GE(checked, 200);
}

TEST(nb201Network, ClosedFormsHoldForCifar100AndImageNet16) {
  for (const auto& [dataset, resolution] : {std::pair<std::string, int>{"cifar100", 32}, {"imagenet16", 16}}) {
    const nas::SearchSpace& s = space(dataset);
    for (const std::string& text : {kBest, kAllNone, kAllConv3x3, s.to_string(s.arch_at(0))}) {
      const nas::Arch arch = s.parse(text);
      auto net = s.build(arch, {s.num_classes()});
      const nas::Metrics m = *s.query(arch);
      EXPECT_NEAR(m.at("params") * 1e6, count_parameters(*net), 1e-6) << dataset << " " << text;
      EXPECT_NEAR(m.at("flops") * 1e6, counted_flops(*net, resolution), 1e-3) << dataset << " " << text;
    }
  }
}

TEST(nb201Benchmark, LoadsAndAnswersQueries) {
  for (const std::string dataset : {"cifar10", "cifar100", "imagenet16"}) {
    auto s = make_space("nb201", {{"dataset", dataset}});
    EXPECT_EQ(s->size(), 15625) << dataset;
  }
  EXPECT_EQ(space().metrics(), (std::vector<std::string>{"test_acc", "val_acc", "train_time", "params", "flops"}));
  for (const char* file : {"nb201_tss_test_acc_200ep.csv", "nbsz_nb201_val_acc_and_zen_all.csv",
                           "freerea_nb201_cifar10_test_acc_traintime.txt"})
    EXPECT_NE(space().benchmark_source().find(file), std::string::npos) << space().benchmark_source();

  const nas::Metrics best = *space().query(space().parse(kBest));
  EXPECT_NEAR(best.at("test_acc"), 94.3733, 1e-4);
  EXPECT_NEAR(best.at("params"), 1.073466, 1e-9);  // 73,306 + 4 * 243,040 + 28,000

  const std::map<std::string, double> published_max{{"cifar10", 94.37}, {"cifar100", 73.51}, {"imagenet16", 47.31}};
  for (const auto& [dataset, max_test] : published_max) {
    const nas::SearchSpace& s = space(dataset);
    double best_test = 0;
    for (int64_t i = 0; i < 15625; ++i) {
      const nas::Metrics m = *s.query(s.arch_at(i));
      best_test = std::max(best_test, m.at("test_acc"));
      ASSERT_TRUE(m.at("val_acc") > 0 && m.at("val_acc") <= 100) << dataset << " " << i;
      ASSERT_GT(m.at("train_time"), 0) << dataset << " " << i;
    }
    EXPECT_NEAR(best_test, max_test, 0.005) << dataset;
  }
  // Row 0 of FreeREA's CIFAR-10 perf file: TrainingTime(total) 2888.437... s.
  EXPECT_NEAR(space().query(space().arch_at(0))->at("train_time"), 2888.4371995925903, 1e-9);
  EXPECT_NEAR(space().query(space().arch_at(0))->at("val_acc"), 81.9, 1e-9);
}

TEST(nb201Benchmark, NoneLoadsNoMetricsButKeepsTheOfficialIndex) {
  auto s = make_space("nb201", {{"benchmark", "none"}});
  EXPECT_TRUE(s->metrics().empty());
  EXPECT_FALSE(s->query(s->parse(kBest)).has_value());
  EXPECT_EQ(s->benchmark_source(), "");
  EXPECT_EQ(s->to_string(s->arch_at(6111)), kBest);
}

class nb201BenchmarkErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nb201_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void copy(const std::string& file) { fs::copy_file(kDataDir + "/" + file, dir_ / file); }
  std::string load_error() {
    return error_of([&] { make_space("nb201", {{"benchmark", dir_.string()}}); });
  }
  fs::path dir_;
};

TEST_F(nb201BenchmarkErrors, MissingDirectoryIsNamed) {
  const std::string msg = error_of([] { make_space("nb201", {{"benchmark", "/nonexistent"}}); });
  EXPECT_NE(msg.find("/nonexistent: no such directory"), std::string::npos) << msg;
}

TEST_F(nb201BenchmarkErrors, MissingFileIsNamed) {
  copy("nb201_tss_test_acc_200ep.csv");
  const std::string msg = load_error();
  EXPECT_NE(msg.find((dir_ / "nbsz_nb201_val_acc_and_zen_all.csv").string() + ": cannot open"), std::string::npos)
      << msg;
}

TEST_F(nb201BenchmarkErrors, MissingColumnIsNamed) {
  copy("nb201_tss_test_acc_200ep.csv");
  copy("freerea_nb201_cifar10_test_acc_traintime.txt");
  std::ifstream in(kDataDir + "/nbsz_nb201_val_acc_and_zen_all.csv");
  std::ofstream out(dir_ / "nbsz_nb201_val_acc_and_zen_all.csv");
  std::string line;
  std::getline(in, line);
  out << "nb201_index,arch_str,naslib_tuple,nbsz_idx,val_cifar10,val_acc_cifar100,val_acc_imagenet16,"
         "zen_cifar10,zen_cifar100,zen_imagenet16\n"
      << in.rdbuf();
  out.close();
  const std::string msg = load_error();
  EXPECT_NE(msg.find((dir_ / "nbsz_nb201_val_acc_and_zen_all.csv").string() + ": no column 'val_acc_cifar10'"),
            std::string::npos)
      << msg;
}

TEST(nb201Options, UnknownDatasetIsRefusedByTheSchema) {
  try {
    make_space("nb201", {{"dataset", "cifar1000"}});
    FAIL() << "accepted dataset cifar1000";
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(e.path(), "/space/options/dataset") << e.what();
  }
}

}  // namespace
