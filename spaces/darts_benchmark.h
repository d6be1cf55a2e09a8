// The labelled NB301 archs shipped in data/nb301/ (sources in
// data/README.md): NASLib's early zero-cost tables, whose val_accuracy is a
// NAS-Bench-301 v1.0 XGBoost SURROGATE prediction (with its default noise),
// not a trained accuracy, and whose proxy scores were computed with batch
// size 32. Torch-free.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "darts_encoding.h"
#include "nas/space.h"

namespace darts {

/// The shipped tables by name: "naslib725" (725 archs, 12 proxies) and
/// "naslib500" (500 archs, 11 proxies).
std::string benchmark_file(const std::string& name);

struct LabelledArch {
  Genome genome;  // canonical
  /// "val_acc" (the surrogate prediction) and "naslib_<proxy>" for each
  /// proxy column of the file; means where two rows are one canonical arch.
  nas::Metrics metrics;
};

struct Benchmark {
  std::string path;
  std::vector<std::string> metric_names;  // "val_acc", then "naslib_*" in file order
  /// Canonical tuple strings in order of first appearance (the optional
  /// labelled index of the space).
  std::vector<std::string> keys;
  std::unordered_map<std::string, LabelledArch> archs;
};

/// Reads a table with columns `arch` (32 ints), val_accuracy_nb301_xgb_v1_noisy
/// and any of NASLib's proxy columns. Throws nas::Error naming the path and line.
Benchmark load_benchmark(const std::string& path);

}  // namespace darts
