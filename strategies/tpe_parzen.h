// The math of TPE for categorical parameters, as Optuna 3.1 does it
// (optuna/samplers/_tpe/parzen_estimator.py and the default functions of
// sampler.py). The sampler (tpe.cpp) only orchestrates.
#pragma once
#include <vector>

#include "nas/random.h"

namespace nas::tpe {

/// How many of n observations form the "good" density l(x): Optuna's
/// default_gamma, min(ceil(0.1 n), 25).
int default_gamma(int n);

/// Weights of n observations in chronological order (oldest first):
/// Optuna's default_weights. Flat (all 1) for n < 25; otherwise the newest
/// 25 get 1 and the older n - 25 a linear ramp from 1/n up to 1.
std::vector<double> default_weights(int n);

/// The categorical Parzen estimator of one parameter. Optuna's mixture has
/// one component per observation i (weight w_i), a one-hot kernel at its
/// choice softened by prior_weight / (n + 1) on every choice and normalized,
/// plus a uniform prior component of weight prior_weight; mixture weights are
/// normalized. Summed over components this is, with C choices, W = sum w_i
/// and v = prior_weight / (n + 1),
///
///   p(x) = [ (W v + sum_{i: choice_i = x} w_i) / (1 + C v) + prior_weight / C ] / (W + prior_weight)
///
/// so it is built from per-choice weight sums, not the observation list.
/// Sampling this marginal gives the distribution Optuna's two-stage draw
/// (component, then choice) gives, with one random number per sample.
class CategoricalParzenEstimator {
 public:
  /// `choice_weights[x]`: the summed weights of the observations at choice
  /// x; `n_observations`: how many there are. prior_weight > 0.
  CategoricalParzenEstimator(const std::vector<double>& choice_weights, int n_observations, double prior_weight);

  /// One draw, by inverse CDF as Optuna's _sample_from_categorical_dist.
  int sample(Rng& rng) const;
  double log_pdf(int choice) const { return log_probabilities_[choice]; }
  const std::vector<double>& probabilities() const { return probabilities_; }

 private:
  std::vector<double> probabilities_;
  std::vector<double> cumulative_;
  std::vector<double> log_probabilities_;
};

/// TPE's choice for one parameter: `n_candidates` draws from the good
/// density l, and the one maximizing log l(x) - log g(x) (the first drawn
/// among equals, as numpy's argmax).
int choose_by_expected_improvement(const CategoricalParzenEstimator& below, const CategoricalParzenEstimator& above,
                                   int n_candidates, Rng& rng);

}  // namespace nas::tpe
