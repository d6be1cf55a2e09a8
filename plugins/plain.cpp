// plain (zero-cost-nas): sum over conv/linear weights of dL/dW * W, signed.
// The terms cancel heavily, so the fixtures compare it against the sum of
// their magnitudes.
#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Plain : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kWeightGrads; }

  double score(nas::Probes& probes) override {
    return nas_proxies::sum_weight_times_grad(probes, /*magnitudes=*/false);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "plain", Plain, "1.0", "sum over conv/linear weights of dL/dW * W, signed (zero-cost-nas plain)")
