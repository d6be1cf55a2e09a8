// Proxy expressions and evolve_proxy: the grammar parses, prints and
// type-checks with one-line errors; the GP operators only make well-typed
// scalar expressions; values on a real network are what the formulas say;
// an evolve_proxy run is complete, keeps the best of its seeds, and a
// resumed run ends with the summary of an unbroken one. (That the seed
// expressions equal the reference proxies is in test_proxies.)
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "nas/errors.h"
#include "nas/init.h"
#include "nas/network.h"
#include "nas/pipeline.h"
#include "nas/probes.h"
#include "nas/proxy_expr.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using nas::json;
namespace ex = nas::expr;

std::string parse_error(const std::string& text) {
  try {
    ex::parse(text);
  } catch (const nas::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ProxyExpr, ParsesAndPrintsCanonically) {
  const ex::Node n = ex::parse("  sum_layers( sum(abs( mul(W,G) )) ) ");
  EXPECT_EQ(ex::to_string(n), "sum_layers(sum(abs(mul(W, G))))");
  EXPECT_EQ(ex::size(n), 6u);
  EXPECT_EQ(ex::to_string(ex::parse(ex::to_string(n))), ex::to_string(n));
  EXPECT_EQ(ex::needs(n), nas::kLabels | nas::kWeightGrads);
  EXPECT_EQ(ex::needs(ex::parse("sum_layers(logdet(K))")), nas::kReluCodes);
  EXPECT_EQ(ex::needs(ex::parse("mean_layers(norm(W))")), nas::kNoProbe);
  EXPECT_EQ(ex::needs(ex::parse("sum_layers(norm(sub(G1, G2)))")), nas::kLabels | nas::kSplitGrads);
  EXPECT_EQ(ex::needs(ex::parse("sum_layers(div0(Pn, Ps))")), nas::kReluCodes);
  EXPECT_EQ(ex::to_string(ex::parse("sum_layers( log0(sum(div0(G1,G2))) )")), "sum_layers(log0(sum(div0(G1, G2))))");
}

// The split-gradient leaves are of W's family, the pattern counts are
// per-ReLU-call numbers of their own: misuse names the rule.
TEST(ProxyExpr, NewLeavesKeepTheTypeRules) {
  EXPECT_EQ(ex::type_of(ex::parse("sum_layers(norm(mul(W, sub(G1, G2))))")).shape, ex::Shape::Scalar);
  EXPECT_EQ(ex::describe(ex::type_of(ex::Node{"G2", {}})), "per-layer tensors of W");
  EXPECT_EQ(ex::describe(ex::type_of(ex::Node{"Ps", {}})), "per-ReLU-call numbers of P");
  EXPECT_EQ(parse_error("sum_layers(sum(Pn))"),
            "proxy expression sum(Pn): sum takes per-layer tensors or a matrix, got per-ReLU-call numbers of P");
  EXPECT_NE(parse_error("sum_layers(add(Pn, sum(G)))").find("needs two arguments of one shape and leaf family, got "
                                                            "per-ReLU-call numbers of P and per-layer numbers of W"),
            std::string::npos)
      << parse_error("sum_layers(add(Pn, sum(G)))");
  EXPECT_NE(parse_error("sum_layers(sum(div0(G1, A)))").find("got per-layer tensors of W and per-layer tensors of A"),
            std::string::npos)
      << parse_error("sum_layers(sum(div0(G1, A)))");
  EXPECT_NE(parse_error("Pn").find("is per-ReLU-call numbers of P, not a scalar"), std::string::npos) << parse_error("Pn");
  EXPECT_NE(parse_error("sum_layers(Pn(G))").find("the leaf Pn takes no arguments"), std::string::npos);
  EXPECT_NE(parse_error("sum_layers(log0(Pn, Ps))").find("log0 takes 1 argument; expected ')'"), std::string::npos)
      << parse_error("sum_layers(log0(Pn, Ps))");
  EXPECT_NE(parse_error("sum_layers(G3)").find("unknown name \"G3\""), std::string::npos);
}

TEST(ProxyExpr, ErrorsNameThePositionOrTheRule) {
  EXPECT_EQ(parse_error("sum_layers(nrm(G))").rfind("proxy expression \"sum_layers(nrm(G))\", at character 12: unknown name \"nrm\"", 0), 0u)
      << parse_error("sum_layers(nrm(G))");
  EXPECT_NE(parse_error("sum_layers(norm(G)").find("expected ')'"), std::string::npos);
  EXPECT_NE(parse_error("sum_layers(norm(G))x").find("after a complete expression"), std::string::npos);
  EXPECT_NE(parse_error("add(W)").find("add takes 2 arguments"), std::string::npos);
  EXPECT_NE(parse_error("W(G)").find("the leaf W takes no arguments"), std::string::npos);
  EXPECT_NE(parse_error("").find("got the end"), std::string::npos);
  EXPECT_NE(parse_error("sum_layers(norm(mul(W, A)))").find("needs two arguments of one shape and leaf family"),
            std::string::npos)
      << parse_error("sum_layers(norm(mul(W, A)))");
  EXPECT_NE(parse_error("sum_layers(logdet(J))").find("takes a square matrix"), std::string::npos);
  EXPECT_NE(parse_error("norm(G)").find("not a scalar; reduce it"), std::string::npos) << parse_error("norm(G)");
  EXPECT_NE(parse_error("sum_layers(G)").find("per-layer numbers"), std::string::npos);
}

TEST(ProxyExpr, GeneticOperatorsMakeWellTypedScalars) {
  nas::Rng rng(7);
  const ex::GrowOptions grow{ex::leaf_names(), 6};
  std::set<std::string> distinct;
  std::vector<ex::Node> pool;
  for (int i = 0; i < 400; ++i) {
    const ex::Node n = ex::random_expression(rng, grow);
    const std::string text = ex::to_string(n);
    ASSERT_EQ(ex::type_of(n).shape, ex::Shape::Scalar) << text;
    ASSERT_EQ(ex::to_string(ex::parse(text)), text);
    distinct.insert(text);
    pool.push_back(n);
  }
  EXPECT_GT(distinct.size(), 200u);  // the grower explores, not one shape again and again
  for (int i = 0; i < 400; ++i) {
    const ex::Node m = ex::mutate(pool[i % pool.size()], rng, grow);
    ASSERT_EQ(ex::type_of(m).shape, ex::Shape::Scalar) << ex::to_string(m);
    const ex::Node c = ex::crossover(pool[i % pool.size()], pool[(i * 7 + 3) % pool.size()], rng);
    ASSERT_EQ(ex::type_of(c).shape, ex::Shape::Scalar) << ex::to_string(c);
    const ex::Node& a = pool[i % pool.size()];
    const ex::Node& b = pool[(i * 5 + 1) % pool.size()];
    const ex::Node j = ex::combine(a, b, rng);
    ASSERT_EQ(ex::type_of(j).shape, ex::Shape::Scalar) << ex::to_string(j);
    // Each side is its parent whole, or log of it.
    auto is_side = [](const ex::Node& side, const ex::Node& parent) {
      const std::string p = ex::to_string(parent), t = ex::to_string(side);
      return t == p || t == "log(" + p + ")";
    };
    EXPECT_TRUE(is_side(j.args.at(0), a) && is_side(j.args.at(1), b)) << ex::to_string(j);
  }
  // A leaf subset is respected.
  const ex::GrowOptions only_k{{"K"}, 5};
  for (int i = 0; i < 100; ++i) {
    const auto leaves = ex::leaves_of(ex::random_expression(rng, only_k));
    ASSERT_EQ(leaves, std::vector<std::string>{"K"});
  }
  // Same seed, same expressions.
  nas::Rng a(3), b(3);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(ex::to_string(ex::random_expression(a, grow)), ex::to_string(ex::random_expression(b, grow)));
}

// Every name in a tree.
void names_in(const ex::Node& n, std::set<std::string>& out) {
  out.insert(n.op);
  for (const auto& a : n.args) names_in(a, out);
}

// The GP reaches the split-gradient and pattern leaves and the ZiCo
// operations: by growth, by mutating a tree that has none of them, and
// from those leaves alone.
TEST(ProxyExpr, GeneticOperatorsDrawTheNewLeaves) {
  nas::Rng rng(11);
  const ex::GrowOptions grow{ex::leaf_names(), 6};
  std::set<std::string> grown, mutated;
  const ex::Node plain = ex::parse("sum_layers(norm(W))");
  for (int i = 0; i < 400; ++i) {
    names_in(ex::random_expression(rng, grow), grown);
    names_in(ex::mutate(plain, rng, grow), mutated);
  }
  for (const char* name : {"G1", "G2", "Pn", "Ps", "log0", "div0"}) {
    EXPECT_TRUE(grown.count(name)) << name << " never grown";
    EXPECT_TRUE(mutated.count(name)) << name << " never drawn by a mutation";
  }
  for (const std::vector<std::string>& only : {std::vector<std::string>{"Pn", "Ps"}, {"G1", "G2"}, {"Ps"}}) {
    const ex::GrowOptions subset{only, 4};
    std::set<std::string> leaves;
    for (int i = 0; i < 100; ++i) {
      const ex::Node n = ex::random_expression(rng, subset);
      ASSERT_EQ(ex::type_of(n).shape, ex::Shape::Scalar) << ex::to_string(n);
      for (const auto& l : ex::leaves_of(ex::mutate(n, rng, subset))) leaves.insert(l);
    }
    EXPECT_EQ(leaves, std::set<std::string>(only.begin(), only.end()));
  }
}

// One hash-initialised NB201 network and the fixtures' batch.
struct Scene {
  std::shared_ptr<nas::Network> net;
  std::unique_ptr<nas::Probes> probes;
  explicit Scene(const std::string& arch_text) {
    const auto& space = nas_test::cached_space("nb201", {{"benchmark", "none"}});
    const nas::Arch arch = space.parse(arch_text);
    net = space.build(arch, {10});
    nas::hash_init(*net, 0);
    net->train();
    nas::Batch batch;
    batch.inputs = nas::hash_symmetric("input", 0, {16, 3, 32, 32}, 1.0);
    batch.targets = at::arange(16, at::kLong).remainder(10);
    probes = std::make_unique<nas::Probes>(net, batch, [&space, arch] { return space.build(arch, {10}); },
                                           nas::InitSpec{"hash", 0});
    probes->plan(nas::kLabels | nas::kWeightGrads | nas::kLayerActivations | nas::kInputJacobian | nas::kReluCodes |
                 nas::kSplitGrads);
  }
};

TEST(ProxyExpr, ValuesAreTheFormulas) {
  Scene s("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|");
  const ex::LeafSet leaves = ex::LeafSet::read(*s.probes, {});
  const auto& layers = s.probes->layers();
  const auto& grads = s.probes->weight_grads();
  double sum_w = 0, mean_norm_g = 0, max_abs_g = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    sum_w += layers[l].weight.sum().item<double>();
    mean_norm_g += grads[l].norm().item<double>() / static_cast<double>(layers.size());
    max_abs_g += grads[l].abs().max().item<double>();
  }
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(sum(W))"), leaves), sum_w, 1e-4 * std::abs(sum_w) + 1e-6);
  EXPECT_NEAR(ex::evaluate(ex::parse("mean_layers(norm(G))"), leaves), mean_norm_g, 1e-5 * mean_norm_g);
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(max(abs(G)))"), leaves), max_abs_g, 1e-5 * max_abs_g);
  // std standardises each layer: its per-layer means vanish, its norms are sqrt(numel).
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(abs(mean(std(W))))"), leaves), 0.0, 1e-4);
  double sqrt_numel = 0;
  for (const auto& l : layers) sqrt_numel += std::sqrt(static_cast<double>(l.weight.numel()));
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(norm(std(W)))"), leaves), sqrt_numel, 1e-3 * sqrt_numel);
  double weights = 0;
  for (const auto& l : layers) weights += static_cast<double>(l.weight.numel());
  EXPECT_EQ(ex::evaluate(ex::parse("sum_layers(count(W))"), leaves), weights);
  EXPECT_EQ(ex::evaluate(ex::parse("sum_layers(count(K))"), leaves), 16.0 * 16.0);
  // A and dA: one [N, C] block per conv/linear call.
  const auto& acts = s.probes->layer_activations();
  double mean_a = 0;
  for (const auto& a : acts) mean_a += (a.output.dim() > 2 ? a.output.flatten(2).mean(2) : a.output).mean().item<double>();
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(mean(A))"), leaves), mean_a, 1e-4 * std::abs(mean_a) + 1e-6);
  // div is defined everywhere; a / a is 1 wherever a is not tiny.
  const double n_w = static_cast<double>(layers.size());
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(mean(div(square(W), square(W))))"), leaves), n_w, 1e-3 * n_w);
  // K: trace = N * (number of ReLU features summed), logdet finite here.
  EXPECT_TRUE(std::isfinite(ex::evaluate(ex::parse("sum_layers(logdet(K))"), leaves)));
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(sum(eig(corr(J))))"), leaves), 16.0, 1e-6);  // trace of a correlation
}

