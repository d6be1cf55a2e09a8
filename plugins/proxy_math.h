// Reductions the proxy definitions share, written as the reference code
// computes them.
#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "nas/probes.h"
#include "nas/tensor_math.h"

namespace nas_proxies {

/// zero-cost-nas `sum_arr`: sum += torch.sum(per_layer[l]), accumulated in
/// the tensors' own dtype (float32, or float64 for synflow). One read-back.
inline double sum_layers(const std::vector<at::Tensor>& per_layer_sums) {
  if (per_layer_sums.empty()) return 0.0;
  return at::stack(per_layer_sums).sum().item<double>();
}

/// zero-cost-nas plain and snip: the sum over conv/linear layers of
/// sum(W * dL/dW), or of sum(|W * dL/dW|) when `magnitudes`.
inline double sum_weight_times_grad(nas::Probes& probes, bool magnitudes) {
  at::NoGradGuard no_grad;
  const auto& layers = probes.layers();
  const auto& grads = probes.weight_grads();
  std::vector<at::Tensor> sums;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const at::Tensor product = layers[l].weight * grads[l];
    sums.push_back((magnitudes ? product.abs() : product).sum());
  }
  return sum_layers(sums);
}

using nas::corrcoef;  // nas/tensor_math.h

}  // namespace nas_proxies
