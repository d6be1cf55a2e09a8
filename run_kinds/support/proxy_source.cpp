#include "nas/proxy_source.h"

#include <cmath>
#include <limits>

#include "nas/errors.h"
#include "nas/meta_model.h"
#include "nas/pipeline.h"
#include "nas/population_scores.h"
#include "nas/published_scores.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "nas/scorer.h"

namespace nas {

namespace {

// A proxy reference block, besides its use's own keys (warmup's pool, ...).
struct ProxyRefKeys : OptionSet<ProxyRefKeys> {
  NAS_OPTION(json, proxy, required, "the proxy: a name, or {\"name\": ..., <its options>}");
  NAS_OPTION(std::string, source, "compute",
             "compute: score the networks (through the score cache); nbsz: the published NAS-Bench-Suite-Zero "
             "scores (NB201 cifar10 / imagenet16; no computation)",
             one_of({"compute", "nbsz"}));
};

class ComputedSource : public ProxySource {
 public:
  ComputedSource(const json& ref, const json& pipeline, const SearchSpace& space, const Registry& registry,
                 const std::string& path)
      : name_(ref.at("proxy").at("name")),
        space_(space),
        evaluator_(pipeline, json::array({ref.at("proxy")}), {path + "/proxy"}, space, registry,
                   resolve_device(pipeline.at("device"))) {}

  double score(const Arch& arch) override {
    const ArchScores r = timed_score(evaluator_, arch);
    if (!r.errors[0].empty()) throw Error("proxy '" + name_ + "' failed on " + space_.to_string(arch) + ": " + r.errors[0]);
    return r.scores[0];
  }

  std::string describe() const override { return name_ + " (computed)"; }

 private:
  std::string name_;
  const SearchSpace& space_;
  Evaluator evaluator_;
};

// One proxy's published NAS-Bench-Suite-Zero scores (nas/published_scores.h).
class NbszSource : public ProxySource {
 public:
  NbszSource(const std::string& proxy, const SearchSpace& space, const json& space_block, const std::string& path)
      : proxy_(proxy),
        space_(space),
        scores_(read_published_scores(space, space_block, {proxy}, path + "/source",
                                      [&](std::size_t) { return path + "/proxy"; })) {}

  double score(const Arch& arch) override {
    auto it = scores_.by_identity.find(space_.identity(arch));
    return it == scores_.by_identity.end() ? std::numeric_limits<double>::quiet_NaN() : it->second[0];
  }

  std::string describe() const override {
    return proxy_ + " (published NAS-Bench-Suite-Zero scores, " + scores_.file + ")";
  }

 private:
  std::string proxy_;
  const SearchSpace& space_;
  PublishedScores scores_;
};

// A population proxy (nas/population.h) over its components' scores:
// computed together on one network per arch (one Evaluator, so they share
// probes and the score cache), or each published. It scores sets; one arch
// alone has no population score.
class PopulationSource : public ProxySource {
 public:
  PopulationSource(const json& ref, const json& pipeline, const SearchSpace& space, const Registry& registry,
                   const std::string& path)
      : population_(std::move(make_populations(json::array({ref.at("proxy")}), json::array(), registry,
                                               path + "/proxy")
                                  .at(0))),
        space_(space) {
    json blocks = json::array();
    for (const std::string& c : population_.proxy->components()) {
      const json component_ref = resolve_proxy_ref(json{{"proxy", c}, {"source", ref.at("source")}}, registry, {}, path);
      if (ref.at("source") == "compute") blocks.push_back(component_ref.at("proxy"));
      else published_.push_back(make_proxy_source(component_ref, pipeline, space, registry, path));
    }
    if (!blocks.empty())
      evaluator_ = std::make_unique<Evaluator>(pipeline, blocks, list_paths(path + "/proxy", blocks.size()), space,
                                               registry, resolve_device(pipeline.at("device")));
  }

  double score(const Arch&) override {
    throw Error("population proxy '" + population_.name +
                "' scores a set of archs against each other, not one arch; use it for warmup or move_proposal");
  }

