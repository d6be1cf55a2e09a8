#include "nas/registry.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "nas/errors.h"

namespace nas {
namespace fs = std::filesystem;

std::unique_ptr<LoadedPlugin> load_plugin(const std::string& path, std::string& error) {
  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  lib->load(path, ec, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  if (ec || !lib->is_loaded()) {
    // dlerror() says why (missing dependency, wrong ELF class, not ELF).
    std::string why = ec.message();
    if (void* h = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL)) {
      ::dlclose(h);
    } else if (const char* d = ::dlerror()) {
      why = d;
    }
    error = path + ": cannot be opened as a shared library (" + why + ")";
    return nullptr;
  }
  if (!lib->has("nas_plugin_info")) {
    error = path + ": not a nasrun plugin: no 'nas_plugin_info' entry (end the plugin source with NAS_PLUGIN(...))";
    return nullptr;
  }
  const PluginInfo* info = nullptr;
  try {
    info = lib->get_alias<PluginEntry>("nas_plugin_info")();
  } catch (const std::exception& e) {
    error = path + ": its 'nas_plugin_info' entry failed: " + e.what();
    return nullptr;
  }
  if (!info) {
    error = path + ": its 'nas_plugin_info' entry returned null";
    return nullptr;
  }
  if (info->abi_version != kNasPluginAbiVersion) {
    error = path + ": built for plugin ABI version " + std::to_string(info->abi_version) +
            ", this nasrun uses version " + std::to_string(kNasPluginAbiVersion) +
            "; rebuild the plugin against this nasrun's SDK";
    return nullptr;
  }
  if (!info->torch_version || std::string(info->torch_version) != NAS_TORCH_VERSION) {
    error = path + ": built against LibTorch " + (info->torch_version ? info->torch_version : "(unknown)") +
            ", this nasrun uses LibTorch " NAS_TORCH_VERSION "; rebuild the plugin against the same LibTorch";
    return nullptr;
  }
  const std::string kind = info->kind ? info->kind : "";
  if (kind != "space" && kind != "proxy" && kind != "population" && kind != "strategy" && kind != "run") {
    error = path + ": unknown plugin kind '" + kind + "' (expected space, proxy, population, strategy or run)";
    return nullptr;
  }
  if (!info->name || !*info->name || !info->create || !info->options) {
    error = path + ": incomplete plugin entry (name, options or factory missing)";
    return nullptr;
  }
  auto p = std::make_unique<LoadedPlugin>();
  p->path = path;
  p->info = info;
  p->library = lib;
  try {
    p->options = info->options();
  } catch (const std::exception& e) {
    error = path + ": its options() threw: " + e.what();
    return nullptr;
  }
  return p;
}

std::vector<std::string> plugin_search_path(const std::vector<std::string>& explicit_dirs) {
  std::vector<std::string> dirs = explicit_dirs;
  if (const char* env = std::getenv("NASRUN_PLUGIN_PATH")) {
    std::string s = env;
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t end = s.find(':', start);
      const std::string d = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!d.empty()) dirs.push_back(d);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  // Next to the executable: <prefix>/bin/nasrun -> <prefix>/lib/nasrun/plugins,
  // which is also the build tree's layout.
  boost::dll::fs::error_code ec;
  const auto exe = boost::dll::program_location(ec);
  if (!ec) dirs.push_back((fs::path(exe.string()).parent_path().parent_path() / NASRUN_PLUGIN_SUBDIR).string());
  dirs.push_back(NASRUN_INSTALL_PLUGIN_DIR);
  // The same folder reached twice is scanned once.
  std::vector<std::string> unique;
  std::vector<std::string> seen;
  for (const auto& d : dirs) {
    std::error_code e2;
    const auto canon = fs::weakly_canonical(d, e2).string();
    if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    unique.push_back(d);
  }
  return unique;
}

void Registry::scan(const std::vector<std::string>& dirs) {
  for (const auto& d : dirs) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) continue;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".so") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add(f);
  }
}

void Registry::add(const std::string& path) {
  std::string error;
  auto p = load_plugin(path, error);
  if (!p) {
    refusals_.push_back(error);
    return;
  }
  if (const auto* other = find(p->info->kind, p->info->name)) {
    if (fs::weakly_canonical(other->path) == fs::weakly_canonical(path)) return;
    refusals_.push_back(path + ": " + p->info->kind + " '" + p->info->name + "' is already provided by " +
                        other->path + "; remove one or give it another name");
    return;
  }
  plugins_.push_back(std::move(p));
}

