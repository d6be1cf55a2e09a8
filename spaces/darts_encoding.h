// The DARTS cell encoding as NAS-Bench-301 / NAS-Bench-Suite-Zero use it
// (shared/SPACES.md 2.1): a normal and a reduction cell, each 4 intermediate
// nodes (2..5) reading two distinct earlier states (0 = c_{k-2},
// 1 = c_{k-1}, 2..5 = earlier nodes) through one op each. Torch-free.
//
// Dimensions: the constraint-free form, 12 per cell (24 in all). Per node:
// its unordered input pair ("0+1", "0+2", ...: 1, 3, 6, 10 choices) and the
// op on its lower and on its higher input. Every choice vector is a valid
// arch and every arch (up to swapping a node's two pairs, which builds the
// same network) has exactly one choice vector, so sampling is uniform over
// distinct networks, nothing needs rejecting, and identity() is the
// canonical string. A one-dimension move changes one op, or moves a node's
// inputs while each op stays on the lower/higher input. (The 32-dim
// (input, op) form would need a distinct-inputs constraint and count every
// arch up to 16 times.)
#pragma once
#include <array>
#include <string>
#include <vector>

#include "nas/arch.h"
#include "nas/arch_graph.h"

namespace darts {

/// NASLib compact op codes: 0 max_pool_3x3, 1 avg_pool_3x3, 2 skip_connect,
/// 3 sep_conv_3x3, 4 sep_conv_5x5, 5 dil_conv_3x3, 6 dil_conv_5x5.
enum Op : int { kMaxPool3x3 = 0, kAvgPool3x3, kSkipConnect, kSepConv3x3, kSepConv5x5, kDilConv3x3, kDilConv5x5 };
constexpr int kNumOps = 7;
constexpr int kNodes = 4;           // intermediate nodes 2..5 per cell
constexpr int kPairs = 2 * kNodes;  // (input, op) pairs per cell
constexpr int kDimsPerCell = 3 * kNodes;

const std::vector<std::string>& op_names();

struct Pair {
  int input = 0;
  int op = 0;
  bool operator==(const Pair& o) const { return input == o.input && op == o.op; }
};

/// Pairs 2k and 2k+1 feed node k+2; cells[0] is the normal cell, cells[1]
/// the reduction cell.
struct Genome {
  std::array<std::array<Pair, kPairs>, 2> cells{};
  bool operator==(const Genome& o) const { return cells == o.cells; }
};

/// "normal.n2.inputs", "normal.n2.op_lo", "normal.n2.op_hi", ... then
/// "reduce.*".
std::vector<nas::Dimension> dimensions();

/// The genome of a choice vector, in canonical order (each node's pair on
/// the lower input first). The vector must be in range.
Genome genome_of(const nas::Arch& arch);
/// The choice vector of a valid genome (any pair order).
nas::Arch arch_of(const Genome& genome);

/// The genome with each node's two pairs ordered by ascending input.
Genome canonical(const Genome& genome);

/// "" when every op is 0..6, every input is below its node and each node's
/// two inputs differ; else why not.
std::string invalid_reason(const Genome& genome);

/// NAS-Bench-Suite-Zero's key, a Python tuple repr:
/// "(((0, 6), (1, 4), ...), ((0, 1), ...))".
std::string tuple_string(const Genome& genome);
/// DARTS Genotype repr: "Genotype(normal=[('sep_conv_3x3', 0), ...],
/// normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])".
std::string genotype_string(const Genome& genome);

/// Parses, keeping the pair order as written: the NBSZ tuple repr, NASLib's
/// early list repr "[[(0, 0), ...], [...]]", 32 space-separated ints (the
/// CSV `arch` column: normal "input op" x 8, then reduce), a DARTS Genotype
/// string (concat [2, 3, 4, 5] or range(2, 6)), or 16 "op:input" tokens.
/// Rejects invalid genomes (duplicate inputs included: NASLib's converter
/// silently collapses them). Throws nas::ArchError
/// "bad DARTS arch '<text>': <what is wrong>".
Genome parse(const std::string& text);

/// The graph view (darts_graph.cpp), both cells in one graph of 22 nodes:
/// per cell ("normal", then "reduce") its inputs "<cell>.c_{k-2}" and
/// "<cell>.c_{k-1}", one node per (input, op) pair labelled with the op, and
/// "<cell>.output". A pair reading c_{k-2}/c_{k-1} is fed by that input, one
/// reading node m by both pairs of node m; every pair feeds the output (the
/// cell concatenates all four nodes). Its paths are NASLib's DARTS paths.
nas::ArchGraph graph(const Genome& genome);
nas::GraphVocabulary graph_vocabulary();

}  // namespace darts
