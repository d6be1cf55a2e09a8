// Tensor formulas the proxy definitions and proxy expressions share,
// written as the reference code computes them.
#pragma once
#include <ATen/ATen.h>

namespace nas {

/// np.corrcoef(rows): the [R, R] float64 correlation of the rows of a 2-D
/// tensor (numpy converts the float32 Jacobian to float64 first). A constant
/// row gives NaN entries (0/0), as in numpy.
inline at::Tensor corrcoef(const at::Tensor& rows) {
  at::Tensor x = rows.to(at::kDouble);
  x = x - x.mean(1, /*keepdim=*/true);
  at::Tensor c = x.mm(x.t()) / static_cast<double>(x.size(1) - 1);
  const at::Tensor stddev = c.diagonal().sqrt();
  c = c / stddev.unsqueeze(1) / stddev.unsqueeze(0);
  return c.clamp(-1, 1);  // np.clip(c, -1, 1); NaN stays NaN
}

}  // namespace nas
