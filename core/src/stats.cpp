#include "nas/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nas/errors.h"

namespace nas {

namespace {
// Non-finite scores become one value below every finite score, so they tie
// with each other and rank last.
std::vector<double> finite_or_lowest(const std::vector<double>& v) {
  double lo = std::numeric_limits<double>::infinity();
  for (double x : v)
    if (std::isfinite(x)) lo = std::min(lo, x);
  const double sentinel = std::isfinite(lo) ? lo - 1.0 - std::abs(lo) : 0.0;
  std::vector<double> out(v);
  for (double& x : out)
    if (!std::isfinite(x)) x = sentinel;
  return out;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

void check_sizes(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw Error("correlation of vectors of different lengths");
}
}  // namespace

std::vector<double> ranks(const std::vector<double>& values) {
  const std::vector<double> v = finite_or_lowest(values);
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_sizes(x, y);
  return pearson(ranks(x), ranks(y));
}

namespace {
// Counts inversions of `v` while merge-sorting it (Knight's algorithm).
uint64_t count_swaps(std::vector<double>& v, std::vector<double>& tmp, std::size_t lo, std::size_t hi) {
  if (hi - lo < 2) return 0;
  const std::size_t mid = (lo + hi) / 2;
  uint64_t swaps = count_swaps(v, tmp, lo, mid) + count_swaps(v, tmp, mid, hi);
  std::size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (v[j] < v[i]) {
      swaps += mid - i;
      tmp[k++] = v[j++];
    } else {
      tmp[k++] = v[i++];
    }
  }
  while (i < mid) tmp[k++] = v[i++];
  while (j < hi) tmp[k++] = v[j++];
  std::copy(tmp.begin() + lo, tmp.begin() + hi, v.begin() + lo);
  return swaps;
}

// Number of pairs tied in `sorted` (runs of equal values).
uint64_t tied_pairs(const std::vector<double>& sorted) {
  uint64_t t = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[i]) ++j;
    const uint64_t n = j - i + 1;
    t += n * (n - 1) / 2;
    i = j + 1;
  }
  return t;
}
}  // namespace

double kendall(const std::vector<double>& xs, const std::vector<double>& ys) {
  check_sizes(xs, ys);
  const std::vector<double> x = finite_or_lowest(xs), y = finite_or_lowest(ys);
  const std::size_t n = x.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
  });
  // Pairs tied in x, and tied in both.
  uint64_t tx = 0, txy = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
    const uint64_t m = j - i + 1;
    tx += m * (m - 1) / 2;
    for (std::size_t a = i; a <= j;) {
      std::size_t b = a;
      while (b + 1 <= j && y[order[b + 1]] == y[order[a]]) ++b;
      const uint64_t q = b - a + 1;
      txy += q * (q - 1) / 2;
      a = b + 1;
    }
    i = j + 1;
  }
  std::vector<double> ysorted(n), tmp(n);
  for (std::size_t i = 0; i < n; ++i) ysorted[i] = y[order[i]];
  const uint64_t swaps = count_swaps(ysorted, tmp, 0, n);
  const uint64_t ty = tied_pairs(ysorted);
  const double n0 = static_cast<double>(n) * (n - 1) / 2.0;
  const double concordant_minus_discordant =
      n0 - static_cast<double>(tx) - static_cast<double>(ty) + static_cast<double>(txy) - 2.0 * swaps;
  const double denom = std::sqrt((n0 - tx) * (n0 - ty));
  if (denom == 0) return std::numeric_limits<double>::quiet_NaN();
  return concordant_minus_discordant / denom;
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace nas
