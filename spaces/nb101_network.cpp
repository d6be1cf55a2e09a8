#include "nb101_network.h"

#include <ATen/ATen.h>

#include <string>

namespace nb101 {
namespace {

constexpr int64_t kStemChannels = 128;
constexpr int kStacks = 3;
constexpr int kCellsPerStack = 3;

std::shared_ptr<torch::nn::Module> holder() { return std::make_shared<torch::nn::Module>(); }

// (in, out) channels and input resolution of cell c (0..8).
struct CellShape {
  int64_t in, out, hw;
};
CellShape cell_shape(int c) {
  const int stack = c / kCellsPerStack;
  const int64_t out = kStemChannels << stack;
  const int64_t in = (c % kCellsPerStack == 0 && stack > 0) ? out / 2 : out;
  const int64_t side = 32 >> stack;
  return {in, out, side * side};
}

}  // namespace

ConvBnRelu::ConvBnRelu(int64_t in_channels, int64_t out_channels, int64_t kernel, double bn_momentum) {
  auto seq = register_module("conv_bn_relu", holder());
  conv = seq->register_module(
      "0", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, kernel).padding(kernel / 2).bias(false)));
  bn = seq->register_module(
      "1", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out_channels).eps(kBnEps).momentum(bn_momentum)));
}

Cell::Cell(const Spec& pruned, int64_t in_channels, int64_t out_channels, double bn_momentum)
    : spec(pruned), channels(vertex_channels(pruned, static_cast<int>(in_channels), static_cast<int>(out_channels))) {
  const int n = spec.n;
  vertex_op.resize(n);
  input_op.resize(n);
  auto vertex_ops = register_module("vertex_op", holder());
  for (int t = 1; t < n - 1; ++t)
    if (spec.label[t] != kMaxPool3x3)
      vertex_op[t] = vertex_ops->register_module(
          std::to_string(t),
          std::make_shared<ConvBnRelu>(channels[t], channels[t], spec.label[t] == kConv3x3 ? 3 : 1, bn_momentum));
  auto input_ops = register_module("input_op", holder());
  for (int t = 1; t < n; ++t)
    if (spec.adj[0][t])
      input_op[t] = input_ops->register_module(std::to_string(t),
                                               std::make_shared<ConvBnRelu>(in_channels, channels[t], 1, bn_momentum));
}

Network::Network(const Spec& pruned, int num_classes, double bn_momentum) {
  stem_ = register_module("stem", std::make_shared<ConvBnRelu>(3, kStemChannels, 3, bn_momentum));
  auto layers = register_module("layers", holder());
  int k = 0;
  for (int c = 0; c < kStacks * kCellsPerStack; ++c) {
    if (c > 0 && c % kCellsPerStack == 0) {
      layers_.push_back(nullptr);  // MaxPool2d(2, 2): no parameters
      layers->register_module(std::to_string(k++), holder());
    }
    const CellShape s = cell_shape(c);
    layers_.push_back(
        layers->register_module(std::to_string(k++), std::make_shared<Cell>(pruned, s.in, s.out, bn_momentum)));
  }
  classifier_ = register_module("classifier", torch::nn::Linear(kStemChannels << (kStacks - 1), num_classes));
}

torch::Tensor Network::forward(torch::Tensor x) {
  // Cells: the stem, then each of the 9 cells; a down-sampling max-pool
  // belongs to the cell after it (so the Jacobian between two boundaries
  // crosses it, and per-cell proxies see the resolution change there).
  x = cell_boundary(conv_bn_relu(*stem_, x));
  for (const auto& layer : layers_) x = layer ? cell_boundary(cell(*layer, x)) : max_pool(x, 2, 2, 0);
  // The official head is a plain mean over H and W (no AdaptiveAvgPool2d
  // module, so tensorwatch counts no FLOPs for it).
  x = features(x).mean({2, 3});
  return module_output(linear(*classifier_, x));  // the network's own forward hook (MeCo)
}

