// The REINFORCE policy of the `reinforce` strategy, apart from the plugin so
// that its arithmetic can be checked by hand (tests/test_strategies.cpp):
// one categorical distribution per space dimension over its logits, the
// policy gradient of loss = -log p(arch) * advantage, and the two pieces of
// the NAS-Bench-201 / NATS-Bench authors' exps/NATS-algos/reinforce.py it
// needs, written out because the policy is a few dozen numbers:
//   - Adam exactly as torch.optim.Adam (betas 0.9/0.999, eps 1e-8, no weight
//     decay, bias-corrected; the step counter advances on every step);
//   - their ExponentialMovingAverage baseline (bias-corrected: after the
//     first update it equals the first value).
// Header-only: each strategy is its own plugin library.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "nas/arch.h"
#include "nas/random.h"

namespace nas::strategies {

/// Softmax of one dimension's logits, shifted by their maximum so that no
/// exponent overflows.
inline std::vector<double> softmax(const std::vector<double>& logits) {
  const double top = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(logits.size());
  double sum = 0;
  for (std::size_t k = 0; k < logits.size(); ++k) sum += p[k] = std::exp(logits[k] - top);
  for (double& x : p) x /= sum;
  return p;
}

/// The moving average NATS-Bench uses as the REINFORCE baseline.
class ExponentialMovingAverage {
 public:
  explicit ExponentialMovingAverage(double momentum) : momentum_(momentum) {}
  void update(double value) {
    numerator_ = momentum_ * numerator_ + (1 - momentum_) * value;
    denominator_ = momentum_ * denominator_ + (1 - momentum_);
  }
  /// The average; only meaningful after one update.
  double value() const { return numerator_ / denominator_; }

 private:
  double momentum_;
  double numerator_ = 0, denominator_ = 0;
};

/// torch.optim.Adam over a flat parameter vector.
class Adam {
 public:
  explicit Adam(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
      : lr_(lr), beta1_(beta1), beta2_(beta2), eps_(eps) {}

  void step(std::vector<double>& params, const std::vector<double>& grads) {
    if (m_.size() != params.size()) m_.assign(params.size(), 0), v_.assign(params.size(), 0);
    ++t_;
    const double bc1 = 1 - std::pow(beta1_, t_), bc2 = 1 - std::pow(beta2_, t_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      m_[i] = beta1_ * m_[i] + (1 - beta1_) * grads[i];
      v_[i] = beta2_ * v_[i] + (1 - beta2_) * grads[i] * grads[i];
      params[i] -= lr_ / bc1 * m_[i] / (std::sqrt(v_[i]) / std::sqrt(bc2) + eps_);
    }
  }

  /// Forgets the moments and the step count (a fresh optimizer).
  void reset() { m_.clear(), v_.clear(), t_ = 0; }

 private:
  double lr_, beta1_, beta2_, eps_;
  std::vector<double> m_, v_;
  int t_ = 0;
};

/// Independent categoricals, one per dimension, with logits starting at 0
/// (the uniform distribution).
class CategoricalPolicy {
 public:
  CategoricalPolicy(const std::vector<std::size_t>& choices_per_dimension, double learning_rate)
      : adam_(learning_rate) {
    for (std::size_t n : choices_per_dimension) offsets_.push_back(logits_.size()), sizes_.push_back(n),
                                                logits_.resize(logits_.size() + n, 0.0);
  }

  std::size_t dimensions() const { return sizes_.size(); }
  std::vector<double> logits(std::size_t d) const {
    return {logits_.begin() + static_cast<std::ptrdiff_t>(offsets_[d]),
            logits_.begin() + static_cast<std::ptrdiff_t>(offsets_[d] + sizes_[d])};
  }
  std::vector<double> probabilities(std::size_t d) const { return softmax(logits(d)); }

  /// One draw per dimension (inverse CDF on one uniform each).
  Arch sample(Rng& rng) const {
    Arch a;
    for (std::size_t d = 0; d < dimensions(); ++d) {
      const std::vector<double> p = probabilities(d);
      const double u = rng.uniform();
      double cumulative = 0;
      int k = static_cast<int>(p.size()) - 1;  // rounding: u beyond the summed p
      for (std::size_t i = 0; i < p.size(); ++i)
        if (u < (cumulative += p[i])) {
          k = static_cast<int>(i);
          break;
        }
      a.choices.push_back(k);
    }
    return a;
  }

  double log_prob(const Arch& arch) const {
    double lp = 0;
    for (std::size_t d = 0; d < dimensions(); ++d)
      lp += std::log(probabilities(d)[static_cast<std::size_t>(arch.choices[d])]);
    return lp;
  }

  /// d loss / d logit for loss = -log p(arch) * advantage: per dimension
  /// -advantage * (onehot(choice) - softmax).
  std::vector<double> gradient(const Arch& arch, double advantage) const {
    std::vector<double> g(logits_.size());
    for (std::size_t d = 0; d < dimensions(); ++d) {
      const std::vector<double> p = probabilities(d);
      for (std::size_t k = 0; k < p.size(); ++k)
        g[offsets_[d] + k] = -advantage * ((static_cast<int>(k) == arch.choices[d] ? 1.0 : 0.0) - p[k]);
    }
    return g;
  }

  /// One REINFORCE step through Adam.
  void step(const Arch& arch, double advantage) { adam_.step(logits_, gradient(arch, advantage)); }

  /// Keeps the logits, forgets Adam's moments (after the warmup).
  void reset_optimizer() { adam_.reset(); }

 private:
  std::vector<double> logits_;  // all dimensions, flat
  std::vector<std::size_t> offsets_, sizes_;
  Adam adam_;
};

}  // namespace nas::strategies
