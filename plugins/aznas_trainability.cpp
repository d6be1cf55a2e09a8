// AZ-NAS trainability (Lee & Ham, CVPR 2024): how far each cell's Jacobian
// is from an isometry, from one random vector-Jacobian product per cell
// (Probes::cell_vjps). For cell i, M = G_in^T G_out / rows with G the
// products as rows B*H*W x channels (g_in pixel-unshuffled to g_out's
// resolution where the cell down-samples), sigma = the largest singular
// value of M, t_i = -sigma - 1/(sigma + 1e-6) + 2 (0 at sigma = 1); a cell
// that passes g_out through unchanged gets -inf. The score is the mean of
// t_i; NaN is -inf, as the reference reports it.
#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "cell_spectra.h"
#include "nas/errors.h"
#include "nas/plugin.h"

namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

/// rows B*H*W x channels.
at::Tensor as_rows(const at::Tensor& g) { return g.permute({0, 2, 3, 1}).reshape({-1, g.size(1)}); }

double cell_trainability(const nas::CellVjp& v) {
  at::Tensor g_in = v.g_in;
  const at::Tensor& g_out = v.g_out;
  if (g_in.sizes() == g_out.sizes() && at::equal(g_in, g_out)) return kMinusInf;
  if (g_in.size(2) != g_out.size(2) || g_in.size(3) != g_out.size(3)) {
    const int64_t stride = g_in.size(2) / g_out.size(2);
    if (stride < 1 || g_in.size(2) != stride * g_out.size(2) || g_in.size(3) != stride * g_out.size(3))
      throw nas::Error("AZ-NAS trainability: a cell maps " + std::to_string(g_in.size(2)) + "x" +
                       std::to_string(g_in.size(3)) + " features to " + std::to_string(g_out.size(2)) + "x" +
                       std::to_string(g_out.size(3)) + ", not a whole down-sampling factor");
    g_in = at::pixel_unshuffle(g_in, stride);
  }
  const at::Tensor rows_out = as_rows(g_out);
  at::Tensor m = at::mm(as_rows(g_in).t(), rows_out) / rows_out.size(0);
  if (m.size(0) < m.size(1)) m = m.t();
  const double sigma = at::linalg_svdvals(m).max().item<double>();
  return -sigma - 1 / (sigma + 1e-6) + 2;
}

class AznasTrainability : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCells; }

  double score(nas::Probes& probes) override {
    nas_proxies::aznas_features(probes);  // refuses a space without cells
    const auto& vjps = probes.cell_vjps(nas_proxies::aznas_reinit(), nas_proxies::kAznasInput,
                                        nas_proxies::kAznasRademacher);
    at::NoGradGuard no_grad;
    double sum = 0;  // np.mean, in float64, from the last cell down
    for (auto it = vjps.rbegin(); it != vjps.rend(); ++it) sum += cell_trainability(*it);
    const double mean = sum / static_cast<double>(vjps.size());
    return std::isnan(mean) ? kMinusInf : mean;
  }
};

}  // namespace

NAS_PLUGIN(proxy, "aznas_trainability", AznasTrainability, "1.0",
           "mean over cells of -s - 1/s + 2, s = top singular value of a random cell Jacobian product (AZ-NAS)")
