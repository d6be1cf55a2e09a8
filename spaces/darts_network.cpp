#include "darts_network.h"

#include <ATen/ATen.h>

#include <string>

namespace darts {
namespace {

bool is_reduction(int cell) { return cell == kCells / 3 || cell == 2 * kCells / 3; }  // cells 2 and 5

std::shared_ptr<torch::nn::Module> holder() { return std::make_shared<torch::nn::Module>(); }

torch::nn::Conv2d make_conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding = 0,
                            int64_t dilation = 1, int64_t groups = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding)
                               .dilation(dilation)
                               .groups(groups)
                               .bias(false));
}

torch::nn::BatchNorm2d make_bn(int64_t channels, bool affine) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(affine));
}

}  // namespace

ReluConvBn::ReluConvBn(int64_t in_channels, int64_t out_channels, bool affine) {
  auto op = register_module("op", holder());  // op.0 is the ReLU
  conv = op->register_module("1", make_conv(in_channels, out_channels, 1, 1));
  bn = op->register_module("2", make_bn(out_channels, affine));
}

FactorizedReduce::FactorizedReduce(int64_t in_channels, int64_t out_channels, bool affine) {
  conv_1 = register_module("conv_1", make_conv(in_channels, out_channels / 2, 1, 2));
  conv_2 = register_module("conv_2", make_conv(in_channels, out_channels / 2, 1, 2));
  bn = register_module("bn", make_bn(out_channels, affine));
}

CellOp::CellOp(Op op_, int64_t c, int64_t stride_) : op(op_), stride(stride_) {
  auto seq = register_module("op", holder());
  // Registered under their nn.Sequential positions (ReLUs take 0 and 4).
  auto conv = [&](int pos, torch::nn::Conv2d m) { convs.push_back(seq->register_module(std::to_string(pos), m)); };
  auto bn = [&](int pos) { bns.push_back(seq->register_module(std::to_string(pos), make_bn(c, false))); };
  switch (op) {
    case kMaxPool3x3:
    case kAvgPool3x3:
      bn(1);
      break;
    case kSkipConnect:
      if (stride == 2) fr = register_module("fr", std::make_shared<FactorizedReduce>(c, c, false));
      break;
    case kSepConv3x3:
    case kSepConv5x5: {
      const int64_t k = op == kSepConv3x3 ? 3 : 5;
      conv(1, make_conv(c, c, k, stride, k / 2, 1, c));
      conv(2, make_conv(c, c, 1, 1));
      bn(3);
      conv(5, make_conv(c, c, k, 1, k / 2, 1, c));
      conv(6, make_conv(c, c, 1, 1));
      bn(7);
      break;
    }
    case kDilConv3x3:
    case kDilConv5x5: {
      const int64_t k = op == kDilConv3x3 ? 3 : 5;
      conv(1, make_conv(c, c, k, stride, k - 1, 2, c));
      conv(2, make_conv(c, c, 1, 1));
      bn(3);
      break;
    }
  }
}

Cell::Cell(const std::array<Pair, kPairs>& pairs_, int64_t c_prev_prev, int64_t c_prev, int64_t c, bool reduction,
           bool reduction_prev)
    : pairs(pairs_) {
  if (reduction_prev)
    pre0_fr = register_module("preprocess0", std::make_shared<FactorizedReduce>(c_prev_prev, c, true));
  else
    pre0_rcb = register_module("preprocess0", std::make_shared<ReluConvBn>(c_prev_prev, c, true));
  pre1 = register_module("preprocess1", std::make_shared<ReluConvBn>(c_prev, c, true));
  auto list = register_module("_ops", holder());
  for (int j = 0; j < kPairs; ++j) {
    const int64_t stride = reduction && pairs[j].input < 2 ? 2 : 1;
    ops.push_back(list->register_module(std::to_string(j),
                                        std::make_shared<CellOp>(static_cast<Op>(pairs[j].op), c, stride)));
  }
}

Network::Network(const Genome& genome, int num_classes) {
  const int64_t stem_out = kStemMultiplier * kChannels;
  auto stem = register_module("stem", holder());
  stem_conv_ = stem->register_module("0", make_conv(3, stem_out, 3, 1, 1));
  stem_bn_ = stem->register_module("1", make_bn(stem_out, true));
  auto cells = register_module("cells", holder());
  int64_t c_prev_prev = stem_out, c_prev = stem_out, c = kChannels;
  bool reduction_prev = false;
  for (int i = 0; i < kCells; ++i) {
    const bool reduction = is_reduction(i);
    if (reduction) c *= 2;
    cells_.push_back(cells->register_module(
        std::to_string(i), std::make_shared<Cell>(genome.cells[reduction ? 1 : 0], c_prev_prev, c_prev, c, reduction,
                                                  reduction_prev)));
    reduction_prev = reduction;
    c_prev_prev = c_prev;
    c_prev = kNodes * c;
  }
  classifier_ = register_module("classifier", torch::nn::Linear(c_prev, num_classes));
}

