// The spaces' graph view and the path encoding computed from it, BRP-NAS's
// binary relation predictor on the shipped NB201 table, and the predictor
// strategies (bananas, brp) driven by ask/tell on NB201.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <torch/optim/adam.h>

#include "brp_predictor.h"
#include "mlp_ensemble.h"
#include "nas/arch_graph.h"
#include "nas/errors.h"
#include "nas/registry.h"
#include "path_encoding.h"
#include "predictor_support.h"
#include "test_support.h"
#include "strategy_loop.h"
#include "zero_cost.h"

namespace {

using namespace nas_test;
using nas::Arch;
using nas::json;

const nas::SearchSpace& nb201() { return cached_space("nb201", json::object()); }

std::set<int64_t> ones(const std::vector<float>& encoding) {
  std::set<int64_t> out;
  for (std::size_t i = 0; i < encoding.size(); ++i)
    if (encoding[i] != 0) out.insert(static_cast<int64_t>(i));
  return out;
}

// BANANAS' hand-written ensemble against LibTorch autograd and
// torch::optim::Adam on the same network, loss and initial weights: three
// full-batch steps (so the shuffles do not matter), then the predictions.
TEST(MlpEnsemble, TrainsAsLibTorchAutogradAndAdamDo) {
  nas::strategies::MlpShape shape;
  shape.members = 2, shape.inputs = 6, shape.layers = 3, shape.width = 5;
  nas::Rng rng(7);
  nas::strategies::MlpEnsemble net(shape, rng);
  const int n = 9;
  std::vector<float> x(n * shape.inputs), y(n);
  for (auto& v : x) v = rng.uniform() < 0.5 ? 0.0f : 1.0f;  // binary, as path encodings are
  for (auto& v : y) v = static_cast<float>(2 * rng.uniform() - 1);

  // The same parameters as LibTorch leaves: member m, layer l -> W [in, out], b [out].
  const std::vector<float> start = net.parameters();
  std::vector<std::vector<at::Tensor>> params(shape.members);
  std::size_t offset = 0;
  for (int m = 0; m < shape.members; ++m)
    for (int l = 0; l <= shape.layers; ++l) {
      const int64_t in = l == 0 ? shape.inputs : shape.width, out = l == shape.layers ? 1 : shape.width;
      params[m].push_back(at::tensor(std::vector<float>(start.begin() + offset, start.begin() + offset + in * out))
                              .view({in, out})
                              .requires_grad_(true));
      offset += in * out;
      params[m].push_back(
          at::tensor(std::vector<float>(start.begin() + offset, start.begin() + offset + out)).requires_grad_(true));
      offset += out;
    }
  ASSERT_EQ(offset, start.size());
  const at::Tensor xt = at::tensor(x).view({n, shape.inputs}), yt = at::tensor(y);
  const auto forward = [&](int m, const at::Tensor& input) {
    at::Tensor h = input;
    for (int l = 0; l <= shape.layers; ++l) {
      h = at::addmm(params[m][2 * l + 1], h, params[m][2 * l]);
      if (l < shape.layers) h = at::relu(h);
    }
    return h.squeeze(-1);
  };
  std::vector<at::Tensor> all;
  for (const auto& p : params) all.insert(all.end(), p.begin(), p.end());
  torch::optim::Adam adam(all, torch::optim::AdamOptions(0.01).betas(std::make_tuple(0.9, 0.99)));
  const double l1 = 0.2;
  for (int step = 0; step < 3; ++step) {
    adam.zero_grad();
    at::Tensor loss = at::zeros({});
    for (int m = 0; m < shape.members; ++m)
      loss = loss + (forward(m, xt) - yt).abs().mean() + l1 * params[m][2 * shape.layers].abs().sum();
    loss.backward();
    adam.step();
  }

  nas::strategies::MlpTraining training;
  training.epochs = 3, training.batch_size = n, training.lr = 0.01, training.l1 = l1;
  net.train(x, y, training, rng);
  const auto predicted = net.predict(x);
  at::NoGradGuard no_grad;
  for (int m = 0; m < shape.members; ++m) {
    const at::Tensor expected = forward(m, xt);
    for (int k = 0; k < n; ++k) EXPECT_NEAR(predicted[m][k], expected[k].item<float>(), 1e-5) << "member " << m << " row " << k;
  }
  // Training moved the predictions (the comparison is not of untrained nets).
  nas::Rng fresh(7);
  const auto untrained = nas::strategies::MlpEnsemble(shape, fresh).predict(x);
  EXPECT_GT(std::abs(untrained[0][0] - predicted[0][0]), 1e-3);
}

TEST(GraphView, Nb201EdgesBecomeNodesAndPathsAreNaslibsColumns) {
  const nas::SearchSpace& s = nb201();
  const nas::GraphVocabulary v = s.graph_vocabulary();
  EXPECT_EQ(nas::path_encoding_length(v), 1 + 5 + 25 + 125);
  // Ops: none 0, skip 1, conv1x1 2, conv3x3 3, avg_pool 4. Paths 3<-0;
  // 1<-0,3<-1; 2<-0,3<-2; 1<-0,2<-1,3<-2.
  const Arch a = s.parse("|none~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|");
  const auto g = s.graph(a);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->labels.size(), 8u);
  EXPECT_EQ(g->edges.size(), 10u);  // 3 from the input, 4 between edges, 3 into the output
  EXPECT_EQ(nas::graph_invalid_reason(*g, v), "");
  EXPECT_EQ(nas::input_output_paths(*g, v).size(), 4u);
  // [conv1x1] 1+2; [none, avg] 6+0+4*5; [skip, conv3x3] 6+1+3*5; [none, none, conv3x3] 31+3*25
  // (NASLib's encode_paths: the same minus 1, it has no column for the empty path).
  EXPECT_EQ(ones(nas::path_encoding(*g, v)), (std::set<int64_t>{3, 26, 22, 106}));
  const Arch conv = s.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  EXPECT_EQ(ones(nas::path_encoding(*s.graph(conv), v)), (std::set<int64_t>{4, 24, 124}));
}

