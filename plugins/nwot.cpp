// nwot (NASLib): for every ReLU call of one train-mode forward, the binary
// code c = (ReLU input > 0) per sample; K = sum over calls of
// c c^T + (1-c)(1-c)^T (64x64, float64 in the reference; Probes::relu_kernel);
// score = log|det K| (np.linalg.slogdet, sign dropped). Singular K gives -inf.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Nwot : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kReluCodes; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    return std::get<1>(at::linalg_slogdet(probes.relu_kernel().cpu())).item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "nwot", Nwot, "1.0",
           "log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T for binary activation codes c (NASLib nwot)")
