// l2_norm (NASLib; no copy, no forward): the sum over conv/linear layers of
// the Frobenius norm of the weight as initialised.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class L2Norm : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kNoProbe; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> norms;
    for (const auto& layer : probes.layers()) norms.push_back(layer.weight.norm());
    return nas_proxies::sum_layers(norms);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "l2_norm", L2Norm, "1.0", "sum over conv/linear layers of ||W||_2 (NASLib l2_norm)")
