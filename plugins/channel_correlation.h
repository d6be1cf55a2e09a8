// MeCo's per-module term, shared by meco and meco_pt: the minimum
// eigenvalue of the channel correlation matrix of each module output.
#pragma once
#include <ATen/ATen.h>

#include <map>
#include <vector>

namespace nas_proxies {

/// MeCo (HamsterMimi/MeCo get_score): for each module output, F = its first
/// sample as [C, rest] (a [C] or [C,1,1] output is [C, 1]); R = corrcoef(F)
/// in float32 with NaN and +-inf entries set to 0; lambda = min eigenvalue
/// of R. Returns the lambdas in firing order, float32.
inline at::Tensor meco_min_eigenvalues(const std::vector<at::Tensor>& outputs) {
  // torch.corrcoef in float32: cov with correction 1, divided by the outer
  // product of the standard deviations, clipped to [-1, 1].
  std::vector<at::Tensor> corr;
  for (const auto& y : outputs) {
    const at::Tensor f = y[0].reshape({y[0].size(0), -1}).to(at::kFloat);
    const at::Tensor x = f - f.mean(1, /*keepdim=*/true);
    at::Tensor c = x.mm(x.t()) / static_cast<double>(f.size(1) - 1);
    const at::Tensor sd = c.diagonal().sqrt();
    c = (c / sd.unsqueeze(1) / sd.unsqueeze(0)).clamp(-1, 1);
    corr.push_back(at::where(at::isfinite(c), c, at::zeros({}, c.options())));
  }
  // The reference's general eig of a symmetric matrix has real eigenvalues;
  // eigvalsh finds them (batched over outputs of one channel count).
  std::vector<at::Tensor> lambdas(corr.size());
  std::map<int64_t, std::vector<std::size_t>> by_size;
  for (std::size_t i = 0; i < corr.size(); ++i) by_size[corr[i].size(0)].push_back(i);
  for (const auto& [size, indices] : by_size) {
    std::vector<at::Tensor> batch;
    for (std::size_t i : indices) batch.push_back(corr[i]);
    const at::Tensor stacked = at::stack(batch);
    at::Tensor eigenvalues;
    try {
      eigenvalues = at::linalg_eigvalsh(stacked);
    } catch (const c10::Error&) {
      // MKL's float32 solver in LibTorch 2.11's CPU build fails to converge
      // on some of these nearly rank-one matrices (those of cells that
      // output zeros), where the reference's eig and the reference LAPACK
      // do not: solve that batch in float64 instead.
      eigenvalues = at::linalg_eigvalsh(stacked.to(at::kDouble)).to(at::kFloat);
    }
    const at::Tensor smallest = eigenvalues.select(1, 0);
    for (std::size_t k = 0; k < indices.size(); ++k) lambdas[indices[k]] = smallest[k];
  }
  if (lambdas.empty()) return at::zeros({0});
  return at::stack(lambdas);
}

}  // namespace nas_proxies
