// snip (zero-cost-nas): the gradient of the loss w.r.t. a ones mask on each
// conv/linear weight, i.e. W * dL/dW; score = sum of its magnitudes.
#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Snip : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kWeightGrads; }

  double score(nas::Probes& probes) override {
    return nas_proxies::sum_weight_times_grad(probes, /*magnitudes=*/true);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "snip", Snip, "1.0", "sum over conv/linear weights of |W * dL/dW| (zero-cost-nas snip)")
