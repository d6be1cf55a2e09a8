// The learned meta-proxy: fit_meta on the shipped NAS-Bench-Suite-Zero
// scores reaches the published accuracy (so features and labels line up),
// is deterministic, the `meta` proxy source reproduces the saved
// predictions, and bad pipelines fail with one line naming the JSON path.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/meta_model.h"
#include "nas/pipeline.h"
#include "nas/proxy_source.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/stats.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using nas::json;

const nas::Registry& registry() { return nas_test::all_plugins(); }

const json kNbszProxies = {"epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
                           "nwot",    "params", "plain", "snip",      "synflow", "zen"};

const fs::path& temp_root() { return nas_test::temp_root("meta"); }

std::string temp_dir(const std::string& name) {
  fs::create_directories(temp_root());
  return (temp_root() / name).string();
}

json nbsz_pipeline(const std::string& name) {
  return {{"run", "fit_meta"},
          {"space", {{"name", "nb201"}, {"dataset", "cifar10"}}},
          {"source", "nbsz"},
          {"proxies", kNbszProxies},
          {"train", {{"sample", 400}}},
          {"output", temp_dir(name)}};
}

json resolve(const json& raw) { return nas_test::resolve_on_cpu(raw); }

json fit(const json& raw) { return nas_test::run_on_cpu(raw); }