TEST(GraphView, Nb101IsThePrunedCellAndItsPathsNaslibsColumns) {
  const nas::SearchSpace& s = cached_space("nb101", {{"benchmark", "none"}});
  const nas::GraphVocabulary v = s.graph_vocabulary();
  EXPECT_EQ(nas::path_encoding_length(v), 364);  // NASLib's 3^0 + ... + 3^5
  // 0->1->3->4, 0->1->4, 0->2->4; ops conv3x3, maxpool, conv1x1.
  const Arch a = s.parse(
      "adj=0110000011000010000100000 ops=input,conv3x3-bn-relu,maxpool3x3,conv1x1-bn-relu,output "
      "hash=d3ce4b357bab991e98b34e3a8722b3bb");
  const auto g = s.graph(a);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->labels, (std::vector<std::string>{"input", "conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu", "output"}));
  EXPECT_EQ(g->edges.size(), 6u);
  // Bijective base 3 (conv3x3 0, conv1x1 1, maxpool 2): [conv3x3] 1, [maxpool] 3, [conv3x3, conv1x1] 1 + 2*3.
  EXPECT_EQ(ones(nas::path_encoding(*g, v)), (std::set<int64_t>{1, 3, 7}));
  // Sampled cells: every graph fits the vocabulary, and isomorphic cells share their paths.
  nas::Rng rng(4);
  for (int i = 0; i < 50; ++i) {
    const auto gi = s.graph(s.sample(rng));
    ASSERT_TRUE(gi);
    EXPECT_EQ(nas::graph_invalid_reason(*gi, v), "");
  }
}

