// Population proxies in runs (nas/population.h): which entries of a proxy
// list are population proxies, the per-arch proxies they read, and their
// scores over a set of archs. score/correlate combine after every arch is
// scored; a search's warmup and move proposal through ProxySource::score_set.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "nas/options.h"
#include "nas/population.h"

namespace nas {

class Registry;

/// The name of a proxy list entry (a name or {"name", ...}); "" if neither.
std::string entry_name(const json& entry);

/// True when `name` is a population plugin and no per-arch proxy has it.
bool is_population(const Registry& registry, const std::string& name);

/// A proxy list as people write it (names or {"name", <options>} blocks,
/// per-arch and population proxies mixed; errors name `path`/i) split into
///   proxies:     the per-arch blocks resolved, then each population's
///                components that the list lacks (with default options);
///   populations: the population blocks resolved ({"name", <options>}), in
///                list order, after `populations` (already resolved ones,
///                read back from a resolved pipeline).
void resolve_proxy_list(const json& given, const json& populations_given, const Registry& registry, json& proxies,
                        json& populations, const std::string& path);

/// A population proxy with its components' places in a per-arch list.
struct Population {
  std::string name;
  std::shared_ptr<PopulationProxy> proxy;
  std::vector<std::size_t> components;  // index into the per-arch proxies
  /// The components' rows of scores[proxy][arch].
  std::vector<std::vector<double>> rows(const std::vector<std::vector<double>>& scores) const;
  /// The population's score of each arch of scores[proxy][arch].
  std::vector<double> combine(const std::vector<std::vector<double>>& scores) const;
};

/// Builds resolved population blocks; `proxies` are the resolved per-arch
/// blocks their components are found in (by name; an absent one is an error
/// at `path`).
std::vector<Population> make_populations(const json& populations, const json& proxies, const Registry& registry,
                                         const std::string& path);

}  // namespace nas
