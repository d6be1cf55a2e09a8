// meco_pt (MeCo's foresight measure meco.py, used in their Zero-Cost-PT
// runs): meco on the network's own random 1x3x64x64 image instead of the
// batch (the hash Gaussian "meco:input" in place of torch.randn), dropping
// only NaN eigenvalues.
#include <ATen/ATen.h>

#include "channel_correlation.h"
#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class MecoPt : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kModuleOutputs; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const int64_t channels = probes.batch().inputs.size(1);
    const at::Tensor lambdas =
        nas_proxies::meco_min_eigenvalues(probes.module_outputs("meco:input", {1, channels, 64, 64}));
    return lambdas.masked_select(at::logical_not(at::isnan(lambdas))).sum().item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "meco_pt", MecoPt, "1.0",
           "meco on a random 1x3x64x64 image (MeCo's Zero-Cost-PT measure)")
