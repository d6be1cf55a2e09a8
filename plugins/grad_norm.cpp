// grad_norm (zero-cost-nas): one forward/backward of the mean cross-entropy
// in train mode; the sum over conv/linear layers of the Frobenius norm of
// each weight gradient.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class GradNorm : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kWeightGrads; }

  double score(nas::Probes& probes) override {
    std::vector<at::Tensor> norms;
    for (const auto& g : probes.weight_grads()) norms.push_back(g.norm());
    return nas_proxies::sum_layers(norms);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "grad_norm", GradNorm, "1.0", "sum over conv/linear layers of ||dL/dW||_2 (zero-cost-nas grad_norm)")
