// The NAS-Bench-101 network (shared/SPACES.md 1.2; the official TF model as
// NAS-Bench-Suite-Zero's PyTorch port builds it): stem conv3x3 3->128-BN-ReLU,
// three stacks of three cells with 2x2 max-pool downsampling and channel
// doubling between them, global mean, Linear(512, classes). Module names
// follow that port's layout: stem.conv_bn_relu.{0,1}, layers.{k} (the cells
// and the two pools, k = 0..10), layers.{k}.vertex_op.{t} and
// layers.{k}.input_op.{t} (projections), classifier.
#pragma once
#include <memory>
#include <vector>

#include "nas/network.h"
#include "nb101_encoding.h"

namespace nb101 {

/// BatchNorm eps (official). The momentum is the space's `bn_momentum`
/// option: 0.1 (default) is what NAS-Bench-Suite-Zero's PyTorch port used,
/// 0.003 the official TF decay 0.997. Train-mode forwards normalise with the
/// batch statistics either way, but zen reads running_var after its two
/// forwards, so the momentum changes zen.
constexpr double kBnEps = 1e-5;
constexpr double kNbszBnMomentum = 0.1;

/// Conv(k, pad k/2, no bias) -> BN -> ReLU, parameters under conv_bn_relu.{0,1}.
struct ConvBnRelu : torch::nn::Module {
  ConvBnRelu(int64_t in_channels, int64_t out_channels, int64_t kernel, double bn_momentum);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

/// One cell of a pruned spec between `in` and `out` channels.
struct Cell : torch::nn::Module {
  Cell(const Spec& pruned, int64_t in_channels, int64_t out_channels, double bn_momentum);
  Spec spec;
  std::vector<int> channels;  // vertex_channels(spec, in, out)
  /// vertex_op[t] for conv vertices t (null for maxpool and the ends);
  /// input_op[t] the projection of the cell input into vertex t (t = 1..n-1)
  /// when adj[0][t], else null.
  std::vector<std::shared_ptr<ConvBnRelu>> vertex_op, input_op;
};

class Network : public nas::Network {
 public:
  Network(const Spec& pruned, int num_classes, double bn_momentum = kNbszBnMomentum);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::Tensor conv_bn_relu(ConvBnRelu& m, const torch::Tensor& x);
  torch::Tensor cell(Cell& c, const torch::Tensor& x);

  std::shared_ptr<ConvBnRelu> stem_;
  /// layers.{k}: a cell, or null for the max-pool downsamplings (k = 3, 7).
  std::vector<std::shared_ptr<Cell>> layers_;
  torch::nn::Linear classifier_{nullptr};
};

/// Parameters and FLOPs (tensorwatch rules, one 32x32 image, eval mode) of
/// the network for `pruned`, in closed form (SPACES.md 1.3); the tests check
/// them against built networks.
double params_millions(const Spec& pruned, int num_classes);
double flops_millions(const Spec& pruned, int num_classes);

}  // namespace nb101
