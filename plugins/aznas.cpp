// AZ-NAS (Lee & Ham, CVPR 2024) as its authors rank candidates
// (NB201/tss_general.ipynb): over the l archs being compared,
//   score = log(rank(FLOPs)/l) + sum over expressivity, progressivity and
//           trainability of log(rank/l),
// ranks as scipy.stats.rankdata (1 = lowest, ties share their mean), higher
// is better, so more FLOPs rank higher, as in the notebook. The authors read
// FLOPs from the NB201 API; nasrun's `flops` proxy counts the same network
// (tensorwatch's rules, checked against NAS-Bench-Suite-Zero's table). A
// non-finite component value ranks lowest (the reference's -inf does; NaN,
// which the components never return, is put there too).
#include <cmath>

#include "nas/plugin.h"
#include "nas/stats.h"

namespace {

class Aznas : public nas::PopulationProxy {
 public:
  std::vector<std::string> components() const override {
    return {"aznas_expressivity", "aznas_progressivity", "aznas_trainability", "flops"};
  }

  std::vector<double> combine(const std::vector<std::vector<double>>& scores) const override {
    const std::size_t l = scores.at(0).size();
    std::vector<double> out(l, 0.0);
    for (const auto& component : scores) {
      const std::vector<double> r = nas::ranks(component);
      for (std::size_t k = 0; k < l; ++k) out[k] += std::log(r[k] / static_cast<double>(l));
    }
    return out;
  }
};

}  // namespace

NAS_PLUGIN(population, "aznas", Aznas, "1.0",
           "sum of log(rank/l) of expressivity, progressivity, trainability and FLOPs over the l archs (AZ-NAS)")