const char* const kSceneArch =
    "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|";

// G1 and G2 are the halves' gradients; div0 and log0 leave out exact zeros.
TEST(ProxyExpr, SplitGradientLeavesAndZeroRules) {
  Scene s(kSceneArch);
  const ex::LeafSet leaves = ex::LeafSet::read(*s.probes, {"G1", "G2"});
  EXPECT_FALSE(leaves.has("G"));
  const auto& halves = s.probes->split_weight_grads(2);
  double norm1 = 0, nonzero = 0, log_sums = 0;
  for (std::size_t l = 0; l < halves[0].size(); ++l) {
    norm1 += halves[0][l].norm().item<double>();
    nonzero += static_cast<double>(halves[1][l].ne(0).sum().item<int64_t>());
    const double sum = halves[1][l].abs().sum().item<double>();
    if (sum != 0) log_sums += std::log(sum);
  }
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(norm(G1))"), leaves), norm1, 1e-5 * norm1);
  // x / x is 1 where x is not 0, and 0 there: the count of nonzero entries.
  EXPECT_EQ(ex::evaluate(ex::parse("sum_layers(sum(div0(G2, G2)))"), leaves), nonzero);
  EXPECT_LT(nonzero, ex::evaluate(ex::parse("sum_layers(count(G2))"), leaves)) << "some gradient is 0 exactly";
  EXPECT_NEAR(ex::evaluate(ex::parse("sum_layers(log0(sum(abs(G2))))"), leaves), log_sums, 1e-6 * std::abs(log_sums));
  EXPECT_NE(ex::evaluate(ex::parse("sum_layers(sum(sub(G1, G2)))"), leaves), 0.0) << "the halves differ";
}

