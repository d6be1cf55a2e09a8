// NAS-Bench-101 cell encoding: the 26 categorical dimensions (21 edge bits of
// a 7-vertex upper-triangular adjacency, 5 interior ops), pruning, validity,
// the official iso-invariant graph hash, vertex channels, and the text forms
// (readable, CSV, NASLib tuple, nasbench JSON). Torch-free: shared by the
// space, the benchmark loader and the network builder. Spec:
// shared/SPACES.md section 1.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "nas/arch.h"
#include "nas/arch_graph.h"

namespace nb101 {

/// Interior ops in nasbench's `available_ops` order, which is also their
/// label in the graph hash. (NASLib's tuple codes differ: see parse.)
enum Op : int { kConv3x3 = 0, kConv1x1 = 1, kMaxPool3x3 = 2 };
constexpr int kInputLabel = -1;
constexpr int kOutputLabel = -2;
constexpr int kNumOps = 3;
constexpr int kMaxVertices = 7;
constexpr int kNumEdgeBits = kMaxVertices * (kMaxVertices - 1) / 2;  // 21
constexpr int kNumInteriorOps = kMaxVertices - 2;                   // 5
constexpr int kMaxEdges = 9;

/// "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3" (the choice names).
const std::vector<std::string>& op_names();

/// A cell of n <= 7 vertices: vertex 0 is the input, n-1 the output,
/// adj[i][j] (i < j) an edge i -> j, label[v] the op of an interior vertex
/// (kInputLabel / kOutputLabel at the ends).
struct Spec {
  int n = 0;
  std::array<std::array<int, kMaxVertices>, kMaxVertices> adj{};
  std::array<int, kMaxVertices> label{};

  int edges() const;
  bool operator==(const Spec& o) const { return n == o.n && adj == o.adj && label == o.label; }
};

/// The 26 dimensions: edge bits "0->1", "0->2", ... "5->6" (row-major upper
/// triangle, choices "0"/"1"), then "op1".."op5" (choices op_names()).
std::vector<nas::Dimension> dimensions();

/// The 7-vertex spec a choice vector spells (no checks beyond its length).
Spec raw_spec(const nas::Arch& arch);

/// Drops every vertex not on an input->output path (nasbench model_spec),
/// keeping the order. nullopt when the output is unreachable.
std::optional<Spec> prune(const Spec& spec);

/// "" when `spec` is a valid NAS-Bench-101 cell (its pruned form exists and
/// has at most 9 edges), else why not.
std::string invalid_reason(const Spec& spec);

/// The official fingerprint (nasbench graph_util.hash_module) of a pruned
/// spec: 32 lower-case hex digits.
std::string graph_hash(const Spec& pruned);

/// Channels of each vertex of a pruned cell from `in` to `out` channels
/// (nasbench compute_vertex_channels).
std::vector<int> vertex_channels(const Spec& pruned, int in, int out);

/// The choice vector of a spec: interior vertices 1..n-2 keep their place,
/// the output becomes vertex 6, unused vertices get no edges and conv3x3
/// (they are pruned away). Inverse of raw_spec for 7-vertex specs.
nas::Arch embed(const Spec& spec);

/// Readable form of a pruned spec:
/// "adj=<n*n digits, row-major> ops=<input,...,output> hash=<graph hash>".
std::string to_string(const Spec& pruned);

/// NASLib tuple "(a00, a01, ..., op0, ..., op_{n-1})", op codes 0 input,
/// 1 output, 2 maxpool3x3, 3 conv1x1, 4 conv3x3 (NAS-Bench-Suite-Zero keys).
std::string naslib_tuple(const Spec& spec);

/// A parsed cell and, when the text carried one, the hash it claimed.
struct Parsed {
  Spec spec;  // as written (not pruned)
  std::string hash;
};

/// Parses the readable form, the CSV form ("<n*n digits> <op names>" with an
/// optional trailing hash), a NASLib tuple, or nasbench JSON
/// {"module_adjacency": [[...]], "module_operations": [...]}. Checks the
/// syntax only (shape, 0/1 entries, upper triangle, op names, input/output at
/// the ends); validity and the claimed hash are the caller's. Throws
/// nas::ArchError "bad NB101 arch '<text>': <what is wrong>".
Parsed parse(const std::string& text);

/// True for 32 hex digits (a bare graph hash).
bool is_hash(const std::string& text);

/// The graph view of a pruned spec (nb101_graph.cpp): its vertices as they
/// are, "input", the op names, "output"; its edges.
nas::ArchGraph graph(const Spec& pruned);
nas::GraphVocabulary graph_vocabulary();

}  // namespace nb101
