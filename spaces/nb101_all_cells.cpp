#include "nb101_all_cells.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "nas/errors.h"
#include "nb101_encoding.h"

namespace nb101 {
namespace {

constexpr char kMagic[8] = {'N', 'B', '1', '0', '1', 'C', 'E', 'L'};
constexpr uint32_t kVersion = 1;
constexpr std::size_t kHeader = 16;

const std::string kFix = "; restore it from the repository (git checkout data/nb101) or regenerate the cells file "
                         "with nb101_enumerate";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nas::Error(path + ": cannot open" + kFix);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

uint32_t le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}

std::vector<uint32_t> read_codes(const std::string& path) {
  const std::string bytes = read_all(path);
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw nas::Error(path + ": not an NB101 cells file (no NB101CEL header)" + kFix);
  if (le32(bytes.data() + 8) != kVersion)
    throw nas::Error(path + ": cells file version " + std::to_string(le32(bytes.data() + 8)) + ", expected 1" + kFix);
  const uint32_t count = le32(bytes.data() + 12);
  if (count != kAllCellsCount)
    throw nas::Error(path + ": holds " + std::to_string(count) + " cells, NAS-Bench-101 has " +
                     std::to_string(kAllCellsCount) + kFix);
  if (bytes.size() != kHeader + 4 * std::size_t{count})
    throw nas::Error(path + ": " + std::to_string(bytes.size()) + " bytes, expected " +
                     std::to_string(kHeader + 4 * std::size_t{count}) + " (truncated or padded)" + kFix);
  std::vector<uint32_t> codes(count);
  for (uint32_t i = 0; i < count; ++i) {
    codes[i] = le32(bytes.data() + kHeader + 4 * std::size_t{i});
    // Pruning every cell here would double the load time; the tests check
    // the shipped cells in full, this catches a file of other numbers.
    if (!decode(codes[i]))
      throw nas::Error(path + ": cell " + std::to_string(i) + " (code " + std::to_string(codes[i]) +
                       ") is not an NB101 genome code" + kFix);
  }
  return codes;
}

// NumPy .npy v1/v2 holding a C-order little-endian float64 vector.
std::vector<double> read_npy(const std::string& path) {
  const std::string bytes = read_all(path);
  const std::string fix = "; expected the unchanged ObfuNAS data/test.npy (data/README.md)";
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw nas::Error(path + ": not a NumPy .npy file" + fix);
  const int major = static_cast<unsigned char>(bytes[6]);
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  std::size_t header_len = 0;
  for (std::size_t b = 0; b < len_bytes && 8 + b < bytes.size(); ++b)
    header_len |= std::size_t(static_cast<unsigned char>(bytes[8 + b])) << (8 * b);
  const std::size_t start = 8 + len_bytes + header_len;
  if (start > bytes.size()) throw nas::Error(path + ": truncated .npy header" + fix);
  const std::string header = bytes.substr(8 + len_bytes, header_len);
  const std::string shape = "(" + std::to_string(kAllCellsCount) + ",)";
  if (header.find("'descr': '<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos ||
      header.find("'shape': " + shape) == std::string::npos)
    throw nas::Error(path + ": .npy header " + header.substr(0, header.find('}') + 1) + " is not a <f8 vector of shape " +
                     shape + fix);
  const std::size_t want = start + 8 * static_cast<std::size_t>(kAllCellsCount);
  if (bytes.size() != want)
    throw nas::Error(path + ": " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(want) +
                     " (truncated or padded)" + fix);
  std::vector<double> out(static_cast<std::size_t>(kAllCellsCount));
  static_assert(sizeof(double) == 8, "IEEE double");
  for (std::size_t i = 0; i < out.size(); ++i) {
    uint64_t u = 0;
    for (int b = 0; b < 8; ++b) u |= uint64_t(static_cast<unsigned char>(bytes[start + 8 * i + b])) << (8 * b);
    std::memcpy(&out[i], &u, 8);
  }
  return out;
}

}  // namespace

uint32_t encode(const nas::Arch& genome) {
  uint32_t code = 0;
  for (int d = 0; d < kNumEdgeBits; ++d) code |= uint32_t(genome.choices[d] & 1) << d;
  for (int k = 0; k < kNumInteriorOps; ++k) code |= uint32_t(genome.choices[kNumEdgeBits + k] & 3) << (kNumEdgeBits + 2 * k);
  return code;
}

std::optional<nas::Arch> decode(uint32_t code) {
  if (code >> (kNumEdgeBits + 2 * kNumInteriorOps)) return std::nullopt;
  nas::Arch a;
  a.choices.resize(kNumEdgeBits + kNumInteriorOps);
  for (int d = 0; d < kNumEdgeBits; ++d) a.choices[d] = static_cast<int>((code >> d) & 1);
  for (int k = 0; k < kNumInteriorOps; ++k) {
    const int op = static_cast<int>((code >> (kNumEdgeBits + 2 * k)) & 3);
    if (op >= kNumOps) return std::nullopt;
    a.choices[kNumEdgeBits + k] = op;
  }
  return a;
}

void write_cells(const std::string& path, const std::vector<uint32_t>& codes) {
  std::string bytes(kMagic, 8);
  auto put = [&](uint32_t v) {
    for (int b = 0; b < 4; ++b) bytes += static_cast<char>((v >> (8 * b)) & 0xff);
  };
  put(kVersion);
  put(static_cast<uint32_t>(codes.size()));
  for (uint32_t c : codes) put(c);
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw nas::Error(path + ": cannot write the cells file");
}

std::string AllCells::hash_at(int64_t index) const {
  return graph_hash(*prune(raw_spec(*decode(codes[static_cast<std::size_t>(index)]))));
}

std::optional<int64_t> AllCells::index_of_hash(const std::string& hash) const {
  // The milestones narrow the search to one stride for free.
  const auto after = std::upper_bound(milestones.begin(), milestones.end(), hash);
  if (after != milestones.begin() && *(after - 1) == hash) return (after - 1 - milestones.begin()) * kMilestoneStride;
  int64_t lo = after == milestones.begin() ? 0 : (after - 1 - milestones.begin()) * kMilestoneStride + 1;
  int64_t hi = std::min<int64_t>(static_cast<int64_t>(codes.size()), (after - milestones.begin()) * kMilestoneStride);
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const std::string h = hash_at(mid);
    if (h == hash) return mid;
    if (h < hash) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

AllCells load_all_cells(const std::string& cells_path, const std::string& test_acc_path) {
  AllCells all;
  all.cells_path = cells_path;
  all.test_acc_path = test_acc_path;
  all.codes = read_codes(cells_path);
  all.test_acc = read_npy(test_acc_path);
  for (std::size_t i = 0; i < all.codes.size(); i += kMilestoneStride) {
    const auto arch = decode(all.codes[i]);
    if (!invalid_reason(raw_spec(*arch)).empty())
      throw nas::Error(cells_path + ": cell " + std::to_string(i) + " is not a valid NAS-Bench-101 cell" + kFix);
    all.milestones.push_back(graph_hash(*prune(raw_spec(*arch))));
    if (i > 0 && !(all.milestones[all.milestones.size() - 2] < all.milestones.back()))
      throw nas::Error(cells_path + ": cells are not in ascending hash order at " + std::to_string(i) + kFix);
  }
  return all;
}

}  // namespace nb101
