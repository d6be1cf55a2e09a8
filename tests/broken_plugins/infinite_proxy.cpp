// A valid proxy named "infinite" that scores every arch +inf: a search
// whose objective it is must tell the strategy +inf (the best value), not
// NaN (the worst), when the value is read back from the log.
#include <limits>

#include "nas/plugin.h"

namespace {
class Infinite : public nas::Proxy {
 public:
  Infinite(const nas::json&, const nas::PluginContext&) {}
  static nas::OptionSchema options() { return {}; }
  nas::ProbeSet needs() const override { return nas::kNoProbe; }
  double score(nas::Probes&) override { return std::numeric_limits<double>::infinity(); }
};
}  // namespace

NAS_PLUGIN(proxy, "infinite", Infinite, "0.1", "returns +inf")
