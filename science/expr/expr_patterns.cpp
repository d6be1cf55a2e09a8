// The activation-pattern leaves (expr_patterns.h). Patterns are compared as
// bits packed 64 to an int64 word, so that distinct patterns are found by
// sorting words rather than comparing bool rows (one word per neuron up to
// 64 images).
#include "expr_patterns.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace nas::expr::detail {

namespace {

// [rows, width] bool -> [rows, ceil(width / 64)] int64 that are equal
// exactly where the rows are. The bools are copied as bytes (0 or 1) and
// each 8 of them read as one int64; 8 such words, the k-th times 2^k, add up
// to one word without carries (every byte stays below 256).
at::Tensor pack_rows(const at::Tensor& bits) {
  const int64_t rows = bits.size(0), width = bits.size(1), words = (width + 63) / 64;
  at::Tensor bytes = at::zeros({rows, words * 64}, bits.options().dtype(at::kByte));
  bytes.slice(1, 0, width).copy_(bits);
  const at::Tensor scale = at::tensor(std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 128}, at::kLong).to(bits.device());
  return (bytes.view(at::kLong).view({rows, words, 8}) * scale).sum(2);
}

// One int64 per row that is equal exactly where the rows are.
at::Tensor row_ids(const at::Tensor& packed) {
  if (packed.size(1) == 1) return packed.select(1, 0);
  return std::get<1>(at::unique_dim(packed, 0, /*sorted=*/true, /*return_inverse=*/true));
}

}  // namespace

at::Tensor new_neuron_patterns(const std::vector<at::Tensor>& codes) {
  const auto calls = static_cast<int64_t>(codes.size());
  if (calls == 0) return at::zeros({0}, at::kDouble);
  const at::TensorOptions longs = codes.front().options().dtype(at::kLong);
  std::vector<at::Tensor> packed;  // per call: [neurons, words]
  std::vector<int64_t> neurons;
  for (const auto& code : codes) packed.push_back(pack_rows(code.t())), neurons.push_back(code.size(1));
  const at::Tensor ids = row_ids(at::cat(packed));
  const int64_t total = ids.size(0);
  if (total == 0) return at::zeros({calls}, longs.dtype(at::kDouble));
  // A stable sort puts each pattern's first neuron (the earliest call) first
  // in its run of equal ids.
  const auto sorted = at::sort(ids, /*stable=*/true, 0, /*descending=*/false);
  const at::Tensor& values = std::get<0>(sorted);
  at::Tensor first = at::ones({total}, longs.dtype(at::kBool));
  first.slice(0, 1).copy_(values.slice(0, 1) != values.slice(0, 0, -1));
  const at::Tensor call_of = at::repeat_interleave(at::arange(calls, longs), at::tensor(neurons, longs));
  const at::Tensor first_calls = call_of.index_select(0, std::get<1>(sorted).masked_select(first));
  return at::bincount(first_calls, {}, calls).to(at::kDouble);
}

at::Tensor new_sample_patterns(const std::vector<at::Tensor>& codes) {
  const auto calls = static_cast<int64_t>(codes.size());
  if (calls == 0) return at::zeros({0}, at::kDouble);
  const at::TensorOptions longs = codes.front().options().dtype(at::kLong);
  const int64_t n = codes.front().size(0);
  at::Tensor region = at::zeros({n, 1}, longs);  // every sample in one region before the first ReLU
  std::vector<double> gained;
  int64_t regions = 0;
  for (const auto& code : codes) {
    // Samples stay apart once apart: a region is (the region so far, this call's pattern).
    const auto found = at::unique_dim(at::cat({region, pack_rows(code)}, 1), 0, /*sorted=*/true, /*return_inverse=*/true);
    region = std::get<1>(found).unsqueeze(1);
    const int64_t now = std::get<0>(found).size(0);
    gained.push_back(static_cast<double>(now - regions));
    regions = now;
  }
  return at::tensor(gained, at::kDouble).to(codes.front().device());
}

}  // namespace nas::expr::detail
