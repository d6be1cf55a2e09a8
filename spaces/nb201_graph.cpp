// NB201's graph view: its operations sit on the cell's edges, so each edge
// becomes a node (as BRP-NAS and NASLib read the cell).
#include "nb201_encoding.h"

namespace nb201 {

nas::ArchGraph graph(const nas::Arch& arch) {
  nas::ArchGraph g;
  g.labels.push_back("input");
  for (int e = 0; e < kNumEdges; ++e) g.labels.push_back(op_names()[arch.choices[e]]);
  g.labels.push_back("output");
  const int output = kNumEdges + 1;
  for (int e = 0; e < kNumEdges; ++e) {
    if (kEdges[e].from == 0) g.edges.emplace_back(0, e + 1);
    for (int f = 0; f < kNumEdges; ++f)
      if (kEdges[f].from == kEdges[e].to) g.edges.emplace_back(e + 1, f + 1);
    if (kEdges[e].to == 3) g.edges.emplace_back(e + 1, output);
  }
  return g;
}

nas::GraphVocabulary graph_vocabulary() {
  nas::GraphVocabulary v;
  v.inputs = {"input"};
  v.operations = op_names();
  v.outputs = {"output"};
  v.max_nodes = kNumEdges + 2;
  v.longest_path = 3;  // 1<-0, 2<-1, 3<-2
  return v;
}

}  // namespace nb201
