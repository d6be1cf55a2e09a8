// Instrumented leaves of nas::Network. FLOPs follow tensorwatch's counter
// (the rules NAS-Bench-Suite-Zero used; shared/SPACES.md section 0).
#include "nas/network.h"

#include <ATen/ATen.h>

#include <torch/enum.h>

#include <optional>
#include <variant>

#include "second_order.h"

namespace nas {

namespace {

/// The geometry of `m` when conv2d_fast_second_order can stand in for its
/// forward (numeric zero padding); nullopt otherwise.
std::optional<ConvGeometry> fast_geometry(const torch::nn::Conv2dImpl& m) {
  // The options hold padding and padding mode in variants: c10::variant in
  // LibTorch 1.x, std::variant in 2.x. Argument-dependent lookup finds the
  // matching get_if, and the enum's name reads the same in both.
  using std::get_if;
  const auto& o = m.options;
  const auto* padding = get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding == nullptr || torch::enumtype::get_enum_name(o.padding_mode()) != "kZeros") return std::nullopt;
  ConvGeometry g;
  for (int i = 0; i < 2; ++i) {
    g.stride[i] = (*o.stride())[i];
    g.padding[i] = (**padding)[i];
    g.dilation[i] = (*o.dilation())[i];
  }
  g.groups = o.groups();
  return g;
}

}  // namespace

torch::Tensor Network::conv(torch::nn::Conv2dImpl& m, const torch::Tensor& x) {
  const std::optional<ConvGeometry> geometry =
      hooks.fast_second_order ? fast_geometry(m) : std::optional<ConvGeometry>();
  torch::Tensor y = geometry ? conv2d_fast_second_order(x, m.weight, m.bias, *geometry) : m.forward(x);
  if (hooks.flops) {
    const auto& o = m.options;
    const double k = static_cast<double>((*o.kernel_size())[0] * (*o.kernel_size())[1]);
    const double per_out = k * static_cast<double>(o.in_channels()) * static_cast<double>(o.out_channels() / o.groups());
    double f = per_out * static_cast<double>(y.size(2) * y.size(3));
    if (o.bias()) f += static_cast<double>(o.out_channels() * y.size(2) * y.size(3));
    *hooks.flops += f;
  }
  if (hooks.layer_output) y = hooks.layer_output(m, y);
  return module_output(y);
}

torch::Tensor Network::linear(torch::nn::LinearImpl& m, const torch::Tensor& x) {
  torch::Tensor y = m.forward(x);
  if (hooks.flops) *hooks.flops += static_cast<double>(m.options.in_features() * m.options.out_features());
  if (hooks.layer_output) y = hooks.layer_output(m, y);
  return module_output(y);
}

torch::Tensor Network::batchnorm(torch::nn::BatchNorm2dImpl& m, const torch::Tensor& x) {
  if (!hooks.batchnorm) return x;
  if (hooks.flops) *hooks.flops += static_cast<double>(x[0].numel()) * (m.options.affine() ? 2.0 : 1.0);
  const auto& o = m.options;
  if (hooks.fast_second_order && m.is_training() && o.track_running_stats() && o.momentum()) {
    if (m.num_batches_tracked.defined()) m.num_batches_tracked += 1;  // as BatchNormImplBase::forward does
    return module_output(
        batch_norm_fast_second_order(x, m.weight, m.bias, m.running_mean, m.running_var, *o.momentum(), o.eps()));
  }
  return module_output(m.forward(x));
}

torch::Tensor Network::relu(const torch::Tensor& x) {
  if (hooks.relu_input) hooks.relu_input(x);
  if (hooks.flops) *hooks.flops += static_cast<double>(x[0].numel());
  return module_output(at::relu(x));
}

torch::Tensor Network::avg_pool(const torch::Tensor& x, int kernel, int stride, int padding,
                                bool count_include_pad) {
  torch::Tensor y = at::avg_pool2d(x, {kernel, kernel}, {stride, stride}, {padding, padding}, false,
                                   count_include_pad);
  if (hooks.flops) *hooks.flops += static_cast<double>(y[0].numel()) * kernel * kernel;
  return module_output(y);
}

torch::Tensor Network::max_pool(const torch::Tensor& x, int kernel, int stride, int padding) {
  torch::Tensor y = at::max_pool2d(x, {kernel, kernel}, {stride, stride}, {padding, padding});
  if (hooks.flops) *hooks.flops += static_cast<double>(y[0].numel()) * kernel * kernel;
  return module_output(y);
}

torch::Tensor Network::global_avg_pool(const torch::Tensor& x) {
  // tensorwatch counts AdaptiveAvgPool2d(1) as C * (H + 1) * (W + 1).
  if (hooks.flops) *hooks.flops += static_cast<double>(x.size(1) * (x.size(2) + 1) * (x.size(3) + 1));
  // The hook sees AdaptiveAvgPool2d's [N, C, 1, 1] output; the flatten
  // after it is no module.
  return module_output(at::adaptive_avg_pool2d(x, {1, 1})).flatten(1);
}

torch::Tensor Network::features(const torch::Tensor& x) {
  if (hooks.features) hooks.features(x);
  return x;
}

}  // namespace nas
