// What the AZ-NAS proxies (Lee & Ham, CVPR 2024; cvlab-yonsei/AZ-NAS
// NB201/ZeroShotProxy/compute_az_nas_score.py) share: the probe they read
// and the spectral entropy of one cell's features. A helper of three
// plugins, owned by none.
#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "nas/errors.h"
#include "nas/probes.h"

namespace nas_proxies {

/// compute_nas_score(..., init_method="kaiming_norm_fanin") on the input
/// torch.randn(64, 3, 32, 32), both drawn from the hash (fixtures README,
/// "aznas"); the trainability's bernoulli(0.5) draws likewise.
inline const nas::Reinit& aznas_reinit() {
  static const nas::Reinit r{"aznas:", nas::Reinit::kKaimingFanIn};
  return r;
}
inline const char* const kAznasInput = "aznas:input";
inline const char* const kAznasRademacher = "aznas:bernoulli";

/// F_0 .. F_n of the AZ-NAS probe; refuses a space that marks no cells.
inline const std::vector<at::Tensor>& aznas_features(nas::Probes& probes) {
  const auto& f = probes.cell_features(aznas_reinit(), kAznasInput);
  if (f.size() < 2)
    throw nas::Error("AZ-NAS reads the outputs of the stem and of each cell, and this space's network marks " +
                     std::to_string(f.size()) + " (Network::cell_boundary)");
  return f;
}

/// AZ-NAS expressivity of each feature map F [B, C, H, W] (float32, as the
/// reference): X = rows B*H*W x C centred per column, S = X^T X / (B*H*W),
/// s = eigvalsh(S), p = s / sum(s), e = sum -p log(p + 1e-8). NaN for a zero
/// map (0/0) or an eigenvalue below -1e-8 sum(s) (log of a negative).
inline std::vector<double> cell_entropies(const std::vector<at::Tensor>& features) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> e;
  for (const at::Tensor& f : features) {
    at::Tensor x = f.detach().permute({0, 2, 3, 1}).reshape({-1, f.size(1)});
    x = x - x.mean(0, /*keepdim=*/true);
    const at::Tensor sigma = at::mm(x.t(), x) / x.size(0);
    const at::Tensor s = at::linalg_eigvalsh(sigma);
    const at::Tensor p = s / s.sum();
    e.push_back((-p * at::log(p + 1e-8)).sum());
  }
  const at::Tensor all = at::stack(e).to(at::kDouble).cpu().contiguous();
  return std::vector<double>(all.data_ptr<double>(), all.data_ptr<double>() + all.numel());
}

}  // namespace nas_proxies
