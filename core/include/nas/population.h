// A population proxy: a score of each arch of a set that depends on the
// whole set, such as a rank sum (AZ-NAS, TE-NAS) or a majority vote
// (Zero-Cost-NAS). It is computed from per-arch proxies (its components,
// named as proxy plugins) once their scores over the set are known: after
// the per-arch scores of a score/correlate run, over a search's warmup pool,
// over a move proposal's candidates. It never sees a network, so it runs no
// passes and is as cheap as its arithmetic; the runs compute the components
// (from the score cache where it has them) and hand it their scores.
//
//   NAS_PLUGIN(population, "aznas", AzNas, "1.0", "sum of log normalised ranks ...")
//
// A score only compares archs of the same set: the same arch gets another
// value in another set, so a population proxy cannot be a search's
// objective (one arch at a time) and its scores are not cached.
#pragma once
#include <string>
#include <vector>

#include "nas/options.h"

namespace nas {

class PopulationProxy {
 public:
  virtual ~PopulationProxy() = default;

  /// The per-arch proxies it reads, by proxy plugin name (each computed with
  /// its default options unless the run lists it with others).
  virtual std::vector<std::string> components() const = 0;

  /// scores[c][k]: component c (components() order) on arch k, NaN/inf as
  /// computed. Returns one score per arch, higher is better.
  virtual std::vector<double> combine(const std::vector<std::vector<double>>& scores) const = 0;

  /// Figures a correlate run reports beside Spearman and Kendall, given the
  /// benchmark metric of each arch (NaN where unlabelled); none by default.
  virtual json against(const std::vector<std::vector<double>>& /*scores*/,
                       const std::vector<double>& /*target*/) const {
    return json::object();
  }
};

}  // namespace nas
