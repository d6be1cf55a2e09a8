#include "nas/runs.h"

#include <cmath>
#include <iomanip>
#include <set>
#include <sstream>

#include "nas/data.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/pipeline.h"
#include "nas/random.h"
#include "nas/registry.h"
#include "nas/space.h"

namespace nas {

// data/init/cache: how networks are scored wherever a proxy is computed.
void resolve_scoring_keys(const json& raw, json& out, bool cache) {
  const ScoringKeys keys = ScoringKeys::from(ScoringKeys::pick(raw));
  // No data block: the shipped CIFAR-10 sample for cifar10, synthetic data
  // for the datasets without shipped images.
  const std::string dataset = out["space"].value("dataset", "cifar10");
  const json data = keys.data.is_null() ? json{{"name", dataset == "cifar10" ? "cifar10" : "synthetic"}} : keys.data;
  DataOptions d = DataOptions::from(data, "/data");
  if (d.seed < 0) d.seed = out.at("seed");
  out["data"] = d.to_json();
  InitKeys init = InitKeys::from(keys.init, "/init");
  if (init.seed < 0) init.seed = out.at("seed");
  out["init"] = init.to_json();
  if (cache) out.update(CacheKeys::from(CacheKeys::pick(raw)).to_json());
}

OptionSchema scoring_key_options(bool cache) {
  return cache ? concat(ScoringKeys::schema(), CacheKeys::schema()) : ScoringKeys::schema();
}

OptionSchema concat(OptionSchema a, const OptionSchema& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::shared_ptr<SearchSpace> make_pipeline_space(const json& resolved, const Registry& registry) {
  json o = resolved.at("space");
  const std::string name = o.at("name");
  o.erase("name");
  PluginContext ctx;
  ctx.seed = resolved.at("seed");
  return registry.make_space(name, o, ctx, "/space");
}

void require_metric(const SearchSpace& space, const std::string& metric, const std::string& path,
                    const std::string& when_none) {
  const auto metrics = space.metrics();
  if (std::find(metrics.begin(), metrics.end(), metric) != metrics.end()) return;
  if (metrics.empty()) throw PipelineError(path, when_none);
  std::string all;
  for (const auto& m : metrics) all += (all.empty() ? "" : ", ") + m;
  throw PipelineError(path, "unknown metric \"" + metric + "\"; the benchmark has: " + all);
}

double label_of(const SearchSpace& space, const Arch& arch, const std::string& metric) {
  const auto row = space.query(arch);
  if (!row) return std::nan("");
  const auto it = row->find(metric);
  return it == row->end() ? std::nan("") : it->second;
}

std::vector<Arch> every_arch(const SearchSpace& space, const std::string& run) {
  const auto size = space.size();
  if (!size)
    throw PipelineError("/space", run + " draws its archs from the whole space, and this space cannot enumerate "
                                        "them; use a space with a tabular benchmark");
  std::vector<Arch> out;
  std::set<std::string> seen;
  for (int64_t i = 0; i < *size; ++i) {
    Arch a = space.arch_at(i);
    if (seen.insert(space.identity(a)).second) out.push_back(std::move(a));
  }
  return out;
}

json resolve_sample_block(const json& raw, const std::string& key, const json& fallback, int64_t min, bool rest_ok) {
  const std::string path = "/" + key;
  const json block = raw.value(key, fallback);
  check_keys(block, {"sample"}, path);
  const json s = block.value("sample", fallback.at("sample"));
  const bool ok = (s.is_number_integer() && s.get<int64_t>() >= min) || (rest_ok && s == "rest");
  if (!ok)
    throw PipelineError(path + "/sample", "expected a number of archs >= " + std::to_string(min) +
                                              (rest_ok ? " or \"rest\"" : "") + ", got " + s.dump());
  return {{"sample", s}};
}

LabelledSplit split_labelled(const SearchSpace& space, std::vector<Arch> pool, const SplitRequest& r) {
  std::vector<Arch> labelled;
  std::vector<double> labels;
  for (auto& a : pool) {
    const double y = label_of(space, a, r.metric);
    if (std::isfinite(y)) labelled.push_back(std::move(a)), labels.push_back(y);
  }
  const int64_t available = static_cast<int64_t>(labelled.size());
  const int64_t n_second = r.second ? *r.second : available - r.first;
  const std::string what = std::to_string(available) + " archs have a " + r.metric + " label" + r.pool_note;
  if (r.first >= available)
    throw PipelineError(r.first_path, "asks for " + std::to_string(r.first) + " " + r.first_role + " archs but only " +
                                          what + ", and some must be left " + r.left_for);
  if (n_second < 2 || r.first + n_second > available)
    throw PipelineError(r.second_path, "asks for " + std::to_string(n_second) + " " + r.second_role + " archs besides " +
                                           std::to_string(r.first) + " " + r.first_role + " archs, but only " + what);
  std::vector<std::size_t> order(labelled.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  Rng rng(r.seed);
  rng.shuffle(order);
  LabelledSplit s;
  for (int64_t k = 0; k < r.first + n_second; ++k) {
    const std::size_t i = order[k];
    (k < r.first ? s.first : s.second).push_back(labelled[i]);
    (k < r.first ? s.first_y : s.second_y).push_back(labels[i]);
  }
  return s;
}

Executor& executor_of(const RunContext& context) {
  static const std::unique_ptr<Executor> local = local_executor();
  return context.executor ? *context.executor : *local;
}

std::string fixed(const json& v, int digits) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_number()) return v.dump();
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v.get<double>();
  return os.str();
}

}  // namespace nas
