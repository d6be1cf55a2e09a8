// A complete nasrun proxy built outside the nasrun tree: the sum of |W| over
// every conv/linear weight, optionally divided by the number of weights.
// Build it against an installed nasrun (see README, "Writing a proxy").
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class WeightL1 : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(bool, per_weight, false, "divide by the number of weights");
  };

  WeightL1(const Options& options, const nas::PluginContext&) : per_weight_(options.per_weight) {}

  // No pass at all: the weights are read as they are (gradients would be
  // e.g. nas::kWeightGrads | nas::kLabels).
  nas::ProbeSet needs() const override { return nas::kNoProbe; }

  double score(nas::Probes& probes) override {
    double sum = 0, count = 0;
    for (const auto& layer : probes.layers()) {
      sum += layer.weight.abs().sum().item<double>();
      count += static_cast<double>(layer.weight.numel());
    }
    return per_weight_ ? sum / count : sum;
  }

 private:
  bool per_weight_;
};

}  // namespace

NAS_PLUGIN(proxy, "my_proxy", WeightL1, "1.0", "sum of |W| over conv/linear weights")
