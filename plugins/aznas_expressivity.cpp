// AZ-NAS expressivity (Lee & Ham, CVPR 2024): the sum over the stem and every
// cell of the spectral entropy of its features (cell_spectra.h), on the
// Kaiming re-initialised copy and the AZ-NAS Gaussian input. Higher is more
// expressive; NaN (a zero feature map, or float32 eigenvalue noise below
// -1e-8 of the trace) is -inf, as the reference reports it.
#include <cmath>
#include <limits>

#include "cell_spectra.h"
#include "nas/plugin.h"

namespace {

class AznasExpressivity : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCells; }

  double score(nas::Probes& probes) override {
    double sum = 0;  // np.sum of the float32 entropies, in float64
    for (double e : nas_proxies::cell_entropies(nas_proxies::aznas_features(probes))) sum += e;
    return std::isnan(sum) ? -std::numeric_limits<double>::infinity() : sum;
  }
};

}  // namespace

NAS_PLUGIN(proxy, "aznas_expressivity", AznasExpressivity, "1.0",
           "sum over stem and cells of the spectral entropy of the features, Kaiming re-initialised copy (AZ-NAS)")
