// The official NAS-Bench-201 network (AutoDL/xautodl `infer.tiny`
// TinyNetwork, C=16, N=5) as a nas::Network. Submodules are registered
// under the official names and in the official order, so named_parameters()
// yields exactly the official state-dict keys (stem.0.weight,
// cells.{i}.layers.{e}.op.1.weight, cells.5.conv_a.op.2.bias,
// cells.5.downsample.1.weight, lastact.0.*, classifier.*) and conv/linear
// layers come in PyTorch's named_modules() order.
#pragma once
#include <array>
#include <memory>
#include <vector>

#include "nas/network.h"
#include "nb201_encoding.h"

namespace nb201 {

/// ReLU -> Conv(k, stride, pad k/2, no bias) -> BN, as xautodl's ReLUConvBN:
/// parameters under op.1 (conv) and op.2 (BN); the ReLU (op.0) has none.
struct ReluConvBn : torch::nn::Module {
  ReluConvBn(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

/// InferCell: one op per edge, registered as layers.{e} in arch-string order.
struct SearchCell : torch::nn::Module {
  SearchCell(const nas::Arch& arch, int64_t channels);
  std::array<Op, kNumEdges> ops{};
  /// Set for the conv edges only.
  std::array<std::shared_ptr<ReluConvBn>, kNumEdges> convs;
};

/// ResNetBasicblock with stride 2: downsample(x) + conv_b(conv_a(x)).
struct ReductionCell : torch::nn::Module {
  ReductionCell(int64_t in_channels, int64_t out_channels);
  std::shared_ptr<ReluConvBn> conv_a, conv_b;
  /// downsample.0 is AvgPool2d(2, 2) (no parameters), downsample.1 this conv.
  torch::nn::Conv2d downsample{nullptr};
};

class Network : public nas::Network {
 public:
  Network(const nas::Arch& arch, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::Tensor relu_conv_bn(ReluConvBn& m, const torch::Tensor& x);
  torch::Tensor edge(SearchCell& cell, int e, const torch::Tensor& x);
  torch::Tensor search_cell(SearchCell& cell, const torch::Tensor& x);
  torch::Tensor reduction_cell(ReductionCell& cell, const torch::Tensor& x);

  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  /// cells.{i}, i = 0..16: exactly one of the two is set per cell.
  std::vector<std::shared_ptr<SearchCell>> search_cells_;
  std::vector<std::shared_ptr<ReductionCell>> reduction_cells_;
  torch::nn::BatchNorm2d lastact_bn_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};

}  // namespace nb201
