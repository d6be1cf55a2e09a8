#include "nb201_network.h"

#include <string>

namespace nb201 {
namespace {

constexpr int64_t kStemChannels = 16;  // C
constexpr int kCellsPerStage = 5;      // N
constexpr int kNumCells = 3 * kCellsPerStage + 2;

bool is_reduction(int cell) { return cell == kCellsPerStage || cell == 2 * kCellsPerStage + 1; }

// A parameterless container, as nn.Sequential / nn.ModuleList are in the
// official module tree: it only contributes a name to the keys below it.
std::shared_ptr<torch::nn::Module> holder() { return std::make_shared<torch::nn::Module>(); }

torch::nn::Conv2d make_conv(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// eps 1e-5, momentum 0.1, affine, tracked running stats: LibTorch's defaults,
// which are also the official ones.
torch::nn::BatchNorm2d make_bn(int64_t channels) { return torch::nn::BatchNorm2d(channels); }

}  // namespace

ReluConvBn::ReluConvBn(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride) {
  auto op = register_module("op", holder());
  conv = op->register_module("1", make_conv(in_channels, out_channels, kernel, stride));
  bn = op->register_module("2", make_bn(out_channels));
}

SearchCell::SearchCell(const nas::Arch& arch, int64_t channels) {
  auto layers = register_module("layers", holder());
  for (int e = 0; e < kNumEdges; ++e) {
    ops[e] = static_cast<Op>(arch.choices[e]);
    const std::string name = std::to_string(e);
    if (ops[e] == kConv1x1 || ops[e] == kConv3x3) {
      const int64_t kernel = ops[e] == kConv1x1 ? 1 : 3;
      convs[e] = layers->register_module(name, std::make_shared<ReluConvBn>(channels, channels, kernel, 1));
    } else {
      layers->register_module(name, holder());  // pool / skip / zero: no parameters
    }
  }
}

ReductionCell::ReductionCell(int64_t in_channels, int64_t out_channels) {
  conv_a = register_module("conv_a", std::make_shared<ReluConvBn>(in_channels, out_channels, 3, 2));
  conv_b = register_module("conv_b", std::make_shared<ReluConvBn>(out_channels, out_channels, 3, 1));
  auto downsample_seq = register_module("downsample", holder());
  downsample = downsample_seq->register_module("1", make_conv(in_channels, out_channels, 1, 1));
}

Network::Network(const nas::Arch& arch, int num_classes) {
  auto stem = register_module("stem", holder());
  stem_conv_ = stem->register_module("0", make_conv(3, kStemChannels, 3, 1));
  stem_bn_ = stem->register_module("1", make_bn(kStemChannels));

  auto cells = register_module("cells", holder());
  int64_t channels = kStemChannels;
  search_cells_.resize(kNumCells);
  reduction_cells_.resize(kNumCells);
  for (int i = 0; i < kNumCells; ++i) {
    const std::string name = std::to_string(i);
    if (is_reduction(i)) {
      reduction_cells_[i] = cells->register_module(name, std::make_shared<ReductionCell>(channels, 2 * channels));
      channels *= 2;
    } else {
      search_cells_[i] = cells->register_module(name, std::make_shared<SearchCell>(arch, channels));
    }
  }

  auto lastact = register_module("lastact", holder());
  lastact_bn_ = lastact->register_module("0", make_bn(channels));
  classifier_ = register_module("classifier", torch::nn::Linear(channels, num_classes));
}

torch::Tensor Network::forward(torch::Tensor x) {
  // Cells as AZ-NAS's extract_cell_features takes them: the stem, then each
  // of the 17 cells (the two residual reduction blocks included).
  // module_output() marks the containers of the official module tree that
  // PyTorch's forward hooks see: stem and lastact (nn.Sequential), each
  // cell, the network (see nas::ForwardHooks::module_output).
  x = cell_boundary(module_output(batchnorm(*stem_bn_, conv(*stem_conv_, x))));
  for (int i = 0; i < kNumCells; ++i)
    x = cell_boundary(search_cells_[i] ? search_cell(*search_cells_[i], x) : reduction_cell(*reduction_cells_[i], x));
  x = features(module_output(relu(batchnorm(*lastact_bn_, x))));
  return module_output(linear(*classifier_, global_avg_pool(x)));
}

torch::Tensor Network::relu_conv_bn(ReluConvBn& m, const torch::Tensor& x) {
  // Its `op` nn.Sequential, then the ReLUConvBN module itself.
  return module_output(module_output(batchnorm(*m.bn, conv(*m.conv, relu(x)))));
}

torch::Tensor Network::edge(SearchCell& cell, int e, const torch::Tensor& x) {
  switch (cell.ops[e]) {
    case kNone:
      // Multiply rather than return zeros: NaN/inf propagate and the
      // gradient through the edge is exactly 0, as in the official Zero op.
      return module_output(x * 0.0);  // the Zero module
    case kSkipConnect:
      return module_output(x);  // nn.Identity
    case kConv1x1:
    case kConv3x3:
      return relu_conv_bn(*cell.convs[e], x);
    case kAvgPool3x3:  // POOLING around its nn.AvgPool2d
      return module_output(avg_pool(x, 3, 1, 1, /*count_include_pad=*/false));
  }
  return x;  // unreachable: Nb201Space::build checks the arch first
}

torch::Tensor Network::search_cell(SearchCell& cell, const torch::Tensor& x) {
  // Node j = sum of its incoming edges; edges come in arch-string order, so
  // every node is complete before an edge reads it.
  std::array<torch::Tensor, 4> nodes{x};
  for (int e = 0; e < kNumEdges; ++e) {
    torch::Tensor y = edge(cell, e, nodes[kEdges[e].from]);
    torch::Tensor& node = nodes[kEdges[e].to];
    node = node.defined() ? node + y : y;
  }
  return module_output(nodes[3]);
}

torch::Tensor Network::reduction_cell(ReductionCell& cell, const torch::Tensor& x) {
  // The official forward runs conv_a, conv_b, then downsample: the order the
  // hooks see the ReLUs and convs in.
  torch::Tensor basic = relu_conv_bn(*cell.conv_b, relu_conv_bn(*cell.conv_a, x));
  torch::Tensor residual =
      module_output(conv(*cell.downsample, avg_pool(x, 2, 2, 0, /*count_include_pad=*/true)));  // nn.Sequential
  return module_output(residual + basic);
}

}  // namespace nb201
