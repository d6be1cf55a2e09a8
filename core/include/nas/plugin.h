// The plugin contract. A plugin is one shared library exporting one entry,
// `nas_plugin_info` (a Boost.DLL alias), that returns a PluginInfo: the SDK
// ABI version, the LibTorch version it was built against, its kind, name,
// version, options and a factory. A plugin .cpp ends with one line:
//
//   NAS_PLUGIN(proxy, "synflow", Synflow, "1.0", "sum |W * dR/dW| ...")
//
// where Synflow declares its options and is constructed in one of these
// ways (the first that applies, for options() and construction alike):
//   - a nested `struct Options : nas::OptionSet<Options>` (options.h) and a
//     constructor `Synflow(const Options&, const nas::PluginContext&)`;
//   - `static nas::OptionSchema options()` and a constructor
//     `Synflow(const nas::json& options, const nas::PluginContext&)`
//     receiving its options with every default filled in;
//   - no options at all: a constructor `Synflow(const nas::PluginContext&)`
//     or a default constructor.
//
// ABI rule (as LLVM's pass plugins): kNasPluginAbiVersion changes only when
// PluginInfo's layout or an interface's vtable changes. New fields go at the
// end and default to null.
#pragma once
#include <boost/dll/alias.hpp>
#include <cstdint>
#include <type_traits>

#include "nas/options.h"
#include "nas/population.h"
#include "nas/proxy.h"
#include "nas/run_kind.h"
#include "nas/space.h"
#include "nas/strategy.h"

#ifndef NAS_TORCH_VERSION
#error "NAS_TORCH_VERSION must be defined by the build (nas_add_plugin does it)"
#endif

namespace nas {

// 2: SearchSpace::graph/graph_vocabulary, Mutator::proxy and Mutator::steered;
// nas::Network gained ForwardHooks::cell_output (a space's layout changed)
// and the "population" kind.
constexpr uint32_t kNasPluginAbiVersion = 2;

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
using population = PopulationProxy;
using strategy = Strategy;
using run = RunKind;
}  // namespace plugin_kind

struct PluginInfo {
  uint32_t abi_version;
  const char* torch_version;
  const char* kind;  // "space" | "proxy" | "population" | "strategy" | "run"
  const char* name;
  const char* version;
  const char* summary;
  OptionSchema (*options)();
  /// Returns a new object of the kind's interface (SearchSpace*, Proxy*,
  /// PopulationProxy*, Strategy* or RunKind*) owned by the caller; throws nas::Error on bad
  /// options. A run kind's options are its pipeline keys, which it resolves
  /// itself: it is created with an empty object.
  void* (*create)(const json& options, const PluginContext& context);
};

using PluginEntry = const PluginInfo*();

namespace detail {

template <class C, class = void>
struct has_options_function : std::false_type {};
template <class C>
struct has_options_function<C, std::void_t<decltype(C::options())>> : std::true_type {};

template <class C, class = void>
struct has_option_set : std::false_type {};
template <class C>
struct has_option_set<C, std::void_t<typename C::Options>> : std::true_type {};

/// NAS_PLUGIN's options(): C::Options::schema(), else C::options(), else none.
template <class C>
OptionSchema plugin_options() {
  if constexpr (has_option_set<C>::value) return C::Options::schema();
  else if constexpr (has_options_function<C>::value) return C::options();
  else return {};
}

/// NAS_PLUGIN's factory: C(C::Options, context), C(options, context),
/// C(context) or C(), the first that exists.
template <class Interface, class C>
Interface* plugin_create(const json& options, const PluginContext& context) {
  if constexpr (has_option_set<C>::value) {
    return new C(C::Options::from(options), context);
  } else if constexpr (std::is_constructible_v<C, const json&, const PluginContext&>) {
    return new C(options, context);
  } else if constexpr (std::is_constructible_v<C, const PluginContext&>) {
    return new C(context);
  } else {
    static_assert(std::is_default_constructible_v<C>,
                  "a plugin class is constructed from (const json&, const PluginContext&), "
                  "(const Options&, const PluginContext&), (const PluginContext&) or ()");
    return new C();
  }
}

}  // namespace detail
}  // namespace nas

#define NAS_PLUGIN(kind, name_, Class, version_, summary_)                                     \
  namespace {                                                                                  \
  void* nas_plugin_create_(const ::nas::json& o, const ::nas::PluginContext& c) {              \
    return ::nas::detail::plugin_create<::nas::plugin_kind::kind, Class>(o, c);                \
  }                                                                                            \
  ::nas::OptionSchema nas_plugin_options_() { return ::nas::detail::plugin_options<Class>(); } \
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
