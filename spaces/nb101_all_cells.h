// Every valid NAS-Bench-101 cell (423,624 distinct graph hashes) as shipped
// in data/nb101/ (sources in data/README.md): one 32-bit genome code per cell
// in ascending order of the official hash, written by nb101_enumerate, and
// the 108-epoch test accuracy of the first training run in the same order
// (a NumPy .npy of float64, copied unchanged). The hash order is the key: a
// cell's index is found by binary search, over the hashes of every 128th
// cell (computed at load, ~0.1 s) and then over hashes computed from the
// codes (7 a lookup), so no 6.8 MB hash table is shipped or loaded.
// Torch-free.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nas/arch.h"

namespace nb101 {

constexpr int64_t kAllCellsCount = 423624;
constexpr const char* kAllCellsFile = "nb101/nb101_all_cells.bin";
constexpr const char* kAllTestAccFile = "nb101/nb101_all_test_acc_run0_obfunas.npy";
constexpr int64_t kMilestoneStride = 128;

/// A 26-choice genome as 31 bits: bit d is edge dimension d (d < 21), bits
/// 21+2k..22+2k the op of vertex k+1 (nasbench available_ops order).
uint32_t encode(const nas::Arch& genome);
/// Inverse of encode; nullopt when an op field holds 3 (no such op).
std::optional<nas::Arch> decode(uint32_t code);

/// The cells file: "NB101CEL", uint32 version 1, uint32 count, then count
/// little-endian uint32 codes. Throws nas::Error naming `path`.
void write_cells(const std::string& path, const std::vector<uint32_t>& codes);

struct AllCells {
  std::string cells_path, test_acc_path;
  std::vector<uint32_t> codes;   // hash order
  std::vector<double> test_acc;  // same order
  std::vector<std::string> milestones;  // hash of cell k * kMilestoneStride
  /// The official graph hash of cell `index` (recomputed from its code).
  std::string hash_at(int64_t index) const;
  /// The index of the cell with this graph hash, nullopt if none.
  std::optional<int64_t> index_of_hash(const std::string& hash) const;
};

/// Reads both files, checking the magic, version, count (423,624 in each),
/// size, every code's validity and the .npy header. Throws nas::Error
/// "<path>: <what is wrong>; <fix>".
AllCells load_all_cells(const std::string& cells_path, const std::string& test_acc_path);

}  // namespace nb101
