// fit_meta runs: train the meta-proxy (XGBoost over proxy scores and an
// optional architecture encoding) on a seeded sample of labelled archs and
// judge it on the rest.
//   model.json        the booster (XGBoost's JSON model format)
//   meta.json         what its features are, so the `meta` proxy rebuilds them
//   predictions.csv   arch, index, split, label, prediction
//   summary.json      train/test n, Spearman, Kendall; feature importances (gain)
//   scatter_test.*    predicted vs true on the test archs
#include <chrono>
#include <cmath>
#include <iostream>
#include <set>
#include <sstream>

#include "nas/errors.h"
#include "nas/interrupt.h"
#include "nas/meta_model.h"
#include "nas/plot.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/scorer.h"
#include "nas/stats.h"

namespace nas {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The label of `arch`, NaN when the benchmark has none.
double label_of(const SearchSpace& space, const Arch& arch, const std::string& metric) {
  const auto row = space.query(arch);
  if (!row) return std::nan("");
  const auto it = row->find(metric);
  return it == row->end() ? std::nan("") : it->second;
}

// Every arch that could be drawn: for published scores, the archs the table
// holds; otherwise every arch of the space (which must enumerate them).
std::vector<Arch> candidate_archs(const SearchSpace& space, const FeatureBuilder& builder, const std::string& source) {
  if (source == "nbsz") return builder.published_archs();
  const auto size = space.size();
  if (!size)
    throw PipelineError("/space", "fit_meta draws its archs from the whole space, and this space cannot enumerate "
                                  "them; use a space with a tabular benchmark");
  std::vector<Arch> out;
  std::set<std::string> seen;
  for (int64_t i = 0; i < *size; ++i) {
    Arch a = space.arch_at(i);
    if (seen.insert(space.identity(a)).second) out.push_back(std::move(a));
  }
  return out;
}

struct Split {
  std::vector<Arch> train, test;
  std::vector<double> train_y, test_y;
};

// A seeded shuffle of the labelled archs: the first `train` of it train,
// the next `test` (or all the rest) test.
Split draw_split(const json& resolved, const SearchSpace& space, std::vector<Arch> pool) {
  const std::string metric = resolved.at("metric");
  const std::string source = resolved.at("source");
  std::vector<Arch> labelled;
  std::vector<double> labels;
  for (auto& a : pool) {
    const double y = label_of(space, a, metric);
    if (std::isfinite(y)) labelled.push_back(std::move(a)), labels.push_back(y);
  }
  const int64_t n_train = resolved.at("train").at("sample");
  const json& t = resolved.at("test").at("sample");
  const int64_t available = static_cast<int64_t>(labelled.size());
  const int64_t n_test = t == "rest" ? available - n_train : t.get<int64_t>();
  const std::string what = std::to_string(available) + " archs have a " + metric + " label" +
                           (source == "nbsz" ? " and published scores" : "");
  if (n_train >= available)
    throw PipelineError("/train/sample", "asks for " + std::to_string(n_train) + " training archs but only " + what +
                                             ", and some must be left to test on");
  if (n_test < 2 || n_train + n_test > available)
    throw PipelineError("/test/sample", "asks for " + std::to_string(n_test) + " test archs besides " +
                                            std::to_string(n_train) + " training archs, but only " + what);
  std::vector<std::size_t> order(labelled.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng rng(derive_seed(resolved.at("seed").get<uint64_t>(), 0x3e7a));
  rng.shuffle(order);
  Split s;
  for (int64_t k = 0; k < n_train + n_test; ++k) {
    const std::size_t i = order[k];
    (k < n_train ? s.train : s.test).push_back(labelled[i]);
    (k < n_train ? s.train_y : s.test_y).push_back(labels[i]);
  }
  return s;
}

// Feature rows for `archs`, with progress while proxies are computed.
// Returns false when a stop was requested part way.
bool build_rows(FeatureBuilder& builder, const std::vector<Arch>& archs, std::vector<float>& x, const char* what,
                Verbosity verbosity) {
  auto last = Clock::now();
  for (std::size_t k = 0; k < archs.size(); ++k) {
    if (stop_requested()) return false;
    builder.append_row(archs[k], x);
    if (verbosity != Verbosity::Quiet && since(last) > 10) {
      std::cerr << "features: " << k + 1 << "/" << archs.size() << " " << what << " archs\n";
      last = Clock::now();
    }
  }
  return true;
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

json fit_stats(const std::vector<float>& predicted, const std::vector<double>& truth) {
  const auto p = to_double(predicted), t = truth;
  return {{"n", truth.size()}, {"spearman", finite_or_string(spearman(p, t))},
          {"kendall", finite_or_string(kendall(p, t))}};
}

}  // namespace

json run_fit_meta(const json& resolved, const RunContext& ctx) {
  const Registry& reg = *ctx.registry;
  RunDir& dir = *ctx.dir;
  const auto start = Clock::now();
  const std::string space_name = resolved.at("space").at("name");
  const auto space = make_pipeline_space(resolved, reg);

  const std::string metric = resolved.at("metric");
  require_metric(*space, metric, "/metric", "the space has no benchmark loaded to take labels from");

  const MetaFeatures features = MetaFeatures::fields_of(resolved);
  const bool compute = features.source == "compute";
  const c10::Device device = compute ? resolve_device(resolved.at("device")) : c10::Device(c10::kCPU);
  FeatureBuilder builder(features, *space, reg, device, resolved.value("cache", true), "/proxies");
  const Split split = draw_split(resolved, *space, candidate_archs(*space, builder, features.source));
  const std::size_t cols = builder.num_columns();

  std::vector<float> x_train, x_test;
  const auto t_features = Clock::now();
  if (!build_rows(builder, split.train, x_train, "training", ctx.verbosity) ||
      !build_rows(builder, split.test, x_test, "test", ctx.verbosity)) {
    const json partial = {{"run", "fit_meta"}, {"complete", false}};
    dir.write_json("summary.json", partial);
    return partial;
  }
  const double features_seconds = since(t_features);

  const auto t_fit = Clock::now();
  const json& params = resolved.at("model");
  const std::vector<float> y_train(split.train_y.begin(), split.train_y.end());
  const Booster booster =
      Booster::train(x_train, split.train.size(), cols, y_train, params, resolved.at("seed").get<uint64_t>());
  const double fit_seconds = since(t_fit);
  const auto pred_train = booster.predict(x_train, split.train.size(), cols);
  const auto pred_test = booster.predict(x_test, split.test.size(), cols);

  booster.save(dir.file("model.json"));
  dir.write_json("meta.json", features.to_json());

  std::ostringstream csv;
  csv << "arch,index,split," << metric << ",predicted\n";
  auto rows = [&](const std::vector<Arch>& archs, const std::vector<double>& y, const std::vector<float>& p,
                  const char* name) {
    for (std::size_t k = 0; k < archs.size(); ++k) {
      csv << space->to_string(archs[k]) << ",";
      if (auto idx = space->index_of(archs[k])) csv << *idx;
      csv << "," << name << "," << format_double(y[k]) << "," << format_double(p[k]) << "\n";
    }
  };
  rows(split.train, split.train_y, pred_train, "train");
  rows(split.test, split.test_y, pred_test, "test");
  dir.write_text("predictions.csv", csv.str());

  const auto names = builder.names();
  const auto gain = booster.importance(cols, "gain");
  json importances = json::object();
  for (std::size_t i = 0; i < cols; ++i) importances[names[i]] = gain[i];

  // Each base proxy alone on the same test archs: what the model adds. Its
  // column is the feature itself (missing scores are NaN, ranked last).
  json base = json::object();
  for (std::size_t p = 0; p < features.proxies.size(); ++p) {
    std::vector<float> column;
    for (std::size_t k = 0; k < split.test.size(); ++k) column.push_back(x_test[k * cols + p]);
    base[features.proxies[p].at("name").get<std::string>()] = fit_stats(column, split.test_y);
  }

  json summary = {{"run", "fit_meta"},
                  {"complete", true},
                  {"space", space_name},
                  {"source", features.source},
                  {"metric", metric},
                  {"encoding", features.encoding},
                  {"features", names},
                  {"model", params},
                  {"train", fit_stats(pred_train, split.train_y)},
                  {"test", fit_stats(pred_test, split.test_y)},
                  {"test_base_proxies", base},
                  {"feature_importances", importances},
                  {"seconds", {{"features", features_seconds}, {"fit", fit_seconds}, {"total", since(start)}}}};
  if (compute) summary["proxy_errors"] = builder.proxy_errors();
  if (!space->benchmark_source().empty()) summary["benchmark_source"] = space->benchmark_source();
  dir.write_json("summary.json", summary);

  const double rho = spearman(to_double(pred_test), split.test_y);
  ScatterPlot plot{"scatter_test",
                   "meta-proxy on " + std::to_string(split.test.size()) + " test archs (Spearman " +
                       format_double(std::round(rho * 1000) / 1000) + ")",
                   "predicted " + metric, metric, to_double(pred_test), split.test_y};
  const std::string note = write_scatter_plot(dir, plot);
  if (!note.empty() && ctx.verbosity != Verbosity::Quiet) std::cerr << note << "\n";
  return summary;
}

}  // namespace nas
