// nwot (NASLib): for every ReLU call of one train-mode forward, the binary
// code c = (ReLU input > 0) per sample; K = sum over calls of
// c c^T + (1-c)(1-c)^T (64x64, float64 in the reference); score =
// log|det K| (np.linalg.slogdet, sign dropped). Singular K gives -inf.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Nwot : public nas::Proxy {
 public:
  Nwot(const nas::json&, const nas::PluginContext&) {}
  static nas::OptionSchema options() { return {}; }
  nas::ProbeSet needs() const override { return nas::kReluCodes; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const int64_t n = probes.batch().inputs.size(0);
    at::Tensor k = at::zeros({n, n}, probes.batch().inputs.options().dtype(at::kDouble));
    for (const auto& code : probes.relu_codes()) {
      // c c^T + (1-c)(1-c)^T = 2 c c^T - s_i - s_j + F (s = row sums, F =
      // features): integers, exact in float32 while every partial sum stays
      // below 2^24, i.e. F below 2^22.
      const int64_t features = code.size(1);
      const at::Tensor c = code.to(features < (int64_t{1} << 22) ? at::kFloat : at::kDouble);
      const at::Tensor s = c.sum(1);
      // c c^T as a 1x1 convolution of the codes with themselves: LibTorch
      // runs CPU convolutions on oneDNN, while mm goes to the build's BLAS
      // (Debian's reference BLAS is 15x slower here). Same exact integers.
      const at::Tensor as_conv = c.view({n, features, 1, 1});
      const at::Tensor cct = at::conv2d(as_conv, as_conv).view({n, n});
      k += (2 * cct - s.unsqueeze(1) - s.unsqueeze(0) + static_cast<double>(features)).to(at::kDouble);
    }
    return std::get<1>(at::linalg_slogdet(k.cpu())).item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "nwot", Nwot, "1.0",
           "log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T for binary activation codes c (NASLib nwot)")
