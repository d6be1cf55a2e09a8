// tenas_ntk_cond (TE-NAS, Chen et al., ICLR 2021; get_ntk_n, train mode, one
// batch): the empirical NTK of the first `samples` inputs (TE-NAS's ntk
// batch size, 16), K = Phi Phi^T with Phi's rows the per-sample gradients of
// the summed logits w.r.t. every parameter named "*weight*"; score =
// lambda_max / lambda_min of K in float32, NaN -> 100000 as TE-NAS does.
#include <ATen/ATen.h>

#include <cmath>

#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class TenasNtkCond : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(int, samples, 16, "inputs of the NTK (TE-NAS's batch size for it)", nas::at_least(2));
  };
  TenasNtkCond(const Options& options, const nas::PluginContext&) : samples_(options.samples) {}

  nas::ProbeSet needs() const override { return nas::kSampleGrads; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const at::Tensor& phi = probes.sample_weight_grads(samples_);
    const at::Tensor k = phi.mm(phi.t());
    const at::Tensor eig = at::linalg_eigvalsh(k.cpu(), "U");  // ascending, as torch.symeig
    const double cond = (eig[-1] / eig[0]).item<float>();
    return std::isnan(cond) ? 100000.0 : cond;
  }

 private:
  int samples_;
};

}  // namespace

NAS_PLUGIN(proxy, "tenas_ntk_cond", TenasNtkCond, "1.0",
           "condition number of the empirical NTK on 16 inputs, weights only (TE-NAS)")