torch::Tensor Network::forward(torch::Tensor x) {
  // Cells: the stem, then each cell. A cell also reads the boundary before
  // the previous one (s0); the Jacobian between consecutive boundaries is
  // the one through s1.
  // module_output() marks the container modules PyTorch's forward hooks
  // would see (MeCo): stem nn.Sequential, op wrappers, cells, the network.
  torch::Tensor s0 = cell_boundary(module_output(batchnorm(*stem_bn_, conv(*stem_conv_, x))));  // no ReLU in the stem
  torch::Tensor s1 = s0;
  for (const auto& c : cells_) {
    torch::Tensor next = cell_boundary(cell(*c, s0, s1));
    s0 = s1;
    s1 = next;
  }
  return module_output(linear(*classifier_, global_avg_pool(features(s1))));
}

torch::Tensor Network::relu_conv_bn(ReluConvBn& m, const torch::Tensor& x) {
  return module_output(module_output(batchnorm(*m.bn, conv(*m.conv, relu(x)))));  // op nn.Sequential, ReLUConvBN
}

torch::Tensor Network::factorized_reduce(FactorizedReduce& m, const torch::Tensor& x) {
  const torch::Tensor r = relu(x);
  const torch::Tensor shifted = r.narrow(2, 1, r.size(2) - 1).narrow(3, 1, r.size(3) - 1);
  return module_output(batchnorm(*m.bn, at::cat({conv(*m.conv_1, r), conv(*m.conv_2, shifted)}, 1)));
}

torch::Tensor Network::op(CellOp& m, const torch::Tensor& x) {
  // The op module itself (and its nn.Sequential where it has one).
  switch (m.op) {
    case kMaxPool3x3:
      return module_output(module_output(batchnorm(*m.bns[0], max_pool(x, 3, static_cast<int>(m.stride), 1))));
    case kAvgPool3x3:
      return module_output(module_output(
          batchnorm(*m.bns[0], avg_pool(x, 3, static_cast<int>(m.stride), 1, /*count_include_pad=*/false))));
    case kSkipConnect:
      return m.fr ? factorized_reduce(*m.fr, x) : module_output(x);  // FactorizedReduce or nn.Identity
    default: {
      // sep conv: two ReLU-dw-pw-BN stages; dil conv: one.
      torch::Tensor y = x;
      for (std::size_t s = 0; s < m.bns.size(); ++s)
        y = batchnorm(*m.bns[s], conv(*m.convs[2 * s + 1], conv(*m.convs[2 * s], relu(y))));
      return module_output(module_output(y));
    }
  }
}

torch::Tensor Network::cell(Cell& c, const torch::Tensor& s0, const torch::Tensor& s1) {
  std::vector<torch::Tensor> states{c.pre0_fr ? factorized_reduce(*c.pre0_fr, s0) : relu_conv_bn(*c.pre0_rcb, s0),
                                    relu_conv_bn(*c.pre1, s1)};
  for (int k = 0; k < kNodes; ++k) {
    torch::Tensor a = op(*c.ops[2 * k], states[c.pairs[2 * k].input]);
    torch::Tensor b = op(*c.ops[2 * k + 1], states[c.pairs[2 * k + 1].input]);
    states.push_back(a + b);
  }
  return module_output(at::cat({states[2], states[3], states[4], states[5]}, 1));
}

namespace {

// Per-op totals over the 6 normal cells, and per reduction-cell op summed
// over the 2 reduction cells, by whether it reads c_{k-2}/c_{k-1} (stride 2)
// or an intermediate node (SPACES.md 2.2, checked against built nets).
struct Cost {
  double params, flops;
};
constexpr Cost kNormal[kNumOps] = {{0, 1146880},     {0, 1146880},      {0, 0},          {94080, 15106048},
                                   {108416, 18776064}, {47040, 7553024}, {54208, 9388032}};
constexpr Cost kReduceStrided[kNumOps] = {{0, 245760},      {0, 245760},      {20480, 2220032}, {44416, 4808704},
                                          {50560, 5595136}, {22208, 2441216}, {25280, 2834432}};
constexpr Cost kReduceInner[kNumOps] = {{0, 245760},      {0, 245760},      {0, 0},          {44416, 4734976},
                                        {50560, 5521408}, {22208, 2367488}, {25280, 2760704}};
// Stem 2,784 + preprocessing 384,512 + classifier 5,130; FLOPs likewise.
constexpr Cost kFixed = {392426, 81606144};

Cost total(const Genome& g) {
  Cost t = kFixed;
  for (const Pair& p : g.cells[0]) {
    t.params += kNormal[p.op].params;
    t.flops += kNormal[p.op].flops;
  }
  for (const Pair& p : g.cells[1]) {
    const Cost& c = p.input < 2 ? kReduceStrided[p.op] : kReduceInner[p.op];
    t.params += c.params;
    t.flops += c.flops;
  }
  return t;
}

}  // namespace

double params_millions(const Genome& genome) { return total(genome).params / 1e6; }
double flops_millions(const Genome& genome) { return total(genome).flops / 1e6; }

}  // namespace darts