std::string error_of(const json& raw) {
  try {
    fit(raw);
  } catch (const nas::PipelineError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// arch -> predicted value of the test archs, from predictions.csv.
std::map<std::string, double> test_predictions(const std::string& dir) {
  const nas::CsvTable t = nas::read_csv(dir + "/predictions.csv");
  std::map<std::string, double> out;
  for (const auto& row : t.rows)
    if (row[t.column("split")] == "test") out[row[t.column("arch")]] = std::stod(row[t.column("predicted")]);
  return out;
}

// The published setting (NASLib's zero-cost XGBoost; 0.940 / NASLib 0.941
// with python3-xgboost over seeds): 13 proxies, no encoding, 300 trees,
// depth 6, eta 0.05. Misaligned features or labels would give rho near 0.
TEST(FitMeta, PublishedSettingReachesTheAnchorOnCifar10) {
  json p = nbsz_pipeline("anchor");
  p["model"] = {{"num_round", 300}, {"max_depth", 6}, {"eta", 0.05}, {"subsample", 1.0},
                {"colsample_bytree", 1.0}, {"min_child_weight", 1.0}};
  const json s = fit(p);
  EXPECT_EQ(s["train"]["n"], 400);
  EXPECT_EQ(s["test"]["n"], 9445 - 400);
  EXPECT_GT(s["test"]["spearman"].get<double>(), 0.92);
  EXPECT_GT(s["test"]["kendall"].get<double>(), 0.75);
  EXPECT_EQ(s["feature_importances"].size(), 13u);
  EXPECT_GT(s["feature_importances"]["jacov"].get<double>(), 0);
  // Each base proxy on the same test archs, from its own feature column:
  // jacov is NBSZ's best single proxy on CIFAR-10 (0.818), below the model.
  ASSERT_EQ(s["test_base_proxies"].size(), 13u);
  const double jacov = s["test_base_proxies"]["jacov"]["spearman"].get<double>();
  EXPECT_NEAR(jacov, 0.818, 0.01);
  EXPECT_LT(jacov, s["test"]["spearman"].get<double>());
  const std::string dir = p["output"];
  for (const char* f : {"model.json", "meta.json", "predictions.csv", "summary.json", "scatter_test.dat"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  EXPECT_EQ(nas::read_csv(dir + "/predictions.csv").rows.size(), 9445u);
}

// The shipped defaults with the architecture encodings: the goal.
TEST(FitMeta, EncodingsAndDefaultsReachTheGoalOnCifar10) {
  json p = nbsz_pipeline("goal");
  p["encoding"] = {"onehot", "counts", "paths"};
  const json s = fit(p);
  EXPECT_GE(s["test"]["spearman"].get<double>(), 0.955);
  EXPECT_EQ(s["features"].size(), 13u + 30 + 5 + 30);
  EXPECT_EQ(s["features"][13], "onehot:1<-0=none");
}

TEST(FitMeta, SameSeedSamePredictions) {
  json p = nbsz_pipeline("det_a");
  p["train"]["sample"] = 200;
  p["test"] = {{"sample", 300}};
  p["encoding"] = "onehot";
  p["model"] = {{"num_round", 100}};
  p["seed"] = 3;
  fit(p);
  json q = p;
  q["output"] = temp_dir("det_b");
  fit(q);
  const std::string a = read_text(p["output"].get<std::string>() + "/predictions.csv");
  EXPECT_EQ(a, read_text(q["output"].get<std::string>() + "/predictions.csv"));
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 501);
  q["seed"] = 4;
  q["output"] = temp_dir("det_c");
  fit(q);
  EXPECT_NE(a, read_text(q["output"].get<std::string>() + "/predictions.csv"));
}

TEST(FitMeta, ResolvedPipelineIsAFixedPoint) {
  json p = nbsz_pipeline("fixed");
  p["encoding"] = "onehot";
  const json r = resolve(p);
  EXPECT_EQ(r["encoding"], json({"onehot"}));
  EXPECT_EQ(r["test"]["sample"], "rest");
  EXPECT_EQ(r["model"]["seed"], -1);
  EXPECT_EQ(resolve(r), r);
}

// The meta source scores an arch as the fit predicted it.
void expect_source_reproduces(const json& fit_pipeline, std::size_t count) {
  const json resolved = resolve(fit_pipeline);
  const std::string dir = resolved["output"];
  const auto predicted = test_predictions(dir);
  ASSERT_FALSE(predicted.empty());
  json space_opts = resolved["space"];
  space_opts.erase("name");
  const auto space = registry().make_space("nb201", space_opts, {}, "/space");
  const json ref = nas::resolve_proxy_ref({{"proxy", {{"name", "meta"}, {"model", dir + "/model.json"}}}},
                                          registry(), {}, "/objective");
  EXPECT_FALSE(ref.contains("source"));
  auto source = nas::make_proxy_source(ref, resolved, *space, registry(), "/objective");
  std::size_t checked = 0;
  for (auto it = predicted.begin(); it != predicted.end() && checked < count; ++it, ++checked)
    EXPECT_EQ(static_cast<float>(source->score(space->parse(it->first))), static_cast<float>(it->second)) << it->first;
}

TEST(MetaSource, ReproducesSavedPredictionsFromPublishedScores) {
  json p = nbsz_pipeline("source_nbsz");
  p["train"]["sample"] = 300;
  p["test"] = {{"sample", 50}};
  p["encoding"] = {"onehot", "paths"};
  p["model"] = {{"num_round", 100}};
  fit(p);
  expect_source_reproduces(p, 20);
}

// Computed base proxies (cheap ones, so the test stays fast), no cache.
TEST(MetaSource, ReproducesSavedPredictionsFromComputedScores) {
  const json p = {{"run", "fit_meta"},
                  {"space", {{"name", "nb201"}}},
                  {"source", "compute"},
                  {"proxies", {"params", "flops"}},
                  {"encoding", "counts"},
                  {"train", {{"sample", 24}}},
                  {"test", {{"sample", 8}}},
                  {"model", {{"num_round", 50}}},
                  {"cache", false},
                  {"output", temp_dir("source_compute")}};
  const json s = fit(p);
  EXPECT_EQ(s["proxy_errors"], 0);
  EXPECT_EQ(s["test"]["n"], 8);
  expect_source_reproduces(p, 4);
}

// synflow on the fixtures' hash weights reaches scores beyond float32's
// range; as features they saturate instead of making XGBoost refuse the
// matrix as holding inf.
TEST(FitMeta, ScoresBeyondFloatRangeAreUsableFeatures) {
  const json p = {{"run", "fit_meta"},
                  {"space", {{"name", "nb201"}}},
                  {"proxies", {"synflow", "params"}},
                  {"train", {{"sample", 12}}},
                  {"test", {{"sample", 6}}},
                  {"model", {{"num_round", 10}}},
                  {"data", {{"name", "hash"}, {"batch_size", 8}}},
                  {"init", {{"kind", "hash"}}},
                  {"cache", false},
                  {"output", temp_dir("float_range")}};
  const json s = fit(p);
  EXPECT_EQ(s.at("complete"), true);
  EXPECT_EQ(s.at("test").at("n"), 6);
}

// Sets an environment variable for one scope, even one a failed assertion leaves.
struct ScopedEnv {
  const char* name;
  ScopedEnv(const char* n, const std::string& value) : name(n) { setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { unsetenv(name); }
};

// Every score line of the cache files of `proxy` negated: a run that reads
// the cache sees the opposite ranking, one that recomputes does not.
void negate_cached_scores(const fs::path& cache, const std::string& proxy) {
  for (const auto& file : fs::directory_iterator(cache)) {
    std::ifstream in(file.path());
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    in.close();
    if (lines.empty() || lines[0].dump().find("\"" + proxy + "\"") == std::string::npos) continue;
    std::ofstream out(file.path(), std::ios::trunc);
    for (auto& j : lines) {
      if (j.contains("score")) j["score"] = -j["score"].get<double>();
      out << j.dump() << "\n";
    }
  }
}

// fit_meta on the archs a score run scored: train and test are drawn from
// them alone, and with the same data, init and seed every feature is that
// run's score, read back from the score cache (not recomputed: the cached
// grad_norm is negated in between, and fit_meta sees the negated ranking).
TEST(FitMeta, DrawsItsArchsFromAScoreRun) {
  const fs::path cache = temp_root() / "archs_from_cache";
  fs::remove_all(cache);
  const ScopedEnv cache_dir("NASRUN_CACHE_DIR", cache.string());
  const json score = {{"run", "score"},
                      {"space", {{"name", "nb201"}}},
                      {"proxies", {"grad_norm", "params"}},
                      {"sample", 10},
                      {"data", {{"name", "hash"}, {"batch_size", 8}}},
                      {"output", temp_dir("archs_from_score")}};
  fit(score);
  negate_cached_scores(cache, "grad_norm");
  json p = score;
  p.erase("sample");
  p["run"] = "fit_meta";
  p["archs_from"] = score["output"];
  p["train"] = {{"sample", 6}};
  p["model"] = {{"num_round", 10}};
  p["output"] = temp_dir("archs_from_fit");
  const json s = fit(p);
  EXPECT_EQ(s.at("test").at("n"), 4);  // "rest": the score run's other 4

  std::map<std::string, double> grad_norm;  // arch -> the score run's grad_norm
  std::ifstream scores(score["output"].get<std::string>() + "/scores.jsonl");
  for (std::string line; std::getline(scores, line);) {
    const json j = json::parse(line);
    grad_norm[j.at("arch")] = j.at("grad_norm");
  }
  ASSERT_EQ(grad_norm.size(), 10u);
  // Every arch is one the score run scored, and grad_norm alone on the test
  // archs correlates with val_acc exactly as the negated cached values do.
  const nas::CsvTable table = nas::read_csv(p["output"].get<std::string>() + "/predictions.csv");
  ASSERT_EQ(table.rows.size(), 10u);
  const std::size_t arch = table.column("arch"), split = table.column("split"), label = table.column("val_acc");
  std::vector<double> test_scores, test_labels;
  for (const auto& row : table.rows) {
    ASSERT_TRUE(grad_norm.count(row[arch])) << row[arch] << " was not scored by the score run";
    if (row[split] != "test") continue;
    test_scores.push_back(-grad_norm.at(row[arch]));
    test_labels.push_back(std::stod(row[label]));
  }
  ASSERT_EQ(test_scores.size(), 4u);
  std::vector<double> as_scored;
  for (double v : test_scores) as_scored.push_back(-v);
  ASSERT_NE(nas::spearman(as_scored, test_labels), nas::spearman(test_scores, test_labels))
      << "these 4 archs cannot tell a cache read from a recomputation";
  EXPECT_DOUBLE_EQ(s.at("test_base_proxies").at("grad_norm").at("spearman").get<double>(),
                   nas::spearman(test_scores, test_labels));

  p["archs_from"] = temp_dir("no_such_run");
  EXPECT_EQ(error_of(p).rfind("/archs_from: " + temp_dir("no_such_run") + " does not exist: name a score", 0), 0u)
      << error_of(p);
  p["archs_from"] = score["output"];
  p["train"] = {{"sample", 9}};
  EXPECT_NE(error_of(p).find("only 10 archs have a val_acc label among the archs"), std::string::npos) << error_of(p);
}

TEST(MetaSource, DrivesASearchObjective) {
  json f = nbsz_pipeline("search_model");
  f["train"]["sample"] = 200;
  f["test"] = {{"sample", 20}};
  f["model"] = {{"num_round", 100}};
  fit(f);
  const json p = {{"run", "search"},
                  {"space", {{"name", "nb201"}}},
                  {"objective", {{"kind", "proxy"}, {"proxy", {{"name", "meta"}, {"model", f["output"].get<std::string>() + "/model.json"}}}}},
                  {"strategy", {{"name", "random"}, {"warmup", {{"proxy", {{"name", "meta"}, {"model", f["output"].get<std::string>() + "/model.json"}}}, {"pool", 50}}}}},
                  {"budget", {{"queries", 5}}},
                  {"output", temp_dir("search")}};
  const json s = fit(p);
  ASSERT_TRUE(s.contains("complete"));
  EXPECT_EQ(s.at("complete"), true);
  EXPECT_EQ(s.at("repeats").at(0).at("queries"), 5);
  EXPECT_EQ(s.at("repeats").at(0).at("warmup_pool"), 50);
  EXPECT_EQ(s.at("objective_source").get<std::string>().rfind("meta (", 0), 0u) << s.at("objective_source");
}

TEST(FitMetaErrors, OneLineWithTheJsonPath) {
  json p = nbsz_pipeline("errors");
  p["proxies"] = {"synflow", "jacob"};
  EXPECT_EQ(error_of(p).rfind("/proxies/1: NAS-Bench-Suite-Zero publishes no 'jacob' scores, did you mean \"jacov\"?", 0),
            0u)
      << error_of(p);
  p = nbsz_pipeline("errors");
  p["source"] = "compute";
  p["proxies"] = {"synflow", "snipp"};
  EXPECT_NE(error_of(p).find("/proxies/1/name: "), std::string::npos) << error_of(p);
  EXPECT_NE(error_of(p).find("\"snip\""), std::string::npos) << error_of(p);
  p = nbsz_pipeline("errors");
  p["model"] = {{"max_dpth", 4}};
  EXPECT_EQ(error_of(p), "/model/max_dpth: unknown key, did you mean \"max_depth\"?");
  p = nbsz_pipeline("errors");
  p["encoding"] = "onehott";
  EXPECT_EQ(error_of(p).rfind("/encoding: unknown encoding \"onehott\", did you mean \"onehot\"?", 0), 0u) << error_of(p);
  p = nbsz_pipeline("errors");
  p["train"]["sample"] = 9445;
  EXPECT_EQ(error_of(p), "/train/sample: asks for 9445 training archs but only 9445 archs have a val_acc label and "
                         "published scores, and some must be left to test on");
  p = nbsz_pipeline("errors");
  p["test"] = {{"sample", 9100}};
  EXPECT_EQ(error_of(p).rfind("/test/sample: asks for 9100 test archs", 0), 0u) << error_of(p);
  p = nbsz_pipeline("errors");
  p["data"] = {{"name", "cifar10"}};
  EXPECT_EQ(error_of(p).rfind("/data: published scores are not computed", 0), 0u) << error_of(p);
  p = nbsz_pipeline("errors");
  p["metric"] = "val_accuracy";
  EXPECT_EQ(error_of(p).rfind("/metric: unknown metric \"val_accuracy\"", 0), 0u) << error_of(p);
}

TEST(MetaSourceErrors, MissingOrUnreadableModel) {
  auto ref_error = [](const json& proxy) {
    try {
      nas::resolve_proxy_ref({{"proxy", proxy}}, registry(), {}, "/objective");
    } catch (const nas::PipelineError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(ref_error({{"name", "meta"}}).rfind("/objective/proxy/model: missing", 0), 0u);
  EXPECT_EQ(ref_error({{"name", "meta"}, {"modle", "x"}}), "/objective/proxy/modle: unknown key, did you mean \"model\"?");
  const json ref = nas::resolve_proxy_ref({{"proxy", {{"name", "meta"}, {"model", "/nonexistent/model.json"}}}},
                                          registry(), {}, "/objective");
  const json pipeline = resolve(nbsz_pipeline("unused"));
  const auto space = registry().make_space("nb201", json::object(), {}, "/space");
  try {
    nas::make_proxy_source(ref, pipeline, *space, registry(), "/objective");
    FAIL() << "no error";
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("/objective/proxy/model: cannot open /nonexistent/meta.json", 0), 0u)
        << e.what();
  }
}

}  // namespace
