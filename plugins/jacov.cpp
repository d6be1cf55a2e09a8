// jacov (zero-cost-nas jacob_cov; NASLib's jacov is the same): J = the
// per-sample gradient of the summed logits w.r.t. the input, one row per
// sample. In float64, as the reference does in numpy: C = corrcoef(J),
// v = eigenvalues of C, score = -sum(log(v + 1e-5) + 1 / (v + 1e-5)).
#include <ATen/ATen.h>

#include <limits>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Jacov : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kInputJacobian; }

  double score(nas::Probes& probes) override {
    const at::Tensor c = nas_proxies::corrcoef(probes.input_jacobian().cpu());
    // np.linalg.eig raises on NaN/inf (a constant row); the reference
    // catches it and scores NaN.
    if (!at::isfinite(c).all().item<bool>()) return std::numeric_limits<double>::quiet_NaN();
    // C is symmetric: its eigenvalues are real (numpy's eig returns the same
    // values through its general solver).
    const at::Tensor v = at::linalg_eigvalsh(c) + 1e-5;
    return -(at::log(v) + v.reciprocal()).sum().item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "jacov", Jacov, "1.0",
           "-sum(log(v+1e-5) + 1/(v+1e-5)), v = eigenvalues of corrcoef of the input Jacobian rows (zero-cost-nas jacob_cov)")
