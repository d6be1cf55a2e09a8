// The labelled NAS-Bench-101 cells shipped in data/nb101/ (sources in
// data/README.md): NASLib's early zero-cost table, 500 raw sampled 7x7 keys
// that prune to 292 distinct cells, each row with the 108-epoch validation
// accuracy of ONE randomly chosen training seed and NASLib's batch-32 proxy
// scores. Torch-free.
#pragma once
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "nas/space.h"
#include "nb101_encoding.h"

namespace nb101 {

constexpr const char* kBenchmarkFile = "nb101/nb101_naslib500_zc.csv";

/// The NASLib-early proxy columns, exposed as metrics "naslib_<name>".
const std::vector<std::string>& naslib_proxy_columns();

struct LabelledCell {
  Spec pruned;
  /// "val_acc": mean of the distinct one-seed values among the cell's rows
  /// (duplicate keys cycle through NB101's three seeds, so with all three
  /// present this is the usual 3-seed mean); "val_acc_seeds": how many
  /// distinct values that is; "naslib_<proxy>": mean over the cell's rows
  /// (each row is its own initialisation).
  nas::Metrics metrics;
};

struct Benchmark {
  std::string path;
  /// Graph hashes in order of first appearance in the file (the order of
  /// the space's optional labelled index).
  std::vector<std::string> hashes;
  std::unordered_map<std::string, LabelledCell> cells;
};

/// Reads the table, prunes every raw key and checks its hash against the
/// file's nb101_hash column. Throws nas::Error naming the path and the line.
Benchmark load_benchmark(const std::string& path);

}  // namespace nb101