torch::Tensor Network::conv_bn_relu(ConvBnRelu& m, const torch::Tensor& x) {
  // Its conv_bn_relu nn.Sequential, then the module itself (MeCo's hooks).
  return module_output(module_output(relu(batchnorm(*m.bn, conv(*m.conv, x)))));
}

torch::Tensor Network::cell(Cell& c, const torch::Tensor& x) {
  const Spec& s = c.spec;
  const int n = s.n;
  std::vector<torch::Tensor> t(n);
  t[0] = x;
  std::vector<torch::Tensor> concat;
  for (int v = 1; v < n - 1; ++v) {
    // Sum of the interior inputs (cut to this vertex's channels), then the
    // projected cell input: the official order.
    torch::Tensor in;
    auto add = [&in](const torch::Tensor& y) { in = in.defined() ? in + y : y; };
    for (int u = 1; u < v; ++u)
      if (s.adj[u][v]) add(t[u].narrow(1, 0, c.channels[v]));
    if (s.adj[0][v]) add(conv_bn_relu(*c.input_op[v], x));
    t[v] = s.label[v] == kMaxPool3x3 ? max_pool(in, 3, 1, 1) : conv_bn_relu(*c.vertex_op[v], in);
    if (s.adj[v][n - 1]) concat.push_back(t[v]);
  }
  // The cell module's own output is marked for MeCo's hooks.
  if (concat.empty()) return module_output(conv_bn_relu(*c.input_op[n - 1], x));  // n == 2: input -> output only
  torch::Tensor out = concat.size() == 1 ? concat[0] : at::cat(concat, 1);
  if (s.adj[0][n - 1]) out = out + conv_bn_relu(*c.input_op[n - 1], x);
  return module_output(out);
}

double params_millions(const Spec& p, int num_classes) {
  const int64_t top = kStemChannels << (kStacks - 1);
  double total = 3 * 9 * kStemChannels + 2 * kStemChannels + (top + 1) * num_classes;  // stem, classifier
  for (int c = 0; c < kStacks * kCellsPerStack; ++c) {
    const CellShape s = cell_shape(c);
    const std::vector<int> vc = vertex_channels(p, static_cast<int>(s.in), static_cast<int>(s.out));
    for (int t = 1; t < p.n; ++t)
      if (p.adj[0][t]) total += static_cast<double>(s.in * vc[t] + 2 * vc[t]);  // projection conv + BN
    for (int t = 1; t < p.n - 1; ++t) {
      const double ch = vc[t];
      if (p.label[t] == kConv3x3) total += 9 * ch * ch + 2 * ch;
      if (p.label[t] == kConv1x1) total += ch * ch + 2 * ch;
    }
  }
  return total / 1e6;
}

double flops_millions(const Spec& p, int num_classes) {
  const int64_t top = kStemChannels << (kStacks - 1);
  // Stem (conv + BN + ReLU at 32x32), the two 2x2 max-pools, the classifier.
  double total = 3932160.0 + 131072.0 + 65536.0 + static_cast<double>(top * num_classes);
  for (int c = 0; c < kStacks * kCellsPerStack; ++c) {
    const CellShape s = cell_shape(c);
    const double hw = static_cast<double>(s.hw);
    const std::vector<int> vc = vertex_channels(p, static_cast<int>(s.in), static_cast<int>(s.out));
    for (int t = 1; t < p.n; ++t)
      if (p.adj[0][t]) total += hw * (static_cast<double>(s.in) * vc[t] + 3.0 * vc[t]);
    for (int t = 1; t < p.n - 1; ++t) {
      const double ch = vc[t];
      if (p.label[t] == kConv3x3) total += hw * (9 * ch * ch + 3 * ch);
      if (p.label[t] == kConv1x1) total += hw * (ch * ch + 3 * ch);
      if (p.label[t] == kMaxPool3x3) total += 9 * ch * hw;
    }
  }
  return total / 1e6;
}

}  // namespace nb101
