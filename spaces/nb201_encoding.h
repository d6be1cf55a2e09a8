// NAS-Bench-201 cell encoding: the five ops, the six edges, the canonical
// arch string and NASLib's tuple form. Torch-free, shared by the space, the
// benchmark loader and the network builder.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "nas/arch.h"
#include "nas/arch_graph.h"

namespace nb201 {

/// The ops in the order of the space's choices (Arch::choices values).
enum Op : int { kNone = 0, kSkipConnect, kConv1x1, kConv3x3, kAvgPool3x3 };
constexpr int kNumOps = 5;
constexpr int kNumEdges = 6;
/// 5^6: every op assignment is a valid cell.
constexpr int kNumArchs = 15625;

const std::vector<std::string>& op_names();

/// Edges in arch-string order: (to, from) = 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
struct Edge {
  int to;
  int from;
};
constexpr std::array<Edge, kNumEdges> kEdges{{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}}};

/// The categorical dimensions: one per edge, named "1<-0" etc.
std::vector<nas::Dimension> dimensions();

/// `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. `arch` must be valid.
std::string to_string(const nas::Arch& arch);

/// Parses the canonical string or a NASLib tuple "(a, b, c, d, e, f)".
/// Throws nas::ArchError "bad NB201 arch '<text>': <what is wrong>".
nas::Arch parse(const std::string& text);

/// Base-5 number of the choices (edge 0 most significant), in [0, 15625):
/// a dense key for lookup tables. Not the official benchmark index.
int code_of(const nas::Arch& arch);
nas::Arch arch_of_code(int code);

/// The graph view (nb201_graph.cpp): 8 nodes, "input", one per edge in
/// kEdges order labelled with its op ("none" included, as NASLib's path
/// encoding counts it), "output"; edge node j<-i feeds every edge node
/// leaving j, the input feeds the edges leaving node 0, and the edges into
/// node 3 feed the output.
nas::ArchGraph graph(const nas::Arch& arch);
nas::GraphVocabulary graph_vocabulary();

}  // namespace nb201
