// Feature rows of the meta-proxy (encodings, published or computed proxy
// scores) and the `meta` proxy source. The booster itself is in
// meta_booster.cpp.
#include "nas/meta_model.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "nas/csv.h"
#include "nas/data.h"
#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/published_scores.h"
#include "nas/registry.h"
#include "nas/evaluation.h"

namespace nas {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// A proxy score as an XGBoost feature (float32): NaN and +-inf are missing;
// a finite score beyond float's range (synflow on some inits reaches 1e40)
// saturates at +-FLT_MAX, where a plain cast made it inf and XGBoost refused
// the whole matrix.
float feature_of(double v) {
  if (!std::isfinite(v)) return kMissing;
  const double limit = std::numeric_limits<float>::max();
  return static_cast<float>(std::max(-limit, std::min(limit, v)));
}

std::vector<std::string> onehot_columns(const SearchSpace& space) {
  std::vector<std::string> out;
  for (const auto& d : space.dimensions())
    for (const auto& c : d.choices) out.push_back("onehot:" + d.name + "=" + c);
  return out;
}

void onehot_append(const SearchSpace& space, const Arch& arch, std::vector<float>& row) {
  const auto& dims = space.dimensions();
  for (std::size_t d = 0; d < dims.size(); ++d)
    for (std::size_t c = 0; c < dims[d].choices.size(); ++c)
      row.push_back(arch.choices[d] == static_cast<int>(c) ? 1.f : 0.f);
}

// Distinct choice names over all dimensions, in first-seen order.
std::vector<std::string> distinct_choices(const SearchSpace& space) {
  std::vector<std::string> out;
  for (const auto& d : space.dimensions())
    for (const auto& c : d.choices)
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

std::vector<std::string> count_columns(const SearchSpace& space) {
  std::vector<std::string> out;
  for (const auto& c : distinct_choices(space)) out.push_back("count:" + c);
  return out;
}

void count_append(const SearchSpace& space, const Arch& arch, std::vector<float>& row) {
  const auto names = distinct_choices(space);
  std::vector<float> counts(names.size(), 0.f);
  const auto& dims = space.dimensions();
  for (std::size_t d = 0; d < dims.size(); ++d) {
    const auto& chosen = dims[d].choices[arch.choices[d]];
    ++counts[std::find(names.begin(), names.end(), chosen) - names.begin()];
  }
  row.insert(row.end(), counts.begin(), counts.end());
}

// GRAF-style path features (Kadlecova et al., ICML 2024), from the space's
// graph view (SearchSpace::graph): for every non-empty set of operations (an
// operation labelled "none" is a missing edge and in no set), the number of
// input->output paths whose operations all are in the set, and the length
// (operations on it) of the shortest one (0 when there is none).
struct PathFeatures {
  nas::GraphVocabulary vocabulary;
  std::vector<std::vector<std::string>> op_sets;
};

PathFeatures path_features(const SearchSpace& space) {
  PathFeatures f;
  f.vocabulary = space.graph_vocabulary();
  if (f.vocabulary.empty())
    throw Error("encoding 'paths' needs a space with a graph view (SearchSpace::graph, as nb201, nb101 and darts "
                "have); use onehot or counts for this one");
  std::vector<std::string> ops;
  for (const auto& op : f.vocabulary.operations)
    if (op != "none") ops.push_back(op);
  if (ops.size() > 16) throw Error("encoding 'paths': " + std::to_string(ops.size()) + " operations make too many sets");
  for (uint32_t mask = 1; mask < (1u << ops.size()); ++mask) {
    std::vector<std::string> set;
    for (std::size_t k = 0; k < ops.size(); ++k)
      if (mask & (1u << k)) set.push_back(ops[k]);
    f.op_sets.push_back(std::move(set));
  }
  return f;
}

std::vector<std::string> path_columns(const SearchSpace& space) {
  std::vector<std::string> out;
  for (const char* kind : {"paths", "shortest"})
    for (const auto& set : path_features(space).op_sets) {
      std::string name = std::string(kind) + ":";
      for (std::size_t k = 0; k < set.size(); ++k) name += (k ? "+" : "") + set[k];
      out.push_back(name);
    }
  return out;
}

void path_append(const SearchSpace& space, const Arch& arch, std::vector<float>& row) {
  const PathFeatures f = path_features(space);
  const std::optional<nas::ArchGraph> g = space.graph(arch);
  if (!g) throw Error("encoding 'paths': the space gave no graph for " + space.to_string(arch));
  const auto paths = nas::input_output_paths(*g, f.vocabulary);
  std::vector<float> counts, shortest;
  for (const auto& set : f.op_sets) {
    double count = 0, len = std::numeric_limits<double>::infinity();
    for (const auto& path : paths) {
      bool inside = true;
      for (std::size_t i = 1; i + 1 < path.size() && inside; ++i)
        inside = std::find(set.begin(), set.end(), g->labels[path[i]]) != set.end();
      if (!inside) continue;
      count += 1;
      len = std::min(len, static_cast<double>(path.size() - 2));
    }
    counts.push_back(static_cast<float>(count));
    shortest.push_back(std::isfinite(len) ? static_cast<float>(len) : 0.f);
  }
  row.insert(row.end(), counts.begin(), counts.end());
  row.insert(row.end(), shortest.begin(), shortest.end());
}

std::vector<Encoding>& encoding_table() {
  static std::vector<Encoding> table = {
      {"onehot", "per dimension, one column per choice (NB201: per-edge one-hot op)", onehot_columns, onehot_append},
      {"counts", "per choice name, how many dimensions chose it (NB201: op counts)", count_columns, count_append},
      {"paths", "per set of operations, input->output paths of the space's graph view using only them and the shortest one's length (GRAF)",
       path_columns, path_append},
  };
  return table;
}

std::mutex& encoding_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

const Encoding* find_encoding(const std::string& name) {
  std::lock_guard<std::mutex> lock(encoding_mutex());
  for (const auto& e : encoding_table())
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> encoding_names() {
  std::lock_guard<std::mutex> lock(encoding_mutex());
  std::vector<std::string> out;
  for (const auto& e : encoding_table()) out.push_back(e.name);
  return out;
}

// ---- MetaFeatures ---------------------------------------------------------

json MetaFeatures::to_json() const {
  json j = {{"space", space}, {"proxies", proxies}, {"source", source}, {"encoding", encoding}, {"metric", metric}};
  if (source == "compute") j["data"] = data, j["init"] = init;
  return j;
}

MetaFeatures MetaFeatures::fields_of(const json& j) {
  MetaFeatures f;
  f.space = j.at("space");
  f.proxies = j.at("proxies");
  f.source = j.at("source");
  f.encoding = j.at("encoding").get<std::vector<std::string>>();
  f.metric = j.at("metric");
  if (f.source == "compute") f.data = j.at("data"), f.init = j.at("init");
  return f;
}

MetaFeatures MetaFeatures::from_json(const json& j, const std::string& path) {
  MetaFeatures f;
  try {
    f = fields_of(j);
  } catch (const json::exception& e) {
    throw Error(path + ": not a meta-model description written by a fit_meta run (" + e.what() + ")");
  }
  if (f.source != "compute" && f.source != "nbsz") throw Error(path + ": unknown source \"" + f.source + "\"");
  for (const auto& e : f.encoding)
    if (!find_encoding(e)) throw Error(path + ": unknown encoding \"" + e + "\"");
  return f;
}

std::vector<std::string> feature_names(const MetaFeatures& features, const SearchSpace& space) {
  std::vector<std::string> out;
  for (const auto& p : features.proxies) out.push_back(p.at("name"));
  for (const auto& e : features.encoding) {
    const auto cols = find_encoding(e)->columns(space);
    out.insert(out.end(), cols.begin(), cols.end());
  }
  return out;
}

// ---- FeatureBuilder -------------------------------------------------------

struct FeatureBuilder::State {
  const SearchSpace* space = nullptr;
  std::vector<const Encoding*> encodings;
  std::size_t num_proxies = 0;
  // nbsz: identity -> the proxies' published scores (NaN for -1e8).
  std::unordered_map<std::string, std::vector<float>> published;
  std::vector<Arch> published_archs;
  // compute
  std::unique_ptr<Evaluator> evaluator;
  std::atomic<int64_t> errors{0};  // rows may be built on several threads (`jobs`)
};

namespace {

// The published NAS-Bench-Suite-Zero table for the model's space and
// dataset (nas/published_scores.h); a missing score is missing.
void load_published(FeatureBuilder::State& s, const MetaFeatures& f, const std::string& path) {
  std::vector<std::string> names;
  for (const auto& p : f.proxies) names.push_back(p.at("name"));
  PublishedScores scores = read_published_scores(*s.space, f.space, names, path.substr(0, path.rfind('/')) + "/source",
                                                 [&](std::size_t i) { return path + "/" + std::to_string(i); });
  for (auto& [id, values] : scores.by_identity) {
    std::vector<float> row;
    for (double v : values) row.push_back(feature_of(v));
    s.published.emplace(id, std::move(row));
  }
  s.published_archs = std::move(scores.archs);
}

void make_evaluator(FeatureBuilder::State& s, const MetaFeatures& f, const Registry& registry, c10::Device device,
                    bool use_cache, const std::string& path, bool write_cache) {
  const json scoring = {{"space", f.space}, {"init", f.init}, {"data", f.data}, {"cache", use_cache}};
  s.evaluator = std::make_unique<Evaluator>(scoring, f.proxies, list_paths(path, f.proxies.size()), *s.space,
                                            registry, device, write_cache);
}

}  // namespace

FeatureBuilder::FeatureBuilder(const MetaFeatures& f, const SearchSpace& space, const Registry& registry,
                               c10::Device device, bool use_cache, const std::string& path, bool write_cache)
    : s_(std::make_unique<State>()), names_(feature_names(f, space)) {
  s_->space = &space;
  s_->num_proxies = f.proxies.size();
  for (const auto& e : f.encoding) s_->encodings.push_back(find_encoding(e));
  if (f.source == "nbsz") load_published(*s_, f, path);
  else make_evaluator(*s_, f, registry, device, use_cache, path, write_cache);
}

FeatureBuilder::~FeatureBuilder() = default;

void FeatureBuilder::remember(const Arch& arch, const std::vector<double>& scores,
                              const std::vector<std::string>& errors) {
  if (s_->evaluator) s_->evaluator->remember(arch, scores, errors);
}

void FeatureBuilder::append_row(const Arch& arch, std::vector<float>& out, ArchScores* computed) {
  State& s = *s_;
  const std::string id = s.space->identity(arch);
  if (!s.evaluator) {
    const auto it = s.published.find(id);
    if (it != s.published.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    else out.insert(out.end(), s.num_proxies, kMissing);
  } else {
    const ArchScores r = s.evaluator->score(arch);
    for (std::size_t p = 0; p < s.num_proxies; ++p) {
      if (!r.errors[p].empty()) ++s.errors;
      out.push_back(feature_of(r.scores[p]));
    }
    if (computed) *computed = r;
  }
  for (const Encoding* e : s.encodings) e->append(*s.space, arch, out);
}

const std::vector<Arch>& FeatureBuilder::published_archs() const { return s_->published_archs; }
int64_t FeatureBuilder::proxy_errors() const { return s_->errors; }
double FeatureBuilder::seconds() const { return s_->evaluator ? s_->evaluator->seconds() : 0.0; }

// ---- The `meta` proxy source ----------------------------------------------

namespace {

class MetaSource : public ProxySource {
 public:
  MetaSource(const json& proxy, const json& pipeline, const SearchSpace& space, const Registry& registry,
             const std::string& path)
      : space_(space), model_path_(proxy.at("model")) {
    const std::string meta_path = (std::filesystem::path(model_path_).parent_path() / "meta.json").string();
    std::ifstream in(meta_path);
    if (!in)
      throw PipelineError(path + "/proxy/model", "cannot open " + meta_path +
                                                     " (the sidecar a fit_meta run writes beside model.json)");
    std::stringstream text;
    text << in.rdbuf();
    features_ = MetaFeatures::from_json(parse_json_text(text.str(), meta_path), meta_path);
    const std::string fitted_on = features_.space.at("name");
    if (fitted_on != pipeline.at("space").at("name"))
      throw PipelineError(path + "/proxy/model", model_path_ + " was fitted on space '" + fitted_on +
                                                     "', not '" + pipeline.at("space").at("name").get<std::string>() +
                                                     "'");
    // Features are rebuilt exactly as at fit time: the model's own space
    // block (dataset included), data and init; the pipeline supplies only
    // the archs and the device.
    json o = features_.space;
    o.erase("name");
    model_space_ = registry.make_space(fitted_on, o, PluginContext{}, path + "/proxy/model");
    builder_ = std::make_unique<FeatureBuilder>(features_, *model_space_, registry,
                                                resolve_device(pipeline.at("device")), pipeline.value("cache", true),
                                                path + "/proxy/model");
    try {
      booster_ = std::make_unique<Booster>(Booster::load(model_path_));
    } catch (const Error& e) {
      throw PipelineError(path + "/proxy/model", e.what());
    }
    if (booster_->num_features() != builder_->num_columns())
      throw PipelineError(path + "/proxy/model", model_path_ + " takes " + std::to_string(booster_->num_features()) +
                                                     " features but " + meta_path + " describes " +
                                                     std::to_string(builder_->num_columns()));
  }

  double score(const Arch& arch) override {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> row;
    builder_->append_row(model_space_->parse(space_.to_string(arch)), row);
    double p = 0;
    {
      // Search units may run on several threads (`jobs`); one prediction at a time.
      std::lock_guard<std::mutex> lock(predict_mutex_);
      p = booster_->predict(row, 1, row.size())[0];
    }
    spent(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return p;
  }

  std::string describe() const override {
    std::string names;
    for (const auto& p : features_.proxies) names += (names.empty() ? "" : ", ") + p.at("name").get<std::string>();
    return "meta (" + model_path_ + ": XGBoost over " + names + ", " + features_.source + " scores)";
  }

 private:
  const SearchSpace& space_;
  std::string model_path_;
  MetaFeatures features_;
  std::shared_ptr<SearchSpace> model_space_;
  std::unique_ptr<FeatureBuilder> builder_;
  std::unique_ptr<Booster> booster_;
  std::mutex predict_mutex_;
};

}  // namespace

std::shared_ptr<ProxySource> make_meta_source(const json& proxy, const json& pipeline, const SearchSpace& space,
                                              const Registry& registry, const std::string& path) {
  return std::make_shared<MetaSource>(proxy, pipeline, space, registry, path);
}

}  // namespace nas
