// Proxy expressions and evolve_proxy: the grammar parses, prints and
// type-checks with one-line errors; the GP operators only make well-typed
// scalar expressions; values on a real network are what the formulas say;
// an evolve_proxy run is complete, keeps the best of its seeds, and a
// resumed run ends with the summary of an unbroken one. (That the seed
// expressions equal the reference proxies is in test_proxies.)
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
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
    probes->plan(nas::kLabels | nas::kWeightGrads | nas::kLayerActivations | nas::kInputJacobian | nas::kReluCodes);
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
  EXPECT_EQ(error_of(p), "/leaves/1: unknown leaf \"Gg\", did you mean \"G\"? (leaves: W, G, A, dA, J, K)");
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
  EXPECT_EQ(error_of(p).rfind("/cache: unknown key; allowed here: run, seed, device, threads, space, output, metric", 0), 0u)
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
