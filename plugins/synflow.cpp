// synflow (zero-cost-nas, bn=False): every BatchNorm is the identity, every
// state tensor abs()ed, the network in float64; R = sum of the logits of a
// ones(1, C, H, W) input; score = sum over conv/linear weights of |W dR/dW|.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Synflow : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kSynflow; }

  double score(nas::Probes& probes) override {
    std::vector<at::Tensor> sums;
    for (const auto& p : probes.synflow_products(/*batchnorm=*/false)) sums.push_back(p.abs().sum());
    return nas_proxies::sum_layers(sums);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "synflow", Synflow, "1.0", "sum of |W * dR/dW| on an abs'ed float64 copy, BN off, R = sum of logits of ones(1,C,H,W) (zero-cost-nas synflow)")
