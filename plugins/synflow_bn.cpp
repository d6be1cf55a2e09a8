// synflow_bn (zero-cost-nas, bn=True): synflow with every BatchNorm active in
// train mode on the single ones image (batch statistics over H*W), its
// affine parameters abs()ed like every other state tensor.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class SynflowBn : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kSynflowBn; }

  double score(nas::Probes& probes) override {
    std::vector<at::Tensor> sums;
    for (const auto& p : probes.synflow_products(/*batchnorm=*/true)) sums.push_back(p.abs().sum());
    return nas_proxies::sum_layers(sums);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "synflow_bn", SynflowBn, "1.0", "synflow with BatchNorm on in train mode (statistics of one image) (zero-cost-nas synflow_bn)")
