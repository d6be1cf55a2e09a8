// A search strategy, Optuna style: ask() proposes, tell() reports back.
// Strategies never read files and never know what the objective is (a
// tabular metric, a proxy, or training). They own a generator seeded from
// the pipeline seed. Higher objective values are better.
#pragma once
#include <cmath>
#include <optional>
#include <vector>

#include "nas/arch.h"
#include "nas/random.h"
#include "nas/space.h"

namespace nas {

/// Whether objective `a` beats `b` (higher is better). A NaN (a failed
/// evaluation) beats nothing, and anything that is not NaN beats a NaN.
inline bool better(double a, double b) { return !std::isnan(a) && (std::isnan(b) || a > b); }

/// How a strategy turns a parent into a child. The default picks a random
/// one-dimension neighbour; move proposal (Zero-Cost-NAS) swaps in one that
/// ranks neighbours by a proxy. Strategies mutate only through this.
class Mutator {
 public:
  virtual ~Mutator() = default;
  virtual Arch mutate(const Arch& parent, Rng& rng) const = 0;
  /// Whether a proxy chooses the child (move proposal). A strategy that
  /// mutates only so that a proxy can steer it (reinforce, as GradSign's
  /// G-REINFORCE) proposes its own sample unchanged when this is false.
  virtual bool steered() const { return false; }
  /// The proxy score move proposal ranks by, so that a strategy which also
  /// ranks archs it did not mutate can use the same proxy (brp breaks its
  /// predictor's near-ties with it); nullopt for a plain random mutation.
  virtual std::optional<double> proxy(const Arch&) const { return std::nullopt; }
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  /// The next arch to evaluate, or nullopt when the strategy has nothing
  /// left (e.g. random search without replacement exhausted the space).
  virtual std::optional<Arch> ask() = 0;

  /// The objective of an arch returned by ask() (higher is better; NaN
  /// means the evaluation failed and is treated as worst).
  virtual void tell(const Arch& arch, double value) = 0;

  /// Warm start (Zero-Cost-NAS warmup): `ranked` are archs best first by a
  /// proxy. A strategy that can use them returns true and proposes from them
  /// first as it documents; one that cannot returns false and the core
  /// refuses the pipeline.
  virtual bool warm_start(const std::vector<Arch>& /*ranked*/) { return false; }

  /// Whether this strategy mutates through the Mutator or ranks by its
  /// proxy() (so move proposal changes it). The core refuses move_proposal
  /// for one that does neither.
  virtual bool uses_mutation() const { return false; }
};

}  // namespace nas
