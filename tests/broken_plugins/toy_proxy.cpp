// A valid minimal proxy named "toy": built twice (duplicate name) and once
// against a LibTorch version string that is not this one.
#include "nas/plugin.h"

namespace {
class Toy : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(double, value, 1.5, "the score it returns");
  };
  Toy(const Options& o, const nas::PluginContext&) : value_(o.value) {}
  nas::ProbeSet needs() const override { return nas::kNoProbe; }
  double score(nas::Probes&) override { return value_; }

 private:
  double value_;
};
}  // namespace

NAS_PLUGIN(proxy, "toy", Toy, "0.1", "returns a constant")
