// BRP-NAS's binary relation predictor (Dudziak et al., NeurIPS 2020, as in
// the authors' SamsungLabs/eagle): a GCN embeds each arch's graph, two
// embeddings concatenated go through one linear layer to a 2-way
// log-softmax that says whether the first arch beats the second.
//
// The graph is the space's graph view (nas/arch_graph.h) plus eagle's
// global node: every node feeds it, each node also aggregates itself and its
// predecessors, rows normalised to sum 1; node features are one-hot labels.
// Each of `layers` graph convolutions is A (X W) + b, then LayerNorm, ReLU
// and dropout; the global node's state is the embedding.
//
// Ranking: the linear head gives d(a, b) = u.e_a + v.e_b + c (the logit of
// "a beats b"), which need not be antisymmetric. Candidates are ranked by
// s(a) = (u - v).e_a / 2, the order of the antisymmetric comparator
// (d(a, b) - d(b, a)) / 2 = s(a) - s(b), so sorting is one pass instead of
// N log N comparisons and the order is a total one. sigmoid(s(a) - s(b)) is
// that comparator's probability that a beats b.
//
// Training (AdamW, cosine learning rate over the call's epochs): each step
// embeds a random subset of `batch_archs` training archs and takes every
// ordered pair among them whose order is known (NaN is worst; two NaNs or
// equal values give no pair). After every epoch the held archs' pairs
// (held x all) are scored, and the parameters that ordered them best are
// kept; training stops `patience` epochs after the last improvement.
// A later call continues from the current parameters.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "nas/arch_graph.h"

namespace nas::brp {

struct Config {
  int layers = 4;
  int hidden = 128;  // eagle: 600 (too slow for 2 CPU cores; an option)
  double dropout = 0.2;
  double lr = 1e-3;  // eagle: 3.5e-4 (too few steps here to converge at it)
  double weight_decay = 0.01;  // AdamW's default
  int epochs = 100;            // the most per training call
  int patience = 20;
  int batch_archs = 32;
};

/// Graphs as tensors: adjacency [G, N, N] (normalised, global node at 0)
/// and one-hot features [G, N, F].
struct GraphBatch {
  at::Tensor adjacency, features;
  int64_t size() const { return adjacency.defined() ? adjacency.size(0) : 0; }
  GraphBatch select(const std::vector<int64_t>& rows) const;
};

class Predictor {
 public:
  Predictor(const GraphVocabulary& vocabulary, const Config& config, uint64_t seed);

  GraphBatch batch(const std::vector<ArchGraph>& graphs) const;

  /// Trains on `archs` (values higher = better, NaN worst), holding the
  /// rows in `held` for early stopping (none: all epochs, last parameters).
  /// Returns the held pairs' accuracy of the kept parameters (NaN without
  /// held pairs).
  double train(const GraphBatch& archs, const std::vector<double>& values, const std::vector<int64_t>& held);

  /// s(a) per arch (eval mode, no dropout), in chunks.
  std::vector<double> scores(const GraphBatch& archs) const;

  /// Fraction of pairs with a known order that d(a, b) orders right, over
  /// pairs whose first arch is in `rows` (all pairs when `rows` is empty).
  double pairwise_accuracy(const GraphBatch& archs, const std::vector<double>& values,
                           const std::vector<int64_t>& rows = {}) const;

  bool trained() const { return trained_; }

 private:
  at::Tensor embed(const GraphBatch& g, bool train) const;
  /// logits [m, m, 2] of every ordered pair of the embeddings' rows.
  at::Tensor pair_logits(const at::Tensor& embeddings) const;
  at::Tensor param(int index) const;

  GraphVocabulary vocabulary_;
  Config config_;
  int nodes_ = 0, features_ = 0;
  at::Tensor flat_;  // every parameter, one AdamW tensor
  std::vector<std::pair<int64_t, std::vector<int64_t>>> layout_;  // offset and shape per parameter
  mutable at::Generator gen_;
  bool trained_ = false;
};

}  // namespace nas::brp
