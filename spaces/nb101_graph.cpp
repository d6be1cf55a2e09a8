// NB101's graph view: its operations already sit on vertices.
#include "nb101_encoding.h"

namespace nb101 {

nas::ArchGraph graph(const Spec& pruned) {
  nas::ArchGraph g;
  for (int v = 0; v < pruned.n; ++v)
    g.labels.push_back(v == 0 ? "input" : v == pruned.n - 1 ? "output" : op_names()[pruned.label[v]]);
  for (int i = 0; i < pruned.n; ++i)
    for (int j = i + 1; j < pruned.n; ++j)
      if (pruned.adj[i][j]) g.edges.emplace_back(i, j);
  return g;
}

nas::GraphVocabulary graph_vocabulary() {
  nas::GraphVocabulary v;
  v.inputs = {"input"};
  v.operations = op_names();
  v.outputs = {"output"};
  v.max_nodes = kMaxVertices;
  v.longest_path = kNumInteriorOps;
  return v;
}

}  // namespace nb101
