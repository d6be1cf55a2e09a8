// A proxy whose score() throws: the run must report it and go on.
#include "nas/plugin.h"
#include "nas/errors.h"

namespace {
class Throwing : public nas::Proxy {
 public:
  Throwing(const nas::json&, const nas::PluginContext&) {}
  static nas::OptionSchema options() { return {}; }
  nas::ProbeSet needs() const override { return nas::kNoProbe; }
  double score(nas::Probes&) override { throw nas::Error("deliberate failure inside the proxy"); }
};
}  // namespace

NAS_PLUGIN(proxy, "throwing", Throwing, "0.1", "always throws")
