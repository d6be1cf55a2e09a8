// The Zero-Cost-NAS majority vote (Abdelfattah et al. 2021), a population
// proxy: arch a beats arch b when the majority of the voting proxies
// (option "voters"; Zero-Cost-NAS: synflow, jacov, snip) score a above b; a
// tie between voters decides nothing. The authors report the pairwise
// ranking accuracy of that vote (against(): "pairwise_accuracy"); to give
// each arch a score that correlate and search can rank, nasrun uses the
// Copeland score: the number of archs a beats minus the number that beat
// it, divided by n - 1 (in [-1, 1]). Sorting by it orders the archs as
// consistently with the pairwise majority as any ranking can. A non-finite
// proxy score loses every comparison it takes part in.
#include <cmath>

#include "nas/errors.h"
#include "nas/plugin.h"
#include "nas/run_dir.h"

namespace {

// +1 when proxy values say a > b, -1 when a < b, 0 when tied. Non-finite
// loses to finite; two non-finite tie.
int compare(double a, double b) {
  const bool fa = std::isfinite(a), fb = std::isfinite(b);
  if (!fa || !fb) return fa == fb ? 0 : (fa ? 1 : -1);
  return a > b ? 1 : (a < b ? -1 : 0);
}

int majority(const std::vector<std::vector<double>>& s, std::size_t a, std::size_t b) {
  int sum = 0;
  for (const auto& p : s) sum += compare(p[a], p[b]);
  return sum > 0 ? 1 : (sum < 0 ? -1 : 0);
}

class Vote : public nas::PopulationProxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(nas::json, voters, (nas::json{"synflow", "jacov", "snip"}),
               "the voting proxies (at least 2 proxy names; Zero-Cost-NAS: synflow, jacov, snip)");
  };

  Vote(const Options& options, const nas::PluginContext&) {
    const nas::json& v = options.voters;
    if (!v.is_array() || v.size() < 2)
      throw nas::Error("voters: expected at least 2 proxy names, e.g. [\"synflow\", \"jacov\", \"snip\"], got " + v.dump());
    for (const auto& name : v) {
      if (!name.is_string()) throw nas::Error("voters: expected proxy names, got " + name.dump());
      voters_.push_back(name);
    }
  }

  std::vector<std::string> components() const override { return voters_; }

  std::vector<double> combine(const std::vector<std::vector<double>>& scores) const override {
    const std::size_t n = scores.empty() ? 0 : scores[0].size();
    std::vector<double> out(n, 0.0);
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = a + 1; b < n; ++b) {
        const int m = majority(scores, a, b);
        out[a] += m;
        out[b] -= m;
      }
    if (n > 1)
      for (double& v : out) v /= static_cast<double>(n - 1);
    return out;
  }

  /// The fraction of arch pairs (with distinct finite targets) the pairwise
  /// majority orders like the metric: the authors' figure.
  nas::json against(const std::vector<std::vector<double>>& scores, const std::vector<double>& target) const override {
    const std::size_t n = target.size();
    double agree = 0, pairs = 0;
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = a + 1; b < n; ++b) {
        const int t = compare(target[a], target[b]);
        if (t == 0 || !std::isfinite(target[a]) || !std::isfinite(target[b])) continue;
        pairs += 1;
        if (majority(scores, a, b) == t) agree += 1;
      }
    return {{"pairwise_accuracy", nas::finite_or_string(pairs > 0 ? agree / pairs : std::nan(""))}};
  }

 private:
  std::vector<std::string> voters_;
};

}  // namespace

NAS_PLUGIN(population, "vote", Vote, "1.0",
           "Copeland score of the voters' pairwise majority over the archs (Zero-Cost-NAS majority vote)")