// Pn and Ps against a count by strings: every neuron's N bits (Pn), every
// sample's bits so far (Ps).
TEST(ProxyExpr, PatternLeavesCountFirstOccurrences) {
  Scene s(kSceneArch);
  const ex::LeafSet leaves = ex::LeafSet::read(*s.probes, {"Pn", "Ps"});
  const auto& codes = s.probes->relu_codes();
  ASSERT_GT(codes.size(), 3u);
  const int64_t n = codes.front().size(0);
  std::set<std::string> neuron_patterns;
  std::vector<std::string> sample_so_far(static_cast<std::size_t>(n));
  std::vector<double> pn, ps;
  double per_call_neuron_patterns = 0;
  std::size_t regions = 0;
  for (const auto& code : codes) {
    const at::Tensor by_neuron = code.t().contiguous().to(at::kByte).cpu();
    const auto* bits = by_neuron.data_ptr<uint8_t>();
    std::set<std::string> this_call;
    const std::size_t before = neuron_patterns.size();
    for (int64_t j = 0; j < by_neuron.size(0); ++j) {
      const std::string pattern(reinterpret_cast<const char*>(bits + j * n), static_cast<std::size_t>(n));
      neuron_patterns.insert(pattern);
      this_call.insert(pattern);
    }
    pn.push_back(static_cast<double>(neuron_patterns.size() - before));
    per_call_neuron_patterns += static_cast<double>(this_call.size());
    const at::Tensor by_sample = code.contiguous().to(at::kByte).cpu();
    for (int64_t i = 0; i < n; ++i)
      sample_so_far[i].append(reinterpret_cast<const char*>(by_sample.data_ptr<uint8_t>() + i * code.size(1)),
                              static_cast<std::size_t>(code.size(1)));
    const std::size_t now = std::set<std::string>(sample_so_far.begin(), sample_so_far.end()).size();
    ps.push_back(static_cast<double>(now - regions));
    regions = now;
  }
  const at::Tensor got_pn = leaves.at("Pn").data.cpu(), got_ps = leaves.at("Ps").data.cpu();
  EXPECT_TRUE(got_pn.equal(at::tensor(pn, at::kDouble))) << got_pn;
  EXPECT_TRUE(got_ps.equal(at::tensor(ps, at::kDouble))) << got_ps;
  EXPECT_EQ(ex::evaluate(ex::parse("sum_layers(Pn)"), leaves), static_cast<double>(neuron_patterns.size()));
  EXPECT_EQ(ex::evaluate(ex::parse("sum_layers(Ps)"), leaves), static_cast<double>(regions));
  // Patterns recur across calls, so first occurrences are not each call's own count.
  EXPECT_LT(static_cast<double>(neuron_patterns.size()), per_call_neuron_patterns);
  EXPECT_GT(regions, 1u);
  EXPECT_EQ(leaves.at("Pn").layers, static_cast<int64_t>(codes.size()));
}

