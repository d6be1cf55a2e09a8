// AZ-NAS progressivity (Lee & Ham, CVPR 2024): the smallest increase of the
// spectral entropy (cell_spectra.h) from one cell to the next, stem first;
// a network whose features lose expressivity somewhere scores low. NaN is
// -inf, as the reference reports it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "cell_spectra.h"
#include "nas/plugin.h"

namespace {

class AznasProgressivity : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCells; }

  double score(nas::Probes& probes) override {
    const std::vector<double> e = nas_proxies::cell_entropies(nas_proxies::aznas_features(probes));
    double least = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < e.size(); ++i) {
      const double step = e[i] - e[i - 1];  // float64 over the float32 entropies, as numpy
      if (std::isnan(step)) return -std::numeric_limits<double>::infinity();  // np.min propagates NaN
      least = std::min(least, step);
    }
    return least;
  }
};

}  // namespace

NAS_PLUGIN(proxy, "aznas_progressivity", AznasProgressivity, "1.0",
           "min over consecutive cells of the increase in spectral entropy of the features (AZ-NAS)")
