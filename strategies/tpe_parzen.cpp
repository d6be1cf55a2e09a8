#include "tpe_parzen.h"

#include <algorithm>
#include <cmath>

#include "nas/errors.h"

namespace nas::tpe {

int default_gamma(int n) { return std::min(static_cast<int>(std::ceil(0.1 * n)), 25); }

std::vector<double> default_weights(int n) {
  constexpr int kFlat = 25;
  if (n < kFlat) return std::vector<double>(static_cast<std::size_t>(n), 1.0);
  // numpy.linspace(1/n, 1, num=n - 25): the oldest n - 25 observations.
  const int ramp = n - kFlat;
  std::vector<double> weights(static_cast<std::size_t>(n), 1.0);
  const double start = 1.0 / n;
  for (int i = 0; i < ramp; ++i)
    weights[i] = ramp == 1 ? start : start + (1.0 - start) * i / (ramp - 1);
  return weights;
}

CategoricalParzenEstimator::CategoricalParzenEstimator(const std::vector<double>& choice_weights,
                                                       int n_observations, double prior_weight) {
  if (!(prior_weight > 0)) throw Error("tpe: prior_weight must be positive, got " + std::to_string(prior_weight));
  const double n_choices = static_cast<double>(choice_weights.size());
  double observed_weight = 0;
  for (double w : choice_weights) observed_weight += w;
  const double softening = prior_weight / (n_observations + 1);
  const double kernel_norm = 1.0 + n_choices * softening;
  const double mixture_norm = observed_weight + prior_weight;

  probabilities_.reserve(choice_weights.size());
  for (double w : choice_weights)
    probabilities_.push_back(((observed_weight * softening + w) / kernel_norm + prior_weight / n_choices) /
                             mixture_norm);
  double total = 0;
  for (double p : probabilities_) {
    total += p;
    cumulative_.push_back(total);
    log_probabilities_.push_back(std::log(p));
  }
}

int CategoricalParzenEstimator::sample(Rng& rng) const {
  // Optuna counts the cumulative probabilities below a uniform quantile;
  // the clamp guards a last cumulative value a rounding error under 1.
  const double quantile = rng.uniform();
  const auto below = std::lower_bound(cumulative_.begin(), cumulative_.end(), quantile) - cumulative_.begin();
  return static_cast<int>(std::min<std::ptrdiff_t>(below, static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
}

int choose_by_expected_improvement(const CategoricalParzenEstimator& below, const CategoricalParzenEstimator& above,
                                   int n_candidates, Rng& rng) {
  int best = below.sample(rng);
  double best_score = below.log_pdf(best) - above.log_pdf(best);
  for (int i = 1; i < n_candidates; ++i) {
    const int candidate = below.sample(rng);
    const double score = below.log_pdf(candidate) - above.log_pdf(candidate);
    if (score > best_score) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

}  // namespace nas::tpe