TEST(GraphView, DartsCellsAreTwoComponentsWithNaslibsPathCount) {
  const nas::SearchSpace& s = cached_space("darts", {{"benchmark", "none"}});
  const nas::GraphVocabulary v = s.graph_vocabulary();
  EXPECT_EQ(nas::path_encoding_length(v), 4 * 2801);  // NASLib: 4 inputs x (7^0 + ... + 7^4)
  const Arch a = s.parse(
      "dil_conv_5x5:0 sep_conv_5x5:1 max_pool_3x3:0 dil_conv_3x3:1 sep_conv_5x5:1 skip_connect:3 dil_conv_5x5:0 "
      "skip_connect:3 avg_pool_3x3:0 sep_conv_5x5:1 avg_pool_3x3:0 sep_conv_5x5:1 dil_conv_5x5:2 sep_conv_5x5:3 "
      "dil_conv_3x3:1 avg_pool_3x3:2");
  const auto g = s.graph(a);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->labels.size(), 22u);
  EXPECT_EQ(g->edges.size(), 37u);  // normal 10 + 8 into its output, reduce 11 + 8
  EXPECT_EQ(nas::graph_invalid_reason(*g, v), "");
  // Paths ending at nodes 2..5: normal 2 + 2 + 3 + 3, reduce 2 + 2 + 4 + 3.
  EXPECT_EQ(nas::input_output_paths(*g, v).size(), 21u);
  const auto cols = ones(nas::path_encoding(*g, v));
  // normal c_{k-2} -> dil_conv_5x5 (6): 1 + 6; c_{k-1} -> sep_conv_5x5 (4): 2801 + 1 + 4;
  // c_{k-2} -> max_pool (0) -> skip (2): 8 + 0 + 2*7.
  for (int64_t c : {7, 2806, 22}) EXPECT_TRUE(cols.count(c)) << c;
}

TEST(GraphView, AGraphOutsideItsVocabularyIsNamed) {
  const nas::GraphVocabulary v = nb201().graph_vocabulary();
  nas::ArchGraph g{{"input", "conv9x9", "output"}, {{0, 1}, {1, 2}}};
  EXPECT_NE(nas::graph_invalid_reason(g, v).find("'conv9x9'"), std::string::npos);
  g.labels[1] = "none";
  g.edges.push_back({2, 1});
  EXPECT_NE(nas::graph_invalid_reason(g, v).find("edge 2->1"), std::string::npos);
  EXPECT_TRUE(cached_space("nb201", json::object()).graph_vocabulary().outputs == std::vector<std::string>{"output"});
}

// ---- The binary relation predictor ---------------------------------------

std::vector<Arch> distinct_sample(const nas::SearchSpace& s, int n, uint64_t seed) {
  nas::Rng rng(seed);
  std::vector<Arch> out;
  std::set<Arch> seen;
  while (static_cast<int>(out.size()) < n) {
    Arch a = s.sample(rng);
    if (seen.insert(a).second) out.push_back(a);
  }
  return out;
}

TEST(BrpPredictor, OrdersPairsOf500Nb201ArchsAfterTrainingOn100) {
  const nas::SearchSpace& s = nb201();
  const std::vector<Arch> archs = distinct_sample(s, 600, 1);
  std::vector<nas::ArchGraph> graphs;
  std::vector<double> acc;
  for (const Arch& a : archs) graphs.push_back(*s.graph(a)), acc.push_back(s.query(a)->at("test_acc"));
  nas::brp::Config config;  // the strategy's defaults, but one long training from scratch on all 100
  config.epochs = 300;
  nas::brp::Predictor p(s.graph_vocabulary(), config, 3);
  const nas::brp::GraphBatch all = p.batch(graphs);
  std::vector<int64_t> train_rows(100), test_rows(500), held;
  for (int i = 0; i < 100; ++i) train_rows[i] = i;
  for (int i = 0; i < 500; ++i) test_rows[i] = 100 + i;
  const std::vector<double> train_acc(acc.begin(), acc.begin() + 100), test_acc(acc.begin() + 100, acc.end());
  const nas::brp::GraphBatch test = all.select(test_rows);
  const double before = p.pairwise_accuracy(test, test_acc);
  p.train(all.select(train_rows), train_acc, held);
  const double after = p.pairwise_accuracy(test, test_acc);
  std::cout << "brp pairwise accuracy on 500 NB201 archs: " << before << " untrained, " << after
            << " after 100\n";
  EXPECT_GT(after, 0.8);
  // The ranking score orders the same pairs about as well (it is the antisymmetric part of the comparator).
  const std::vector<double> scores = p.scores(test);
  int64_t right = 0, known = 0;
  for (int i = 0; i < 500; ++i)
    for (int j = i + 1; j < 500; ++j)
      if (test_acc[i] != test_acc[j]) ++known, right += (scores[i] > scores[j]) == (test_acc[i] > test_acc[j]);
  EXPECT_GT(static_cast<double>(right) / known, 0.8);
}

