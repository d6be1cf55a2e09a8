// What the predictor-based strategies (bananas, brp) share: the evaluated
// archs they train on, a Gaussian draw from the strategy's Rng, and failed
// evaluations made worst. Header-only: each strategy is its own plugin
// library.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nas/random.h"
#include "nas/space.h"

namespace nas::strategies {

/// An evaluated arch: a predictor's training example.
struct Told {
  Arch arch;
  double value;
};

/// A standard normal draw (Box-Muller).
inline double standard_normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform();  // (0, 1]
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/// The values with each NaN (a failed evaluation) replaced by one below the
/// worst finite value (by the values' spread, or 1 when they have none), so
/// a regression model sees failures as worst; all NaN gives all 0.
inline std::vector<double> failures_as_worst(const std::vector<double>& values) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values)
    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) return std::vector<double>(values.size(), 0.0);
  const double worst = lo - (hi > lo ? hi - lo : 1.0);
  std::vector<double> out;
  for (double v : values) out.push_back(std::isnan(v) ? worst : v);
  return out;
}

}  // namespace nas::strategies
