// TE-NAS (Chen, Gong & Wang, ICLR 2021) as the paper combines its two
// indicators: each arch's rank by NTK condition number (lower is better:
// better trainability) plus its rank by the number of linear regions
// (higher is better: more expressive), over the archs being compared. Ranks
// as scipy.stats.rankdata (1 = worst here, ties share their mean), so the
// rank sum is higher for better archs. A non-finite value ranks worst (the
// condition number's NaN is already 100000 in tenas_ntk_cond, as TENAS
// writes it).
#include <cmath>

#include "nas/plugin.h"
#include "nas/stats.h"

namespace {

class Tenas : public nas::PopulationProxy {
 public:
  std::vector<std::string> components() const override { return {"tenas_ntk_cond", "tenas_linear_regions"}; }

  std::vector<double> combine(const std::vector<std::vector<double>>& scores) const override {
    std::vector<double> negated_cond;
    for (double v : scores.at(0)) negated_cond.push_back(-v);  // lower condition number ranks higher
    const std::vector<double> by_cond = nas::ranks(negated_cond), by_regions = nas::ranks(scores.at(1));
    std::vector<double> out(by_cond.size());
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = by_cond[k] + by_regions[k];
    return out;
  }
};

}  // namespace

NAS_PLUGIN(population, "tenas", Tenas, "1.0",
           "rank by NTK condition number (lower better) + rank by linear regions (higher better) over the archs (TE-NAS)")
