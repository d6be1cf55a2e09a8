// The network a space builds. It is an ordinary torch::nn::Module whose
// parameter names are the benchmark's official state-dict keys; what makes
// it a nas::Network is that every leaf operation goes through the
// instrumented helpers below. LibTorch modules have no forward hooks, so
// this is how the core sees ReLU inputs (nwot), conv/linear outputs
// (fisher), the pre-pool features (zen), counts FLOPs the way tensorwatch
// does, and switches BatchNorm off (synflow) -- for any space, without the
// proxies knowing which space it is.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <functional>

namespace nas {

/// What the core listens to during one forward. Every member is optional.
struct ForwardHooks {
  /// false: every BatchNorm is the identity (synflow's bn=False).
  bool batchnorm = true;
  /// Called with the input of every ReLU, in execution order.
  std::function<void(const torch::Tensor&)> relu_input;
  /// Called with the output of every Conv2d/Linear and its module; returns
  /// the tensor the forward continues with (so a probe can attach to it).
  std::function<torch::Tensor(torch::nn::Module&, const torch::Tensor&)> layer_output;
  /// Called with the features before global pooling (zen's f).
  std::function<void(const torch::Tensor&)> features;
  /// true: convolutions take a double backward on the fast kernels (set for
  /// the create-graph pass of grasp's H·g; same values up to summation order).
  bool fast_second_order = false;
  /// When set, each leaf adds its FLOPs (tensorwatch rules) here.
  double* flops = nullptr;
  /// Called with the output of the stem (cell 0) and of every cell after it
  /// (1, 2, ...), in order; returns the tensor the forward continues with.
  /// Per-cell proxies (AZ-NAS) read features and the Jacobians between
  /// consecutive boundaries through it; a space decides what a cell is.
  std::function<torch::Tensor(const torch::Tensor&)> cell_output;
  /// Called with the output of every module call, as a PyTorch forward hook
  /// on every module of the official module tree fires (MeCo): leaves from
  /// the helpers below, containers where the network calls module_output(),
  /// inner before outer, so a tensor that several nested modules return is
  /// seen once per module. The root's call is the logits.
  std::function<void(const torch::Tensor&)> module_output;
};

class Network : public torch::nn::Module {
 public:
  /// Logits [N, classes] for inputs [N, 3, H, W].
  virtual torch::Tensor forward(torch::Tensor x) = 0;

  /// Set by the core around a forward; the default listens to nothing.
  ForwardHooks hooks;

 protected:
  // Instrumented leaves: networks call these instead of module->forward.
  torch::Tensor conv(torch::nn::Conv2dImpl& m, const torch::Tensor& x);
  torch::Tensor linear(torch::nn::LinearImpl& m, const torch::Tensor& x);
  torch::Tensor batchnorm(torch::nn::BatchNorm2dImpl& m, const torch::Tensor& x);
  torch::Tensor relu(const torch::Tensor& x);
  torch::Tensor avg_pool(const torch::Tensor& x, int kernel, int stride, int padding,
                         bool count_include_pad);
  torch::Tensor max_pool(const torch::Tensor& x, int kernel, int stride, int padding);
  /// AdaptiveAvgPool2d(1) followed by flatten: [N, C, H, W] -> [N, C].
  torch::Tensor global_avg_pool(const torch::Tensor& x);
  /// Marks `x` as the pre-pool features; returns it unchanged.
  torch::Tensor features(const torch::Tensor& x);
  /// Marks `x` as the output of the stem or of a cell (ForwardHooks::
  /// cell_output): call it on the stem's output and on each cell's, in order.
  torch::Tensor cell_boundary(const torch::Tensor& x) { return hooks.cell_output ? hooks.cell_output(x) : x; }
  /// Marks `y` as the output of one container module call of the official
  /// module tree (an nn.Sequential, a cell, the network itself); returns it.
  torch::Tensor module_output(const torch::Tensor& y) {
    if (hooks.module_output) hooks.module_output(y);
    return y;
  }
  /// Adds FLOPs for a leaf the helpers do not cover.
  void add_flops(double f) {
    if (hooks.flops) *hooks.flops += f;
  }
};

}  // namespace nas