TEST(PredictorSupport, FailuresBecomeWorseThanTheWorstValue) {
  const auto v = nas::strategies::failures_as_worst({3.0, NAN, 5.0, 4.0});
  EXPECT_EQ(v[0], 3.0);
  EXPECT_EQ(v[1], 1.0);  // 3 - (5 - 3)
  EXPECT_EQ(v[2], 5.0);
  EXPECT_EQ(nas::strategies::failures_as_worst({NAN, NAN}), (std::vector<double>{0.0, 0.0}));
}

// ---- The strategies on NB201 ---------------------------------------------

const nas::Registry& registry() {
  static const nas::Registry r = [] {
    nas::Registry reg;
    for (const char* name : {"bananas", "brp"}) reg.add(std::string(NASRUN_PLUGIN_DIR) + "/nas_" + name + ".so");
    return reg;
  }();
  return r;
}

// Small networks and short trainings: these tests check behaviour, not quality.
json quick(const std::string& name) {
  if (name == "bananas") return {{"epochs", 60}};
  return {{"hidden", 64}, {"epochs", 15}, {"round_size", 10}};
}

std::shared_ptr<nas::Strategy> make(const std::string& name, const nas::Mutator& mutator, uint64_t seed,
                                    json options = json()) {
  if (options.is_null()) options = quick(name);
  nas::PluginContext ctx;
  ctx.seed = seed;
  ctx.space = &nb201();
  ctx.mutator = &mutator;
  return registry().make_strategy(name, options, ctx, "/strategy");
}

double val_acc(const Arch& a) { return nb201().query(a)->at("val_acc"); }


const std::vector<std::string> kPredictors = {"bananas", "brp"};

TEST(PredictorStrategies, LoadAndTakeWarmupAndMoveProposal) {
  EXPECT_TRUE(registry().refusals().empty());
  nas::zero_cost::RandomNeighbour m(nb201());
  for (const auto& name : kPredictors) {
    auto s = make(name, m, 0);
    EXPECT_TRUE(s->uses_mutation()) << name;
    EXPECT_TRUE(s->warm_start({})) << name;
  }
}

TEST(PredictorStrategies, SameSeedSameAsksOtherSeedOthersAllValidAndNew) {
  nas::zero_cost::RandomNeighbour m(nb201());
  for (const auto& name : kPredictors) {
    const auto a = ask_and_tell(*make(name, m, 7), 40, val_acc);
    const auto b = ask_and_tell(*make(name, m, 7), 40, val_acc);
    const auto c = ask_and_tell(*make(name, m, 8), 40, val_acc);
    ASSERT_EQ(a.size(), 40u) << name;
    EXPECT_EQ(a, b) << name;
    EXPECT_NE(a, c) << name;
    for (const Arch& arch : a) EXPECT_TRUE(nb201().is_valid(arch)) << name;
    EXPECT_EQ(std::set<Arch>(a.begin(), a.end()).size(), a.size()) << name;
  }
}

TEST(PredictorStrategies, BeatRandomSearchOnNb201) {
  // Mean best validation accuracy after 60 queries over 3 seeds, against
  // random archs: both model-based searches must do better.
  nas::zero_cost::RandomNeighbour m(nb201());
  double random_best = 0;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    double best = 0;
    for (const Arch& a : distinct_sample(nb201(), 60, 100 + seed)) best = std::max(best, val_acc(a));
    random_best += best / 3;
  }
  for (const auto& name : kPredictors) {
    double mean_best = 0;
    for (uint64_t seed = 0; seed < 3; ++seed) {
      double best = 0;
      for (const Arch& a : ask_and_tell(*make(name, m, seed), 60, val_acc)) best = std::max(best, val_acc(a));
      mean_best += best / 3;
    }
    std::cout << name << ": mean best val_acc after 60 queries " << mean_best << " (random " << random_best << ")\n";
    EXPECT_GT(mean_best, random_best) << name;
  }
}

