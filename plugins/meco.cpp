// meco (MeCo, Jiang et al., NeurIPS 2023; the paper's NB201 script
// NAS_Bench_201.py get_score): one train-mode forward of the batch's first
// image with a hook on every module; per module output the minimum
// eigenvalue of its channel correlation matrix (channel_correlation.h); score = the
// float32 sum of those over all module calls, NaN and +-inf dropped.
#include <ATen/ATen.h>

#include "channel_correlation.h"
#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Meco : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kModuleOutputs; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const at::Tensor lambdas = nas_proxies::meco_min_eigenvalues(probes.module_outputs(1));
    return lambdas.masked_select(at::isfinite(lambdas)).sum().item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "meco", Meco, "1.0",
           "sum over every module's output (one image) of the min eigenvalue of its channel correlation matrix (MeCo)")
