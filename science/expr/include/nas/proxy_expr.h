// Proxy expressions: a zero-cost proxy written as text, e.g.
//
//   sum_layers(norm(G))                      grad_norm
//   sum_layers(sum(abs(mul(W, G))))          snip
//   sum_layers(logdet(K))                    nwot
//   sum_layers(Pn)                           swap
//
// The `expr` proxy plugin scores any such expression, and `evolve_proxy`
// runs search for them (EZNAS-style genetic programming); both use this one
// grammar, so a found proxy is usable wherever a proxy is, and shared as text.
//
// Values are typed. Leaves (read once per network from the probe context):
//   W   conv/linear weights, one tensor per layer (module order)
//   G   dL/dW per layer (L = mean cross-entropy)
//   G1  dL1/dW, L1 = mean cross-entropy of the batch's first half, in a
//       train-mode pass of that half alone (BatchNorm statistics of the half;
//       Probes::split_weight_grads(2), ZiCo's two batches)
//   G2  the same for the second half
//   A   per conv/linear call, the output averaged over its spatial dims: [N, C]
//   dA  the same for dL/d(output)
//   J   the input Jacobian d(sum of logits)/d(input): one [N, C*H*W] matrix
//   K   the ReLU-code kernel of nwot (sum over ReLUs of c c^T + (1-c)(1-c)^T): [N, N]
//   Pn  per ReLU call (execution order), how many per-neuron activation
//       patterns over the batch (a neuron's N bits) first occur there: at no
//       earlier call and not earlier in this one. sum_layers(Pn) is the
//       number of distinct neuron patterns of the network, SWAP's score.
//   Ps  per ReLU call, how many regions the batch's samples gain there: the
//       distinct per-sample patterns of calls 0..l minus those of calls
//       0..l-1. sum_layers(Ps) is the number of distinct per-sample patterns,
//       TE-NAS's linear regions (at most N).
// A and dA are spatial means rather than whole feature maps so that an
// evolve_proxy run can keep every probe of a few hundred archs in memory.
// Per arch: W, G, G1 and G2 4 bytes per weight each (NB201: 0.3 to 6.1 MB),
// A and dA 4 N bytes per conv/linear output channel, J 4 N C H W, K 8 N^2,
// Pn and Ps 8 bytes per ReLU call (NB201: 5 to 95 calls).
// Pn and Ps are counted when read, so what is kept is the counts, not the
// [N, neurons] codes (NB201, N = 64: up to 58 MB of bool per arch).
//
// Operations (shape "elements" = per-layer tensors; "matrix" = J or K;
// "layers" = one number per layer, or per ReLU call for Pn and Ps;
// "scalar" = one number):
//   abs square sqrt log log0 sign neg inv std  elementwise on any shape
//       (sqrt|x|, log(|x| + 1e-5), log0 x = log|x| and 0 at x = 0,
//       inv x = 1/(|x| + 1e-5), std = standardise per layer for elements,
//       over the whole value otherwise)
//   add sub mul div div0 (a, b)            same shape and leaf family (W with
//       G, G1 and G2; A with dA; J; K; Pn with Ps), or two scalars; div keeps
//       |b| >= 1e-12, div0 is a / b and 0 where b = 0. div0 and log0 are
//       ZiCo's rules (an element whose gradients do not vary is left out, a
//       layer where none varies is skipped): with them ZiCo is 13 nodes, in
//       reach of evolve_proxy's max_nodes; with div, log and sign masks it
//       takes 38.
//   sum mean norm max count                elements -> layers, matrix -> layers (one)
//       (Pn and Ps are layers already: they take no reduction);
//       count is the number of entries (sum_layers(count(W)): the weights)
//   corr                                   matrix -> matrix: row correlation (numpy corrcoef)
//   eig                                    matrix -> elements: eigenvalues of a symmetric matrix
//   logdet                                 matrix -> layers (one): log|det|
//   sum_layers mean_layers                 layers -> scalar
// The whole expression must be a scalar. A non-finite result (NaN, +-inf,
// e.g. nwot's -inf for a singular K) is returned as such, as proxies
// return them; rank statistics put it last. It is never an error.
#pragma once
#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nas/options.h"
#include "nas/proxy.h"
#include "nas/random.h"

