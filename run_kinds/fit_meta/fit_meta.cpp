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
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"
#include "nas/meta_model.h"
#include "nas/pipeline.h"
#include "nas/plugin.h"
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

// The scores.jsonl of `archs_from` (a score or correlate run directory, or
// the file itself).
std::string scores_file_of(const std::string& archs_from) {
  return std::filesystem::is_directory(archs_from) ? (std::filesystem::path(archs_from) / "scores.jsonl").string()
                                                   : archs_from;
}

// The archs a score or correlate run scored, in its order, each once. Their
// scores are not read from the file: with the same data, init and seed they
// come from the score cache, and the features stay what `meta` computes.
std::vector<Arch> archs_scored_in(const std::string& archs_from, const SearchSpace& space) {
  const std::string file = scores_file_of(archs_from);
  std::ifstream in(file);
  if (!in) throw Error(file + ": cannot open (\"archs_from\" names a score or correlate run directory or its scores.jsonl)");
  std::vector<Arch> out;
  std::set<std::string> seen;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception&) {
      throw Error(file + ":" + std::to_string(n) + ": not a JSON line of a scores.jsonl");
    }
    if (!j.contains("arch") || !j.at("arch").is_string())
      throw Error(file + ":" + std::to_string(n) + ": no \"arch\" string (is this a score run's scores.jsonl?)");
    Arch a = space.parse(j.at("arch").get<std::string>());
    if (seen.insert(space.identity(a)).second) out.push_back(std::move(a));
  }
  if (out.empty()) throw Error(file + ": holds no scored archs");
  return out;
}

// Every arch that could be drawn: for published scores, the archs the table
// holds; otherwise every arch of the space (which must enumerate them). With
// `archs_from`, only those of them that run scored.
std::vector<Arch> candidate_archs(const SearchSpace& space, const FeatureBuilder& builder, const std::string& source,
                                  const std::string& archs_from) {
  std::vector<Arch> all = source == "nbsz" ? builder.published_archs() : std::vector<Arch>{};
  if (archs_from.empty()) return source == "nbsz" ? all : every_arch(space, "fit_meta");
  std::vector<Arch> scored = archs_scored_in(archs_from, space);
  if (source != "nbsz") return scored;
  std::set<std::string> published;
  for (const auto& a : all) published.insert(space.identity(a));
  std::vector<Arch> out;
  for (auto& a : scored)
    if (published.count(space.identity(a))) out.push_back(std::move(a));
  return out;
}

// A seeded shuffle of the labelled archs: the first `train` of it train,
// the next `test` (or all the rest) test.
LabelledSplit draw_split(const json& resolved, const SearchSpace& space, std::vector<Arch> pool) {
  SplitRequest r;
  r.metric = resolved.at("metric");
  r.first = resolved.at("train").at("sample");
  const json& t = resolved.at("test").at("sample");
  if (t != "rest") r.second = t.get<int64_t>();
  r.seed = derive_seed(resolved.at("seed").get<uint64_t>(), 0x3e7a);
  r.first_path = "/train/sample", r.second_path = "/test/sample";
  r.first_role = "training", r.second_role = "test", r.left_for = "to test on";
  if (resolved.at("source") == "nbsz") r.pool_note = " and published scores";
  const std::string archs_from = resolved.value("archs_from", "");
  if (!archs_from.empty()) r.pool_note += " among the archs " + archs_from + " scored";
  return split_labelled(space, std::move(pool), r);
}

