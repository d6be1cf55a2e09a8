// grasp (zero-cost-nas, T=1, one iteration): with g = dL/dW detached and
// H the Hessian of the loss w.r.t. the conv/linear weights, the score is the
// sum over those weights of -W * (H g).
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Grasp : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kWeightGrads | nas::kHessianGrad; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const auto& layers = probes.layers();
    const auto& hg = probes.hessian_grad();
    std::vector<at::Tensor> sums;
    for (std::size_t l = 0; l < layers.size(); ++l) sums.push_back((-layers[l].weight * hg[l]).sum());
    return nas_proxies::sum_layers(sums);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "grasp", Grasp, "1.0", "sum over conv/linear weights of -W * Hg, g = dL/dW (zero-cost-nas grasp)")
