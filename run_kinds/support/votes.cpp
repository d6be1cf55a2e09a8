#include "nas/votes.h"

#include <cmath>

namespace nas {

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
}  // namespace

std::vector<double> copeland_vote(const std::vector<std::vector<double>>& scores) {
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

double vote_pairwise_accuracy(const std::vector<std::vector<double>>& scores, const std::vector<double>& target) {
  const std::size_t n = target.size();
  double agree = 0, pairs = 0;
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) {
      const int t = compare(target[a], target[b]);
      if (t == 0 || !std::isfinite(target[a]) || !std::isfinite(target[b])) continue;
      pairs += 1;
      if (majority(scores, a, b) == t) agree += 1;
    }
  return pairs > 0 ? agree / pairs : std::nan("");
}

}  // namespace nas
