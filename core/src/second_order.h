// Conv2d and train-mode BatchNorm whose double backward is cheap.
//
// grasp's H·g differentiates dL/dW a second time, and LibTorch's own double
// backward of these two layers dominated that pass on CPU:
// - a convolution's (_convolution_double_backward) computes its
//   transposed-convolution terms with the slow reference kernel
//   (aten::slow_conv_transpose2d: 54 % of the H·g pass), although every term
//   is a forward convolution, an input gradient or a weight gradient of the
//   same convolution, which at::convolution and at::convolution_backward
//   compute with the fast (oneDNN / cuDNN) kernels;
// - BatchNorm's (batchnorm_double_backward) is some 40 elementwise passes
//   over the activation; the closed form below needs about 15.
// Custom autograd functions route both there. The forward and the first
// backward call the very kernels the modules call (same values, bit for
// bit, on CPU); the double backward equals LibTorch's up to summation order
// (tests/test_second_order.cpp checks 1e-6).
#pragma once
#include <ATen/Tensor.h>

#include <array>
#include <optional>

namespace nas {

struct ConvGeometry {
  std::array<int64_t, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;
};

/// at::convolution(x, weight, bias, geometry) (bias may be undefined).
at::Tensor conv2d_fast_second_order(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                    const ConvGeometry& geometry);

/// Train-mode at::native_batch_norm (batch statistics; running_mean and
/// running_var, when defined, updated with `momentum`). weight and bias may
/// be undefined (affine=false).
at::Tensor batch_norm_fast_second_order(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                        const at::Tensor& running_mean, const at::Tensor& running_var,
                                        double momentum, double eps);

}  // namespace nas
