// The plugin contract. A plugin is one shared library exporting one entry,
// `nas_plugin_info` (a Boost.DLL alias), that returns a PluginInfo: the SDK
// ABI version, the LibTorch version it was built against, its kind, name,
// version, options and a factory. A plugin .cpp ends with one line:
//
//   NAS_PLUGIN(proxy, "synflow", Synflow, "1.0", "sum |W * dR/dW| ...")
//
// where Synflow has `static nas::OptionSchema options()` and a constructor
// `Synflow(const nas::json& options, const nas::PluginContext& context)`
// receiving its options with every default filled in.
//
// ABI rule (as LLVM's pass plugins): kNasPluginAbiVersion changes only when
// PluginInfo's layout or an interface's vtable changes. New fields go at the
// end and default to null.
#pragma once
#include <boost/dll/alias.hpp>
#include <cstdint>

#include "nas/options.h"
#include "nas/proxy.h"
#include "nas/run_kind.h"
#include "nas/space.h"
#include "nas/strategy.h"

#ifndef NAS_TORCH_VERSION
#error "NAS_TORCH_VERSION must be defined by the build (nas_add_plugin does it)"
#endif

namespace nas {

constexpr uint32_t kNasPluginAbiVersion = 1;

/// What a factory gets besides its options.
struct PluginContext {
  uint64_t seed = 0;                    // the component's own seed
  const SearchSpace* space = nullptr;   // strategies (and space-aware proxies)
  const Mutator* mutator = nullptr;     // strategies
  std::string data_dir;                 // spaces: where shipped data lives
};

namespace plugin_kind {
using space = SearchSpace;
using proxy = Proxy;
using strategy = Strategy;
using run = RunKind;
}  // namespace plugin_kind

struct PluginInfo {
  uint32_t abi_version;
  const char* torch_version;
  const char* kind;  // "space" | "proxy" | "strategy" | "run"
  const char* name;
  const char* version;
  const char* summary;
  OptionSchema (*options)();
  /// Returns a new object of the kind's interface (SearchSpace*, Proxy*,
  /// Strategy* or RunKind*) owned by the caller; throws nas::Error on bad
  /// options. A run kind's options are its pipeline keys, which it resolves
  /// itself: it is created with an empty object.
  void* (*create)(const json& options, const PluginContext& context);
};

using PluginEntry = const PluginInfo*();

}  // namespace nas

#define NAS_PLUGIN(kind, name_, Class, version_, summary_)                                     \
  namespace {                                                                                  \
  void* nas_plugin_create_(const ::nas::json& o, const ::nas::PluginContext& c) {              \
    return static_cast<::nas::plugin_kind::kind*>(new Class(o, c));                            \
  }                                                                                            \
  ::nas::OptionSchema nas_plugin_options_() { return Class::options(); }                      \
  }                                                                                            \
  extern "C" const ::nas::PluginInfo* nas_plugin_info_impl() {                                 \
    static const ::nas::PluginInfo info{::nas::kNasPluginAbiVersion,                           \
                                        NAS_TORCH_VERSION,                                     \
                                        #kind,                                                 \
                                        name_,                                                 \
                                        version_,                                              \
                                        summary_,                                              \
                                        &nas_plugin_options_,                                  \
                                        &nas_plugin_create_};                                  \
    return &info;                                                                              \
  }                                                                                            \
  BOOST_DLL_ALIAS(nas_plugin_info_impl, nas_plugin_info)