// Feature rows for `archs`, with progress while proxies are computed.
// Returns false when a stop was requested part way.
// The feature rows of `archs` (each arch one work unit, on any process),
// appended in order to `x`; false when the run was stopped first.
// Returns the base proxies' failures through `errors`.
bool build_rows(FeatureBuilder& builder, const std::vector<Arch>& archs, std::vector<float>& x, int64_t& errors,
                Executor& executor, Verbosity verbosity) {
  const auto compute = [&](std::size_t k) {
    std::vector<float> row;
    ArchScores computed;
    builder.append_row(archs[k], row, &computed);
    json values = json::array();
    for (float v : row) values.push_back(finite_or_string(v));
    // From this arch's own scores: other threads (`jobs`) add to the builder's count meanwhile.
    int64_t errors = 0;
    for (const std::string& e : computed.errors) errors += e.empty() ? 0 : 1;
    json unit = {{"row", values}, {"errors", errors}};
    if (!computed.scores.empty() && !computed.cached) {  // for the writer's score cache
      json scores = json::array();
      for (double v : computed.scores) scores.push_back(finite_or_string(v));
      unit["scores"] = scores;
      unit["failures"] = computed.errors;
    }
    return unit.dump();
  };
  auto last = Clock::now();
  std::size_t done = 0;
  const auto accept = [&](std::size_t k, const std::string& text) {
    const json j = json::parse(text);
    for (const auto& v : j.at("row")) x.push_back(static_cast<float>(number_from_json(v)));
    errors += j.at("errors").get<int64_t>();
    if (j.contains("scores")) {  // computed on some process: the cache is written here
      std::vector<double> scores;
      for (const auto& v : j.at("scores")) scores.push_back(number_from_json(v));
      builder.remember(archs[k], scores, j.at("failures").get<std::vector<std::string>>());
    }
    if (verbosity != Verbosity::Quiet && since(last) > 10) {
      std::cerr << "features: " << done + 1 << "/" << archs.size() << " archs\n";
      last = Clock::now();
    }
    ++done;
  };
  std::vector<std::size_t> units(archs.size());
  for (std::size_t k = 0; k < units.size(); ++k) units[k] = k;
  executor.map(units, compute, accept);
  return done == archs.size();
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

json fit_stats(const std::vector<float>& predicted, const std::vector<double>& truth) {
  const auto p = to_double(predicted), t = truth;
  return {{"n", truth.size()}, {"spearman", finite_or_string(spearman(p, t))},
          {"kendall", finite_or_string(kendall(p, t))}};
}

struct FitMetaKeys : OptionSet<FitMetaKeys> {
  NAS_OPTION(json, proxies, required, "the base proxies: plugin names or blocks (with source nbsz: published names)");
  NAS_OPTION(std::string, source, "compute", "compute (score the networks) or nbsz (the published scores)",
             one_of({"compute", "nbsz"}));
  NAS_OPTION(json, encoding, "none", "none, or one or a list of: onehot, counts, paths (and the space's own)");
  NAS_OPTION(std::string, metric, "val_acc", "the label the model learns");
  NAS_OPTION(json, train, (json{{"sample", 400}}), "{\"sample\": N}: seeded training archs");
  NAS_OPTION(json, test, (json{{"sample", "rest"}}), "{\"sample\": N or \"rest\"}: the test archs, disjoint");
  NAS_OPTION(json, model, json::object(), "XGBoost parameters (README: fit_meta)");
  NAS_OPTION(std::string, archs_from, "",
             "a score or correlate run directory (or its scores.jsonl): draw train and test from the archs it "
             "scored (same data, init and seed: their scores come from the score cache); \"\": the whole space");
};

void resolve_fit_meta(const json& raw, json& out, const Registry& reg) {
  const json& given = raw.contains("proxies") ? raw.at("proxies") : json();
  if (!given.is_array() || given.empty())
    throw PipelineError("/proxies", "expected a non-empty list of proxy names, e.g. [\"synflow\", \"jacov\"]");
  const FitMetaKeys keys = FitMetaKeys::from(FitMetaKeys::pick(raw));
  const std::string& source = keys.source;
  out["source"] = source;
  json proxies = json::array();
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string path = "/proxies/" + std::to_string(i);
    // Published scores have no options: a name, or {"name"} as resolved.json writes it.
    const json name_only = given[i].is_object() && given[i].size() == 1 ? given[i].value("name", json()) : given[i];
    if (source == "nbsz" && !name_only.is_string())
      throw PipelineError(path, "published scores take no options: give the proxy's name");
    json p = source == "nbsz" ? json{{"name", name_only}} : resolve_plugin_block(given[i], reg, "proxy", path);
    for (const auto& q : proxies)
      if (q.at("name") == p.at("name")) throw PipelineError(path, "proxy \"" + q.at("name").get<std::string>() + "\" is listed twice");
    proxies.push_back(p);
  }
  out["proxies"] = proxies;

  // "none", one name, or a list of names; resolved to a list.
  json enc = keys.encoding;
  if (enc.is_string()) enc = enc == "none" ? json::array() : json::array({enc});
  if (!enc.is_array()) throw PipelineError("/encoding", "expected \"none\", an encoding name or a list of them");
  for (std::size_t i = 0; i < enc.size(); ++i)
    if (!enc[i].is_string() || !find_encoding(enc[i].get<std::string>())) {
      const std::string name = enc[i].is_string() ? enc[i].get<std::string>() : enc[i].dump();
      const std::string guess = did_you_mean(name, encoding_names());
      std::string all = "none";
      for (const auto& e : encoding_names()) all += ", " + e;
      throw PipelineError("/encoding" + std::string(keys.encoding.is_array() ? "/" + std::to_string(i) : ""),
                          "unknown encoding \"" + name + "\"" + (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                              " (available: " + all + ")");
    }
  out["encoding"] = enc;
  out["metric"] = keys.metric;
  const FitMetaKeys defaults;
  out["train"] = resolve_sample_block(raw, "train", defaults.train, 2, false);
  out["test"] = resolve_sample_block(raw, "test", defaults.test, 2, true);
  out["model"] = MetaModelKeys::from(keys.model, "/model").to_json();
  if (!keys.archs_from.empty() && !std::filesystem::exists(scores_file_of(keys.archs_from)))
    throw PipelineError("/archs_from", scores_file_of(keys.archs_from) + " does not exist: name a score or correlate "
                                       "run directory (or its scores.jsonl), or leave \"archs_from\" out to draw "
                                       "from the whole space");
  out["archs_from"] = keys.archs_from;

  if (source == "compute") {
    resolve_scoring_keys(raw, out);
  } else {
    for (const char* key : {"data", "init", "cache"})
      if (raw.contains(key))
        throw PipelineError(std::string("/") + key, "published scores are not computed, so \"" + std::string(key) +
                                                        "\" has no effect with \"source\": \"nbsz\"; remove it");
  }
}


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
  Executor& executor = executor_of(ctx);
  FeatureBuilder builder(features, *space, reg, device, resolved.value("cache", true), "/proxies",
                         /*write_cache=*/executor.is_writer());
  const LabelledSplit split = draw_split(resolved, *space, candidate_archs(*space, builder, features.source, resolved.value("archs_from", "")));
  const std::size_t cols = builder.num_columns();

  // The training and test archs' rows, computed on every process of an MPI
  // job; the model is fitted on the writer alone.
  std::vector<Arch> archs = split.first;
  archs.insert(archs.end(), split.second.begin(), split.second.end());
  std::vector<float> x;
  int64_t proxy_errors = 0;
  const auto t_features = Clock::now();
  const bool complete = build_rows(builder, archs, x, proxy_errors, executor, ctx.verbosity);
  if (!executor.is_writer()) return json{{"run", "fit_meta"}, {"complete", complete}};
  if (!complete) {
    const json partial = {{"run", "fit_meta"}, {"complete", false}};
    dir.write_json("summary.json", partial);
    return partial;
  }
  const std::vector<float> x_train(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(split.first.size() * cols));
  const std::vector<float> x_test(x.begin() + static_cast<std::ptrdiff_t>(split.first.size() * cols), x.end());
  const double features_seconds = since(t_features);

  const auto t_fit = Clock::now();
  const MetaModelKeys params = MetaModelKeys::from(resolved.at("model"), "/model");
  const std::vector<float> y_train(split.first_y.begin(), split.first_y.end());
  const Booster booster =
      Booster::train(x_train, split.first.size(), cols, y_train, params, resolved.at("seed").get<uint64_t>());
  const double fit_seconds = since(t_fit);
  const auto pred_train = booster.predict(x_train, split.first.size(), cols);
  const auto pred_test = booster.predict(x_test, split.second.size(), cols);

  booster.save(dir.file("model.json"));
  dir.write_json("meta.json", features.to_json());

  std::ostringstream csv;
  csv << "arch,index,split," << metric << ",predicted\n";
  auto rows = [&](const std::vector<Arch>& archs, const std::vector<double>& y, const std::vector<float>& p,
                  const char* name) {
    for (std::size_t k = 0; k < archs.size(); ++k) {
      csv << csv_field(space->to_string(archs[k])) << ",";
      if (auto idx = space->index_of(archs[k])) csv << *idx;
      csv << "," << name << "," << format_double(y[k]) << "," << format_double(p[k]) << "\n";
    }
  };
  rows(split.first, split.first_y, pred_train, "train");
  rows(split.second, split.second_y, pred_test, "test");
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
    for (std::size_t k = 0; k < split.second.size(); ++k) column.push_back(x_test[k * cols + p]);
    base[features.proxies[p].at("name").get<std::string>()] = fit_stats(column, split.second_y);
  }

  json summary = {{"run", "fit_meta"},
                  {"complete", true},
                  {"space", space_name},
                  {"source", features.source},
                  {"metric", metric},
                  {"encoding", features.encoding},
                  {"features", names},
                  {"model", resolved.at("model")},
                  {"train", fit_stats(pred_train, split.first_y)},
                  {"test", fit_stats(pred_test, split.second_y)},
                  {"test_base_proxies", base},
                  {"feature_importances", importances},
                  {"seconds", {{"features", features_seconds}, {"fit", fit_seconds}, {"total", since(start)}}}};
  if (compute) summary["proxy_errors"] = proxy_errors;
  if (!space->benchmark_source().empty()) summary["benchmark_source"] = space->benchmark_source();
  dir.write_json("summary.json", summary);

  const double rho = spearman(to_double(pred_test), split.second_y);
  ScatterPlot plot{"scatter_test",
                   "meta-proxy on " + std::to_string(split.second.size()) + " test archs (Spearman " +
                       format_double(std::round(rho * 1000) / 1000) + ")",
                   "predicted " + metric, metric, to_double(pred_test), split.second_y};
  const std::string note = write_scatter_plot(dir, plot);
  if (!note.empty() && ctx.verbosity != Verbosity::Quiet) std::cerr << note << "\n";
  return summary;
}

OptionSchema fit_meta_keys() { return concat(FitMetaKeys::schema(), scoring_key_options()); }

void report_fit_meta(const json& summary, std::ostream& out) {
  const json& t = summary.at("test");
  out << "meta-proxy on " << t.at("n") << " test archs (" << summary.at("train").at("n")
      << " training): spearman " << fixed(t.at("spearman"), 3) << "  kendall " << fixed(t.at("kendall"), 3) << "\n";
}

struct FitMeta : FunctionRunKind {
  FitMeta(const json&, const PluginContext&)
      : FunctionRunKind(resolve_fit_meta, run_fit_meta, report_fit_meta, /*distributes=*/true) {}
  static OptionSchema options() { return fit_meta_keys(); }
};

}  // namespace

}  // namespace nas

NAS_PLUGIN(run, "fit_meta", nas::FitMeta, "1.0",
           "train the learned meta-proxy (XGBoost over proxy scores and arch encodings): model.json, meta.json")