  std::vector<double> score_set(const std::vector<Arch>& archs) override {
    const std::vector<std::string> names = population_.proxy->components();
    std::vector<std::vector<double>> scores(names.size());
    if (evaluator_) {
      for (const Arch& arch : archs) {
        const ArchScores r = timed_score(*evaluator_, arch);
        for (std::size_t c = 0; c < names.size(); ++c) {
          if (!r.errors[c].empty())
            throw Error("proxy '" + names[c] + "' failed on " + space_.to_string(arch) + ": " + r.errors[c]);
          scores[c].push_back(r.scores[c]);
        }
      }
    } else {
      for (std::size_t c = 0; c < names.size(); ++c) {
        const double before = published_[c]->seconds();
        scores[c] = published_[c]->score_set(archs);
        spent(published_[c]->seconds() - before);
      }
    }
    return population_.proxy->combine(scores);
  }

  std::string describe() const override {
    std::string names;
    for (const std::string& c : population_.proxy->components()) names += (names.empty() ? "" : ", ") + c;
    return population_.name + " (population proxy over " + names + (evaluator_ ? ", computed)" : ", published)");
  }

 private:
  Population population_;
  const SearchSpace& space_;
  std::unique_ptr<Evaluator> evaluator_;
  std::vector<std::shared_ptr<ProxySource>> published_;
};

}  // namespace

json resolve_proxy_ref(const json& block, const Registry& registry, const OptionSchema& extra,
                       const std::string& path) {
  if (!block.is_object()) throw PipelineError(path, "expected {\"proxy\": \"synflow\", ...}");
  json out = resolve_options(concat(ProxyRefKeys::schema(), extra), block, path);
  // The proxy itself: a name or a flat {"name", options} block.
  json p = out.at("proxy").is_string() ? json{{"name", out.at("proxy")}} : out.at("proxy");
  if (!p.is_object() || !p.contains("name") || !p.at("name").is_string())
    throw PipelineError(path + "/proxy", "expected a proxy name or {\"name\": ..., <options>}");
  const std::string name = p.at("name");
  if (name == "meta") {  // the learned meta-proxy: its model's meta.json says where its features come from
    if (block.contains("source") && block.at("source") != "compute")
      throw PipelineError(path + "/source", "a meta model takes its proxies' source from its meta.json; remove \"source\"");
    json opts = p;
    opts.erase("name");
    out["proxy"] = MetaProxyKeys::from(opts, path + "/proxy").to_json();
    if (out["proxy"].at("model") == "")
      throw PipelineError(path + "/proxy/model", "missing: the model.json a fit_meta run wrote, e.g. \"runs/x/model.json\"");
    out["proxy"]["name"] = name;
    out.erase("source");
    return out;
  }
  if (is_population(registry, name)) {  // its components come from the same source
    out["proxy"] = resolve_plugin_block(p, registry, "population", path + "/proxy");
    return out;
  }
  if (out.at("source") == "nbsz") {
    out["proxy"] = {{"name", name}};
    return out;
  }
  const LoadedPlugin* plugin = nullptr;
  try {
    plugin = &registry.require("proxy", name);
  } catch (const Error& e) {
    throw PipelineError(path + "/proxy", e.what());
  }
  json opts = p;
  opts.erase("name");
  json resolved = resolve_options(plugin->options, opts, path + "/proxy");
  resolved["name"] = name;
  out["proxy"] = resolved;
  return out;
}

std::shared_ptr<ProxySource> make_proxy_source(const json& ref, const json& pipeline, const SearchSpace& space,
                                               const Registry& registry, const std::string& path) {
  const std::string name = ref.at("proxy").at("name");
  if (name == "meta") return make_meta_source(ref.at("proxy"), pipeline, space, registry, path);
  if (is_population(registry, name)) return std::make_shared<PopulationSource>(ref, pipeline, space, registry, path);
  if (ref.at("source") == "nbsz") return std::make_shared<NbszSource>(name, space, pipeline.at("space"), path);
  return std::make_shared<ComputedSource>(ref, pipeline, space, registry, path);
}

}  // namespace nas
