// Finding and loading plugins. Each library is opened once; a library that
// cannot be used is refused with one line naming the file and the reason,
// and never crashes the host. Objects made by a plugin keep its library
// loaded for as long as they live.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nas/plugin.h"

namespace boost::dll {
class shared_library;
}

namespace nas {

struct LoadedPlugin {
  std::string path;
  const PluginInfo* info = nullptr;
  std::shared_ptr<boost::dll::shared_library> library;
  OptionSchema options;
};

/// Loads one library. On failure returns nullptr and sets `error` to
/// "<path>: <reason>".
std::unique_ptr<LoadedPlugin> load_plugin(const std::string& path, std::string& error);

/// The directories scanned, in order: `explicit_dirs` (--plugin-path), then
/// NASRUN_PLUGIN_PATH (':'-separated), then the plugin folder next to the
/// running executable (build tree and install prefix alike), then the
/// configured install prefix.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& explicit_dirs);

class Registry {
 public:
  /// Scans `dirs` for *.so in order. The first plugin of a (kind, name)
  /// wins; later ones are refused as duplicates.
  void scan(const std::vector<std::string>& dirs);
  /// Loads one file (as scan does for each).
  void add(const std::string& path);

  /// One line per refused library.
  const std::vector<std::string>& refusals() const { return refusals_; }
  std::vector<const LoadedPlugin*> all() const;
  /// nullptr when absent.
  const LoadedPlugin* find(const std::string& kind, const std::string& name) const;
  /// Throws nas::Error "unknown <kind> '<name>'; available: ..." with a
  /// did-you-mean.
  const LoadedPlugin& require(const std::string& kind, const std::string& name) const;
  std::vector<std::string> names(const std::string& kind) const;

  /// Resolves `options` against the plugin's schema (errors name
  /// `json_path`) and builds the object.
  std::shared_ptr<SearchSpace> make_space(const std::string& name, const json& options,
                                          const PluginContext& ctx, const std::string& json_path) const;
  std::shared_ptr<Proxy> make_proxy(const std::string& name, const json& options,
                                    const PluginContext& ctx, const std::string& json_path) const;
  std::shared_ptr<PopulationProxy> make_population(const std::string& name, const json& options,
                                                  const PluginContext& ctx, const std::string& json_path) const;
  std::shared_ptr<Strategy> make_strategy(const std::string& name, const json& options,
                                          const PluginContext& ctx, const std::string& json_path) const;
  /// The run kind `name`; an unknown one is a PipelineError at /run.
  std::shared_ptr<RunKind> make_run(const std::string& name) const;

 private:
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<std::string> refusals_;
};

/// The plugin listing as `nasrun --list --json` prints it.
json describe_plugins(const Registry& registry);

}  // namespace nas
