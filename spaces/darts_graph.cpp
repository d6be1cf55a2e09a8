// DARTS's graph view: operations sit on (input, op) pairs, so each pair
// becomes a node; the two cells are two components of one graph, told apart
// by their input and output labels.
#include "darts_encoding.h"

namespace darts {

namespace {
const char* const kCells[2] = {"normal", "reduce"};
constexpr int kNodesPerCell = 2 + kPairs + 1;  // inputs, pairs, output
}  // namespace

nas::ArchGraph graph(const Genome& genome) {
  nas::ArchGraph g;
  for (int c = 0; c < 2; ++c) {
    const int base = c * kNodesPerCell;
    const std::string cell = kCells[c];
    g.labels.push_back(cell + ".c_{k-2}");
    g.labels.push_back(cell + ".c_{k-1}");
    for (const Pair& p : genome.cells[c]) g.labels.push_back(op_names()[p.op]);
    g.labels.push_back(cell + ".output");
    const int output = base + kNodesPerCell - 1;
    for (int p = 0; p < kPairs; ++p) {
      const int node = base + 2 + p;
      const int input = genome.cells[c][p].input;
      if (input < 2) {
        g.edges.emplace_back(base + input, node);
      } else {
        // Node m (2..5) is the sum of pairs 2(m-2) and 2(m-2)+1.
        g.edges.emplace_back(base + 2 + 2 * (input - 2), node);
        g.edges.emplace_back(base + 2 + 2 * (input - 2) + 1, node);
      }
      g.edges.emplace_back(node, output);
    }
  }
  return g;
}

nas::GraphVocabulary graph_vocabulary() {
  nas::GraphVocabulary v;
  for (const char* cell : kCells) {
    v.inputs.push_back(std::string(cell) + ".c_{k-2}");
    v.inputs.push_back(std::string(cell) + ".c_{k-1}");
    v.outputs.push_back(std::string(cell) + ".output");
  }
  v.operations = op_names();
  v.max_nodes = 2 * kNodesPerCell;
  v.longest_path = kNodes;  // c -> n2 -> n3 -> n4 -> n5
  return v;
}

}  // namespace darts
