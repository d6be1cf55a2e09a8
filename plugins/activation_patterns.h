// Counts of distinct ReLU activation patterns (SWAP, TE-NAS linear
// regions), read from Probes::relu_codes() / relu_kernel().
#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "nas/probes.h"

namespace nas_proxies {

/// SWAP: the number of distinct per-neuron patterns over the batch, i.e.
/// distinct columns of the [N, neurons] sign matrix of every ReLU output
/// concatenated (torch.unique(S^T, dim=0)). Each neuron's N bits are packed
/// into ceil(N / 64) int64 words, so counting is a sort.
inline int64_t distinct_neuron_patterns(nas::Probes& probes) {
  at::NoGradGuard no_grad;
  const auto& codes = probes.relu_codes();
  if (codes.empty()) return 0;
  const int64_t n = codes.front().size(0);
  const int64_t words = (n + 63) / 64;
  std::vector<at::Tensor> packed;  // per ReLU call: [neurons, words]
  for (const auto& code : codes) {
    std::vector<at::Tensor> per_word;
    for (int64_t w = 0; w < words; ++w) {
      const int64_t begin = w * 64, rows = std::min<int64_t>(64, n - begin);
      std::vector<int64_t> bit(rows);
      for (int64_t b = 0; b < rows; ++b) bit[b] = static_cast<int64_t>(uint64_t{1} << b);
      const at::Tensor weights = at::tensor(bit, at::kLong).to(code.device()).unsqueeze(1);
      // Disjoint bits: the sum is their OR, and it never overflows (bit 63
      // alone is INT64_MIN).
      per_word.push_back((code.slice(0, begin, begin + rows).to(at::kLong) * weights).sum(0));
    }
    packed.push_back(at::stack(per_word, 1));
  }
  const at::Tensor all = at::cat(packed);
  if (words == 1) {
    const at::Tensor sorted = std::get<0>(at::sort(all.flatten()));
    return 1 + (sorted.slice(0, 1) != sorted.slice(0, 0, -1)).sum().item<int64_t>();
  }
  return std::get<0>(at::unique_dim(all, 0)).size(0);
}

/// TE-NAS linear regions: the number of distinct per-sample patterns, as
/// its calc_LR computes it, sum_n 1 / #{m : codes of n and m agree}. Two
/// samples agree on every neuron exactly where nwot's kernel
/// (agreements per pair) reaches the neuron count.
inline double distinct_sample_patterns(nas::Probes& probes) {
  at::NoGradGuard no_grad;
  int64_t neurons = 0;
  for (const auto& code : probes.relu_codes()) neurons += code.size(1);
  const at::Tensor same = (probes.relu_kernel() == static_cast<double>(neurons)).to(at::kDouble);
  return same.sum(1).reciprocal().sum().item<double>();
}

}  // namespace nas_proxies
