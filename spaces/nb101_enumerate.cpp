// nb101_enumerate: writes data/nb101/nb101_all_cells.bin, every valid
// NAS-Bench-101 cell once, in ascending order of the official graph hash.
// It walks the space as the NB101 authors' generator (nasbench
// scripts/generate_graphs.py) does: for 2..7 vertices every upper-triangular
// matrix in bit order, kept when every vertex but the output has an out-edge
// and every vertex but the input an in-edge (so nothing is pruned and the
// input reaches the output) and it has at most 9 edges; every labelling of
// the interior vertices; the first cell seen of each hash is its
// representative. Run once (about a minute); the space only reads its output.
//
//   nb101_enumerate OUT.bin [--hashes HASHES.txt]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "nb101_all_cells.h"
#include "nb101_encoding.h"

namespace {

bool full_dag(const nb101::Spec& s) {
  for (int v = 0; v < s.n; ++v) {
    bool in = false, out = false;
    for (int w = 0; w < s.n; ++w) in |= s.adj[w][v] != 0, out |= s.adj[v][w] != 0;
    if ((v > 0 && !in) || (v < s.n - 1 && !out)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--hashes")) {
    std::cerr << "usage: nb101_enumerate OUT.bin [--hashes HASHES.txt]\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::unordered_map<std::string, uint32_t> first;  // hash -> code of the first cell seen
  first.reserve(1 << 20);
  int64_t hashed = 0;
  for (int n = 2; n <= nb101::kMaxVertices; ++n) {
    const int bits = n * (n - 1) / 2;
    int labellings = 1;
    for (int v = 0; v < n - 2; ++v) labellings *= nb101::kNumOps;
    for (uint32_t m = 0; m < (1u << bits); ++m) {
      if (__builtin_popcount(m) > nb101::kMaxEdges) continue;
      nb101::Spec s;
      s.n = n;
      // generate_graphs gen_is_edge_fn: edge x->y (x < y) is bit y*(y-1)/2 + x.
      for (int y = 1; y < n; ++y)
        for (int x = 0; x < y; ++x) s.adj[x][y] = (m >> (y * (y - 1) / 2 + x)) & 1;
      if (!full_dag(s)) continue;
      s.label[0] = nb101::kInputLabel;
      s.label[n - 1] = nb101::kOutputLabel;
      for (int l = 0; l < labellings; ++l) {
        // itertools.product order: the last interior vertex varies fastest.
        for (int v = n - 2, rest = l; v >= 1; --v, rest /= nb101::kNumOps) s.label[v] = rest % nb101::kNumOps;
        ++hashed;
        first.try_emplace(nb101::graph_hash(s), nb101::encode(nb101::embed(s)));
      }
    }
    std::cerr << n << " vertices: " << first.size() << " distinct hashes so far (" << hashed << " cells hashed)\n";
  }
  std::vector<std::pair<std::string, uint32_t>> sorted(first.begin(), first.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint32_t> codes;
  codes.reserve(sorted.size());
  for (const auto& [hash, code] : sorted) codes.push_back(code);
  nb101::write_cells(argv[1], codes);
  if (argc == 4) {
    std::ofstream out(argv[3]);
    for (const auto& [hash, code] : sorted) out << hash << '\n';
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "nb101_enumerate: " << codes.size() << " distinct cells (of " << hashed << " hashed) written to "
            << argv[1] << " in " << seconds << " s\n";
  return static_cast<int64_t>(codes.size()) == nb101::kAllCellsCount ? 0 : 1;
}
