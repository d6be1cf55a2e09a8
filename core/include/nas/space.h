// A search space: named categorical dimensions (so generic strategies work on
// any space), validity, the canonical string, the network for an
// architecture and, when a tabular benchmark is loaded, its answers.
// Torch-free on purpose: strategies include this header and never pay for
// LibTorch's headers.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas/arch.h"
#include "nas/arch_graph.h"
#include "nas/random.h"

namespace nas {

class Network;  // nas/network.h (a torch::nn::Module)

/// One benchmark row: metric name -> value. Names used by the core:
/// "val_acc", "test_acc" (percent), "train_time" (seconds), "params" (M),
/// "flops" (M).
using Metrics = std::map<std::string, double>;

struct BuildOptions {
  int num_classes = 10;
};

class SearchSpace {
 public:
  virtual ~SearchSpace() = default;

  /// The categorical dimensions, in the order of Arch::choices.
  virtual const std::vector<Dimension>& dimensions() const = 0;

  /// Empty when `arch` is a valid point of the space, else why it is not
  /// (one sentence). The default accepts every in-range choice vector.
  virtual std::string invalid_reason(const Arch& arch) const;
  bool is_valid(const Arch& arch) const { return invalid_reason(arch).empty(); }

  /// Canonical string, and its inverse. parse() throws ArchError with a
  /// precise message for a malformed or invalid string.
  virtual std::string to_string(const Arch& arch) const = 0;
  virtual Arch parse(const std::string& text) const = 0;

  /// The identity two archs share when they build the same network (NB101's
  /// graph hash). Searches dedupe by it. Default: the canonical string.
  virtual std::string identity(const Arch& arch) const { return to_string(arch); }

  /// A uniformly random valid arch. Default: uniform choices, resampled
  /// until valid.
  virtual Arch sample(Rng& rng) const;

  /// Every valid arch one edit away (one dimension changed). A space
  /// overrides it only where validity needs more than one dimension.
  virtual std::vector<Arch> neighbours(const Arch& arch) const;

  /// A random valid neighbour (uniform over neighbours()).
  virtual Arch mutate(const Arch& arch, Rng& rng) const;

  /// Builds the network for `arch` on the CPU with LibTorch's default
  /// initialisation; the caller moves it and re-initialises as needed.
  virtual std::shared_ptr<Network> build(const Arch& arch, const BuildOptions& options) const = 0;

  /// The arch as a labelled DAG (nas/arch_graph.h), for graph predictors
  /// (brp, bananas) and path encodings; nullopt for a space without one.
  /// Archs with one identity() give the same graph up to the order of its
  /// nodes (NB101's isomorphic cells).
  virtual std::optional<ArchGraph> graph(const Arch&) const { return std::nullopt; }
  /// The labels and bounds of every graph() of this space (empty without).
  virtual GraphVocabulary graph_vocabulary() const { return {}; }

  /// Classes of the dataset this space was configured with (e.g. 10).
  virtual int num_classes() const { return 10; }

  // ---- Tabular benchmark (optional) -------------------------------------
  /// Number of archs when the space can enumerate them (NB201: 15,625).
  virtual std::optional<int64_t> size() const { return std::nullopt; }
  /// Official benchmark index of `arch`, when the space has one.
  virtual std::optional<int64_t> index_of(const Arch&) const { return std::nullopt; }
  /// Arch at an official index; throws nas::Error when out of range.
  virtual Arch arch_at(int64_t index) const;
  /// Metric names query() can answer (empty: no benchmark loaded).
  virtual std::vector<std::string> metrics() const { return {}; }
  /// The benchmark row for `arch`, or nullopt if none is loaded or known.
  virtual std::optional<Metrics> query(const Arch&) const { return std::nullopt; }
  /// A line naming where the benchmark's numbers come from (for outputs).
  virtual std::string benchmark_source() const { return ""; }
};

}  // namespace nas