std::vector<const LoadedPlugin*> Registry::all() const {
  std::vector<const LoadedPlugin*> out;
  for (const auto& p : plugins_) out.push_back(p.get());
  std::sort(out.begin(), out.end(), [](const LoadedPlugin* a, const LoadedPlugin* b) {
    return std::make_pair(std::string(a->info->kind), std::string(a->info->name)) <
           std::make_pair(std::string(b->info->kind), std::string(b->info->name));
  });
  return out;
}

const LoadedPlugin* Registry::find(const std::string& kind, const std::string& name) const {
  for (const auto& p : plugins_)
    if (kind == p->info->kind && name == p->info->name) return p.get();
  return nullptr;
}

std::vector<std::string> Registry::names(const std::string& kind) const {
  std::vector<std::string> out;
  for (const auto* p : all())
    if (kind == p->info->kind) out.push_back(p->info->name);
  return out;
}

const LoadedPlugin& Registry::require(const std::string& kind, const std::string& name) const {
  if (const auto* p = find(kind, name)) return *p;
  const auto known = names(kind);
  std::string msg = "unknown " + kind + " '" + name + "'";
  const std::string guess = did_you_mean(name, known);
  if (!guess.empty()) msg += ", did you mean \"" + guess + "\"?";
  std::string all;
  for (const auto& n : known) all += (all.empty() ? "" : ", ") + n;
  msg += known.empty() ? "; no " + kind + " plugins were found (check --plugin-path / NASRUN_PLUGIN_PATH)"
                       : "; available: " + all;
  throw Error(msg);
}

namespace {
template <class T>
std::shared_ptr<T> make(const Registry& r, const char* kind, const std::string& name, const json& options,
                        const PluginContext& ctx, const std::string& path) {
  const LoadedPlugin* p = nullptr;
  try {
    p = &r.require(kind, name);
  } catch (const Error& e) {
    throw PipelineError(path + "/name", e.what());
  }
  const json resolved = resolve_options(p->options, options, path + "/options");
  T* raw = nullptr;
  try {
    raw = static_cast<T*>(p->info->create(resolved, ctx));
  } catch (const PipelineError&) {
    throw;
  } catch (const std::exception& e) {
    throw PipelineError(path, std::string(kind) + " '" + name + "' could not be created: " + e.what());
  }
  // The object keeps its library loaded.
  auto lib = p->library;
  return std::shared_ptr<T>(raw, [lib](T* t) { delete t; });
}
}  // namespace

std::shared_ptr<SearchSpace> Registry::make_space(const std::string& name, const json& options,
                                                  const PluginContext& ctx, const std::string& path) const {
  return make<SearchSpace>(*this, "space", name, options, ctx, path);
}
std::shared_ptr<Proxy> Registry::make_proxy(const std::string& name, const json& options,
                                            const PluginContext& ctx, const std::string& path) const {
  return make<Proxy>(*this, "proxy", name, options, ctx, path);
}
std::shared_ptr<PopulationProxy> Registry::make_population(const std::string& name, const json& options,
                                                         const PluginContext& ctx, const std::string& path) const {
  return make<PopulationProxy>(*this, "population", name, options, ctx, path);
}
std::shared_ptr<Strategy> Registry::make_strategy(const std::string& name, const json& options,
                                                  const PluginContext& ctx, const std::string& path) const {
  return make<Strategy>(*this, "strategy", name, options, ctx, path);
}

std::shared_ptr<RunKind> Registry::make_run(const std::string& name) const {
  const LoadedPlugin* p = nullptr;
  try {
    p = &require("run", name);
  } catch (const Error& e) {
    throw PipelineError("/run", e.what());
  }
  auto* raw = static_cast<RunKind*>(p->info->create(json::object(), PluginContext{}));
  auto lib = p->library;
  return std::shared_ptr<RunKind>(raw, [lib](RunKind* r) { delete r; });
}

json describe_plugins(const Registry& registry) {
  json out = json::array();
  for (const auto* p : registry.all()) {
    json opts = json::array();
    for (const auto& o : p->options) {
      json j = {{"name", o.name}, {"type", to_string(o.type)}, {"default", o.default_value}, {"doc", o.doc}};
      if (std::isfinite(o.min)) j["min"] = o.min;
      if (std::isfinite(o.max)) j["max"] = o.max;
      if (o.min_exclusive) j["min_exclusive"] = true;  // x > min
      if (o.max_exclusive) j["max_exclusive"] = true;  // x < max
      if (!o.one_of.empty()) j["choices"] = o.one_of;
      if (o.optional) j["optional"] = true;  // may be left out (the doc says what that means)
      opts.push_back(j);
    }
    out.push_back({{"kind", p->info->kind},
                   {"name", p->info->name},
                   {"version", p->info->version ? p->info->version : ""},
                   {"summary", p->info->summary ? p->info->summary : ""},
                   {"path", p->path},
                   {"options", opts}});
  }
  return out;
}

}  // namespace nas