// What crosses between MPI ranks: every leaf comes back equal, so every
// expression evaluates to the same bits; damaged bytes are refused.
TEST(ProxyExpr, LeafBytesRoundTrip) {
  Scene s(kSceneArch);
  const ex::LeafSet leaves = ex::LeafSet::read(*s.probes, {});
  const std::string bytes = leaves.to_bytes();
  const ex::LeafSet back = ex::LeafSet::from_bytes(bytes, c10::Device(c10::kCPU));
  EXPECT_EQ(back.bytes(), leaves.bytes());
  for (const auto& name : ex::leaf_names()) {
    ASSERT_TRUE(leaves.has(name) && back.has(name)) << name;
    const ex::Value& a = leaves.at(name);
    const ex::Value& b = back.at(name);
    EXPECT_EQ(a.type, b.type) << name;
    EXPECT_EQ(a.layers, b.layers) << name;
    EXPECT_TRUE(a.data.equal(b.data)) << name;
    ASSERT_EQ(a.segment != nullptr, b.segment != nullptr) << name;
    if (a.segment) EXPECT_TRUE(a.segment->equal(*b.segment)) << name;
  }
  std::vector<std::string> texts = ex::known_proxy_expressions();
  texts.push_back("mean_layers(div0(Ps, log0(Pn)))");
  texts.push_back("sum_layers(norm(mul(std(G1), sub(G, G2))))");
  for (const auto& t : texts) {
    const ex::Node n = ex::parse(t);
    const double x = ex::evaluate(n, leaves), y = ex::evaluate(n, back);
    EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << t << ": " << x << " vs " << y;
  }
  auto refused = [](const std::string& damaged) {
    try {
      ex::LeafSet::from_bytes(damaged, c10::Device(c10::kCPU));
    } catch (const nas::Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(refused(bytes.substr(0, bytes.size() - 3)), "proxy expression leaves: truncated bytes");
  EXPECT_EQ(refused(bytes + "x"), "proxy expression leaves: trailing bytes");
}

// ---- evolve_proxy runs ---------------------------------------------------
const fs::path& temp_root() { return nas_test::temp_root("evolve"); }

json small_run(const std::string& name) {
  return {{"run", "evolve_proxy"},
          {"seed", 3},
          {"space", {{"name", "nb201"}}},
          {"data", {{"name", "hash"}, {"batch_size", 16}}},
          {"init", {{"kind", "hash"}}},
          {"search", {{"sample", 12}}},
          {"holdout", {{"sample", 8}}},
          {"evolution", {{"population", 10}, {"generations", 3}}},
          {"top", 2},
          {"transfer", {{{"dataset", "cifar100"}}}},
          {"output", (temp_root() / name).string()}};
}

json run(const json& raw, bool resume = false) { return nas_test::run_on_cpu(raw, resume); }

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

json without_seconds(json s) {
  s.erase("seconds");
  return s;
}

TEST(EvolveProxy, RunsKeepsTheBestSeedAndResumesExactly) {
  const json p = small_run("full");
  const json s = run(p);
  ASSERT_TRUE(s.at("complete").get<bool>());
  EXPECT_EQ(s.at("search").at("n"), 12);
  EXPECT_EQ(s.at("holdout").at("n"), 8);
  EXPECT_EQ(s.at("leaf_errors"), 0);
  ASSERT_EQ(s.at("best").size(), 2u);
  ASSERT_FALSE(s.at("baselines").empty());
  // Elitism: the best evolved expression is at least as fit as every seed.
  for (const auto& b : s.at("baselines"))
    if (b.at("search_spearman").is_number())
      EXPECT_GE(s.at("best")[0].at("search_spearman").get<double>(), b.at("search_spearman").get<double>());
  EXPECT_TRUE(s.at("best")[0].at("transfer").contains("dataset=cifar100"));
  const fs::path dir = p.at("output").get<std::string>();
  EXPECT_EQ(lines_of(dir / "generations.jsonl").size(), 4u);  // generation 0 and 3 more
  EXPECT_EQ(lines_of(dir / "holdout.jsonl").size(), 8u);
  EXPECT_TRUE(fs::exists(dir / "expressions.csv"));
  EXPECT_TRUE(fs::exists(dir / "holdout.csv"));
  // Every expression it found is a proxy as it stands.
  const json score = {{"run", "score"},
                      {"space", {{"name", "nb201"}}},
                      {"data", {{"name", "hash"}, {"batch_size", 16}}},
                      {"init", {{"kind", "hash"}}},
                      {"proxies", {{{"name", "expr"}, {"expr", s.at("best")[0].at("expr")}}}},
                      {"sample", 2},
                      {"cache", false},
                      {"output", (temp_root() / "score").string()}};
  EXPECT_EQ(run(score).at("proxies").at("expr").at("errors"), 0);

  // A run killed after generation 1 and in its held-out phase, resumed.
  const json q = small_run("resumed");
  run(q);
  const fs::path rdir = q.at("output").get<std::string>();
  auto g = lines_of(rdir / "generations.jsonl");
  auto h = lines_of(rdir / "holdout.jsonl");
  {
    std::ofstream out(rdir / "generations.jsonl", std::ios::trunc);
    out << g[0] << "\n" << g[1] << "\n" << g[2].substr(0, g[2].size() / 2);  // a torn last line
  }
  {
    std::ofstream out(rdir / "holdout.jsonl", std::ios::trunc);
    out << h[0] << "\n";
  }
  fs::remove(rdir / "summary.json");
  const json resumed = run(q, /*resume=*/true);
  json a = without_seconds(s), b = without_seconds(resumed);
  EXPECT_EQ(a, b) << a.dump() << "\n" << b.dump();
  EXPECT_EQ(lines_of(rdir / "generations.jsonl"), lines_of(dir / "generations.jsonl"));
}

std::string error_of(json p) {
  try {
    run(p);
  } catch (const nas::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EvolveProxy, BadPipelinesNameTheJsonPath) {
  json p = small_run("errors");
  p["leaves"] = {"W", "Gg"};
  EXPECT_EQ(error_of(p),
            "/leaves/1: unknown leaf \"Gg\", did you mean \"G\"? (leaves: W, G, G1, G2, A, dA, J, K, Pn, Ps)");
  p = small_run("errors");
  p["seed_expressions"] = {"sum_layers(norm(G)"};
  EXPECT_EQ(error_of(p).rfind("/seed_expressions/0: proxy expression \"sum_layers(norm(G)\", at character 19", 0), 0u)
      << error_of(p);
  p = small_run("errors");
  p["leaves"] = {"K"};
  p["seed_expressions"] = {"sum_layers(norm(G))"};
  EXPECT_EQ(error_of(p), "/seed_expressions/0: uses the leaf G, which \"leaves\" leaves out");
  p = small_run("errors");
  p["evolution"] = {{"populaton", 5}};
  EXPECT_EQ(error_of(p), "/evolution/populaton: unknown key, did you mean \"population\"?");
  p = small_run("errors");
  p["cache"] = true;
  // evolve_proxy keeps its probes in memory and caches no scores: it has no "cache" key.
  EXPECT_EQ(error_of(p).rfind("/cache: unknown key; allowed here: run, seed, device, threads, jobs, space, output, metric", 0), 0u)
      << error_of(p);
  p = small_run("errors");
  p["search"] = {{"sample", 15625}};
  EXPECT_EQ(error_of(p).rfind("/search/sample: asks for 15625 search archs but only", 0), 0u) << error_of(p);
  // A bad expression given to the expr proxy names the proxy and the position.
  const json score = {{"run", "score"},
                      {"space", {{"name", "nb201"}}},
                      {"proxies", {{{"name", "expr"}, {"expr", "sum_layers(norm(Q))"}}}},
                      {"sample", 1},
                      {"output", (temp_root() / "bad_expr").string()}};
  EXPECT_EQ(error_of(score).rfind("/proxies/0: proxy 'expr' could not be created: proxy expression \"sum_layers(norm(Q))\", at character 17: unknown name \"Q\"", 0), 0u)
      << error_of(score);
}

}  // namespace
