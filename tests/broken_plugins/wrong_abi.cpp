// Claims a plugin ABI version this nasrun does not speak.
#include "nas/plugin.h"

namespace {
nas::OptionSchema no_options() { return {}; }
void* create(const nas::json&, const nas::PluginContext&) { return nullptr; }
}  // namespace

extern "C" const nas::PluginInfo* wrong_abi_info() {
  static const nas::PluginInfo info{999, NAS_TORCH_VERSION, "proxy", "future", "9.0", "from the future",
                                    &no_options, &create};
  return &info;
}
BOOST_DLL_ALIAS(wrong_abi_info, nas_plugin_info)
