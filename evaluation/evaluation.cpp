#include "nas/evaluation.h"

#include <chrono>

#include "nas/data.h"
#include "nas/registry.h"

namespace nas {

json score_cache_context(const json& proxy, const json& scoring, const Registry& registry, c10::Device device) {
  json context = {{"space", scoring.at("space")},
                  {"proxy", proxy},
                  {"proxy_version", registry.require("proxy", proxy.at("name")).info->version},
                  {"init", scoring.at("init")},
                  {"data", scoring.at("data")}};
  // CUDA sums in another order than the CPU (zico moves by up to 2e-2, an
  // eigen-solver's -inf comes and goes), so a CPU run must never be served
  // GPU scores, nor the reverse. The CPU key has no "device", so caches
  // filled before the GPU was keyed apart stay valid.
  if (device.is_cuda()) context["device"] = "cuda";
  return context;
}

std::vector<std::string> list_paths(const std::string& list_path, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(list_path + "/" + std::to_string(i));
  return out;
}

Evaluator::Evaluator(const json& scoring, const json& proxies, const std::vector<std::string>& paths,
                     const SearchSpace& space, const Registry& registry, c10::Device device, bool write_cache)
    : space_(space), device_(device) {
  const bool use_cache = scoring.value("cache", true);
  std::vector<NamedProxy> named;
  for (std::size_t i = 0; i < proxies.size(); ++i) {
    json o = proxies[i];
    const std::string name = o.at("name");
    if (use_cache)
      caches_.push_back(
          std::make_unique<ScoreCache>(score_cache_context(o, scoring, registry, device), "", write_cache));
    o.erase("name");
    PluginContext context;
    context.seed = scoring.value("seed", json(0)).get<uint64_t>();
    context.space = &space;
    named.push_back({name, registry.make_proxy(name, o, context, paths.at(i))});
  }
  const json& init = scoring.at("init");
  Batch batch = make_batch(scoring.at("data"), space.num_classes(), "/data", device);
  scorer_ = std::make_unique<Scorer>(space, std::move(named), std::move(batch),
                                     InitSpec{init.at("kind"), init.at("seed").get<uint64_t>()}, device);
}

void Evaluator::remember(const Arch& arch, const std::vector<double>& scores, const std::vector<std::string>& errors) {
  const std::string id = space_.identity(arch);
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t p = 0; p < caches_.size(); ++p)
    if (errors.at(p).empty()) caches_[p]->put(id, scores.at(p));
}

ArchScores Evaluator::score(const Arch& arch) {
  const std::string id = space_.identity(arch);
  if (!caches_.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    ArchScores s;
    for (const auto& cache : caches_) {
      const auto c = cache->get(id);
      if (!c) break;
      s.scores.push_back(*c);
      s.seconds.push_back(0.0);
      s.errors.emplace_back();
    }
    if (s.scores.size() == caches_.size()) {
      s.cached = true;
      return s;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  ArchScores s = scorer_->score(arch);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  remember(arch, s.scores, s.errors);
  return s;
}

double ProxySource::seconds() const {
  std::lock_guard<std::mutex> lock(seconds_mutex_);
  const auto it = seconds_.find(std::this_thread::get_id());
  return it == seconds_.end() ? 0.0 : it->second;
}

void ProxySource::spent(double seconds) {
  std::lock_guard<std::mutex> lock(seconds_mutex_);
  seconds_[std::this_thread::get_id()] += seconds;
}

ArchScores ProxySource::timed_score(Evaluator& evaluator, const Arch& arch) {
  const auto t0 = std::chrono::steady_clock::now();
  ArchScores r = evaluator.score(arch);
  if (!r.cached) spent(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return r;
}

double Evaluator::seconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return seconds_;
}

}  // namespace nas