namespace nas {

class Probes;

namespace expr {

/// One node: an operation with arguments, or a leaf (no arguments).
struct Node {
  std::string op;
  std::vector<Node> args;
};

enum class Shape { Elements, Matrix, Layers, Scalar };

/// The static type of a value: its shape and, except for scalars, the leaf
/// family it came from ("W" for W, G, G1 and G2, "A" for A and dA, "J", "K",
/// "P" for Pn and Ps).
struct Type {
  Shape shape = Shape::Scalar;
  std::string family;
  bool square = false;  // matrix only: K, and corr() of any matrix
  bool operator==(const Type& o) const { return shape == o.shape && family == o.family && square == o.square; }
};
/// e.g. "elements of W", "square matrix of J", "scalar".
std::string describe(const Type& type);

/// Parses `text`; throws nas::Error naming the position and what was
/// expected, or the type rule a subexpression breaks.
Node parse(const std::string& text);
/// The canonical text (parse(to_string(n)) == n).
std::string to_string(const Node& node);
/// The type of `node`; throws nas::Error on a type error.
Type type_of(const Node& node);
/// Number of nodes.
std::size_t size(const Node& node);

/// The probes an expression's leaves read.
ProbeSet needs(const Node& node);
/// The leaves an expression uses ("W", "G", ...).
std::vector<std::string> leaves_of(const Node& node);
/// Every leaf and operation name, for messages and documentation.
const std::vector<std::string>& leaf_names();

/// A value: the data of the shape (elements: every layer's tensor flattened
/// and concatenated, with `segment` naming each entry's layer; matrix: the
/// [R, C] tensor; layers: [L]; scalar: a 0-d tensor).
struct Value {
  Type type;
  at::Tensor data;
  std::shared_ptr<const at::Tensor> segment;  // elements only: int64 layer id per entry
  int64_t layers = 1;                         // elements and layers: how many layers
};

/// The leaves of one network, read from its probes once. An evolve_proxy
/// run keeps one LeafSet per arch and evaluates thousands of expressions on it.
class LeafSet {
 public:
  /// Reads the named leaves (every one of leaf_names() when empty). The
  /// probes must have been planned with their needs.
  static LeafSet read(Probes& probes, const std::vector<std::string>& which);
  const Value& at(const std::string& leaf) const;
  bool has(const std::string& leaf) const { return values_.count(leaf) > 0; }
  /// Bytes the leaves hold.
  int64_t bytes() const;

  /// The leaves as bytes, and back onto `device` (expr_leaf_bytes.cpp), so
  /// that the processes of an MPI job can evaluate expressions on leaves
  /// another process read. The memo is not kept: it is recomputed, to the
  /// same values.
  std::string to_bytes() const;
  static LeafSet from_bytes(const std::string& bytes, c10::Device device);

  /// Results of the matrix operations on bare leaves (corr(J), eig(K),
  /// eig(corr(J)), ...), kept so that a GP run computes each once per arch:
  /// corr(J) alone is a 64 x 3072 x 64 product. Expressions may be
  /// evaluated on one LeafSet from several threads at once (`jobs`).
  std::optional<Value> memo(const std::string& subexpression) const;
  void remember(const std::string& subexpression, const Value& value) const;

 private:
  // A mutex that copies and moves leave behind: each LeafSet has its own.
  struct MemoMutex {
    std::mutex m;
    MemoMutex() = default;
    MemoMutex(const MemoMutex&) {}
    MemoMutex& operator=(const MemoMutex&) { return *this; }
  };
  std::map<std::string, Value> values_;
  mutable std::map<std::string, Value> memo_;
  mutable MemoMutex memo_mutex_;
};

/// The expression's value on one network (NaN and +-inf as computed).
double evaluate(const Node& node, const LeafSet& leaves);

/// The probe set a leaf needs.
ProbeSet leaf_needs(const std::string& leaf);

// ---- Genetic programming (evolve_proxy) ----------------------------------
struct GrowOptions {
  std::vector<std::string> leaves;  // leaves to draw from
  int max_depth = 5;
};

/// A random scalar expression over `options.leaves`.
Node random_expression(Rng& rng, const GrowOptions& options);
/// Replaces one random subtree with a random one of the same type.
Node mutate(const Node& node, Rng& rng, const GrowOptions& options);
/// Swaps one random subtree of `a` for a random subtree of `b` of the same
/// type (a itself when none fits).
Node crossover(const Node& a, const Node& b, Rng& rng);
/// Joins two scalar expressions with add, sub, mul or div, each side taken
/// as it is or through log: how two proxies that rank different archs well
/// (jacov and network size, say) become one expression. Both must be scalars.
Node combine(const Node& a, const Node& b, Rng& rng);

/// The `evolution` block of an evolve_proxy pipeline: GP settings.
struct EvolutionKeys : OptionSet<EvolutionKeys> {
  NAS_OPTION(int64_t, population, 64, "expressions alive in each generation", between(4, 1e5));
  NAS_OPTION(int64_t, generations, 30, "generations after the first", between(0, 1e6));
  NAS_OPTION(int64_t, tournament, 4, "expressions drawn per parent selection; the fittest wins", between(2, 1e5));
  NAS_OPTION(int64_t, elite, 4, "best expressions copied unchanged into the next generation", between(0, 1e5));
  NAS_OPTION(double, combine_prob, 0.2,
             "probability that a child joins two parents whole: op(a, b), op in add sub mul div, each side maybe "
             "through log",
             between(0, 1));
  NAS_OPTION(double, crossover_prob, 0.5, "otherwise, probability that a child is a crossover of two parents (else a "
             "mutation)", between(0, 1));
  NAS_OPTION(int, max_depth, 6, "depth of a freshly grown expression, at most", between(3, 20));
  NAS_OPTION(int64_t, max_nodes, 20, "children with more nodes are redrawn (bloat control)", between(3, 1000));
  NAS_OPTION(double, memory_gb, 8.0, "refuse a search set whose probes would need more memory than this",
             between(0.01, 1e4));
};
/// Hand-made proxies written as expressions (grad_norm, snip, plain,
/// l2_norm, nwot, jacov, zico, swap, tenas_linear_regions: each equals the
/// proxy; tests/test_proxies.cpp checks it).
std::vector<std::string> known_proxy_expressions();
/// An evolve_proxy population's default seeds: those, and network size.
std::vector<std::string> default_seed_expressions();

}  // namespace expr
}  // namespace nas