TEST(PredictorStrategies, NanToldIsWorst) {
  // Archs with a conv3x3 on 3<-0 (among NB201's best) fail. brp orders
  // a failure below everything, exactly as a very low value: the same asks.
  // bananas keeps asking valid new archs and learns to avoid the failures.
  auto fails = [](const Arch& a) { return a.choices[3] == 3; };
  auto with_nan = [&](const Arch& a) { return fails(a) ? NAN : val_acc(a); };
  auto with_low = [&](const Arch& a) { return fails(a) ? -1e9 : val_acc(a); };
  nas::zero_cost::RandomNeighbour m(nb201());
  EXPECT_EQ(ask_and_tell(*make("brp", m, 5), 40, with_nan), ask_and_tell(*make("brp", m, 5), 40, with_low));
  const auto asked = ask_and_tell(*make("bananas", m, 5), 60, with_nan);
  ASSERT_EQ(asked.size(), 60u);
  EXPECT_EQ(std::set<Arch>(asked.begin(), asked.end()).size(), asked.size());
  const auto late_failures = std::count_if(asked.begin() + 30, asked.end(), fails);
  EXPECT_LT(late_failures, 6) << "random asks fail 1 time in 5";
}

/// Proxy rank: how good an arch's validation accuracy is, as a toy proxy
/// that is not the objective (test accuracy), for warmup and move proposal.
double proxy(const Arch& a) { return nb201().query(a)->at("test_acc"); }

TEST(PredictorStrategies, WarmStartChangesTheAsks) {
  nas::Rng rng(9);
  const std::vector<Arch> ranked = nas::zero_cost::ranked_pool(nb201(), rng, 1000, proxy);
  nas::zero_cost::RandomNeighbour m(nb201());
  // bananas: the first n_init asks are the pool's best.
  auto warm = make("bananas", m, 3);
  ASSERT_TRUE(warm->warm_start(ranked));
  const auto asked = ask_and_tell(*warm, 20, val_acc);
  EXPECT_EQ(std::vector<Arch>(asked.begin(), asked.begin() + 10), std::vector<Arch>(ranked.begin(), ranked.begin() + 10));
  EXPECT_NE(asked, ask_and_tell(*make("bananas", m, 3), 20, val_acc));
  // brp: the predictor trained on the proxy's ranking picks its first round;
  // its top half is better by the proxy than a cold start's random round.
  auto brp_warm = make("brp", m, 3);
  ASSERT_TRUE(brp_warm->warm_start(ranked));
  const auto warm_round = ask_and_tell(*brp_warm, 5, val_acc), cold_round = ask_and_tell(*make("brp", m, 3), 5, val_acc);
  EXPECT_NE(warm_round, cold_round);
  double warm_mean = 0, cold_mean = 0;
  for (const Arch& a : warm_round) warm_mean += proxy(a) / 5;
  for (const Arch& a : cold_round) cold_mean += proxy(a) / 5;
  EXPECT_GT(warm_mean, cold_mean);
}

TEST(PredictorStrategies, MoveProposalChangesTheAsks) {
  nas::zero_cost::RandomNeighbour plain(nb201());
  nas::zero_cost::MoveProposal move(nb201(), proxy, 10, 0.0);
  for (const auto& name : kPredictors) {
    json options = quick(name);
    if (name == "brp") options["tie_margin"] = 0.3;  // a young predictor, many near-ties
    EXPECT_NE(ask_and_tell(*make(name, plain, 2, options), 40, val_acc), ask_and_tell(*make(name, move, 2, options), 40, val_acc))
        << name;
  }
}

}  // namespace
