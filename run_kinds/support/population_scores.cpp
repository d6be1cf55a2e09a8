#include "nas/population_scores.h"

#include <algorithm>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/registry.h"

namespace nas {

std::string entry_name(const json& entry) {
  if (entry.is_string()) return entry;
  if (entry.is_object() && entry.contains("name") && entry.at("name").is_string()) return entry.at("name");
  return "";
}

bool is_population(const Registry& registry, const std::string& name) {
  return registry.find("population", name) != nullptr && registry.find("proxy", name) == nullptr;
}

void resolve_proxy_list(const json& given, const json& populations_given, const Registry& registry, json& proxies,
                        json& populations, const std::string& path) {
  proxies = json::array();
  populations = json::array();
  if (populations_given.is_array())
    for (std::size_t i = 0; i < populations_given.size(); ++i)
      populations.push_back(resolve_plugin_block(populations_given[i], registry, "population",
                                                 "/populations/" + std::to_string(i)));
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string at = path + "/" + std::to_string(i);
    if (is_population(registry, entry_name(given[i]))) {
      const json block = resolve_plugin_block(given[i], registry, "population", at);
      if (std::find(populations.begin(), populations.end(), block) == populations.end()) populations.push_back(block);
    } else {
      proxies.push_back(resolve_plugin_block(given[i], registry, "proxy", at));
    }
  }
  // Each population's components, computed with default options unless the
  // list has them already.
  for (std::size_t i = 0; i < populations.size(); ++i) {
    for (const Population& p : make_populations(json::array({populations[i]}), json::array(), registry, path)) {
      for (const std::string& c : p.proxy->components()) {
        if (std::any_of(proxies.begin(), proxies.end(), [&](const json& b) { return b.at("name") == c; })) continue;
        try {
          proxies.push_back(resolve_plugin_block(c, registry, "proxy", path));
        } catch (const PipelineError& e) {
          throw PipelineError(path, "population proxy '" + p.name + "' reads the proxy '" + c +
                                        "', which is not available: " + e.what());
        }
      }
    }
  }
}

std::vector<std::vector<double>> Population::rows(const std::vector<std::vector<double>>& scores) const {
  std::vector<std::vector<double>> out;
  for (std::size_t c : components) out.push_back(scores.at(c));
  return out;
}

std::vector<double> Population::combine(const std::vector<std::vector<double>>& scores) const {
  if (scores.empty() || scores.at(0).empty()) return {};
  return proxy->combine(rows(scores));
}

std::vector<Population> make_populations(const json& populations, const json& proxies, const Registry& registry,
                                         const std::string& path) {
  std::vector<Population> out;
  for (const json& block : populations) {
    Population p;
    p.name = block.at("name");
    json options = block;
    options.erase("name");
    p.proxy = registry.make_population(p.name, options, PluginContext{}, path);
    if (!proxies.empty())
      for (const std::string& c : p.proxy->components()) {
        auto it = std::find_if(proxies.begin(), proxies.end(), [&](const json& b) { return b.at("name") == c; });
        if (it == proxies.end())
          throw PipelineError(path, "population proxy '" + p.name + "' reads '" + c + "'; add it to the proxies");
        p.components.push_back(static_cast<std::size_t>(it - proxies.begin()));
      }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace nas
