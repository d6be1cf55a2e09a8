// The graph view of an arch: a DAG whose nodes carry labels (an input, an
// operation or an output), the form graph predictors read. BRP-NAS's GCN
// reads it as adjacency + one-hot labels, BANANAS's path encoding
// (strategies/path_encoding.h) and the meta-proxy's path features walk its
// input->output paths. A space that has one
// (SearchSpace::graph) gets every such predictor without writing one:
// operations sit on nodes, so a space whose operations sit on edges (NB201,
// DARTS) turns each edge into a node.
//
// The vocabulary is the space's, not the arch's: it fixes the length of every
// encoding, so archs of one space compare column by column.
// Torch-free, like space.h.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace nas {

struct ArchGraph {
  /// One label per node, nodes in topological order.
  std::vector<std::string> labels;
  /// (from, to) with from < to; no duplicates.
  std::vector<std::pair<int, int>> edges;
};

/// Every label a space's graphs use, by role, and their sizes' bounds.
/// A label names one role only (a space with two cells gives each cell its
/// own input and output labels, so paths say which cell they are in).
struct GraphVocabulary {
  std::vector<std::string> inputs;      // sources: the cell's inputs
  std::vector<std::string> operations;  // inner nodes
  std::vector<std::string> outputs;     // sinks
  int max_nodes = 0;                    // most nodes one graph has
  int longest_path = 0;                 // most operation nodes on one input->output path

  bool empty() const { return inputs.empty(); }
  /// All labels: inputs, operations, outputs (a one-hot's column order).
  std::vector<std::string> all_labels() const;
  /// Position of `label` in all_labels(), -1 when absent.
  int label_index(const std::string& label) const;
};

/// "" when `graph` fits `vocabulary` (every label known, edges forward and in
/// range, inputs without predecessors, outputs without successors, at most
/// max_nodes nodes), else why not.
std::string graph_invalid_reason(const ArchGraph& graph, const GraphVocabulary& vocabulary);

/// Every path from an input node to an output node: the node indices in
/// order. Throws nas::Error when a path holds more than
/// vocabulary.longest_path operations (the space's vocabulary is wrong).
std::vector<std::vector<int>> input_output_paths(const ArchGraph& graph, const GraphVocabulary& vocabulary);

}  // namespace nas
