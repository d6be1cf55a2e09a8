// The fast double backward of Conv2d and train-mode BatchNorm
// (core/src/second_order.h) against LibTorch's own: the forward and the
// first gradients bit for bit, the Hessian-vector products to 1e-6 (float32)
// and 1e-10 (float64) of their scale, over the geometries the spaces use
// (stride, padding, dilation, depthwise groups, bias, affine or not); then
// grasp's H·g through the probe context against a plain double backward on
// a network of every space. Each on the CPU and, where LibTorch sees one, on
// CUDA (there the forward and first gradients to rounding: see expect_same).
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <iostream>
#include <set>

#include "../core/src/second_order.h"
#include "nas/init.h"
#include "nas/network.h"
#include "nas/probes.h"
#include "nas/registry.h"
#include "test_support.h"

namespace {

using TensorList = std::vector<at::Tensor>;

/// max |a - b| / max |b| over every pair.
double relative_gap(const TensorList& ours, const TensorList& reference) {
  double gap = 0, scale = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    gap = std::max(gap, (ours[i] - reference[i]).abs().max().item<double>());
    scale = std::max(scale, reference[i].abs().max().item<double>());
  }
  return scale > 0 ? gap / scale : gap;
}

struct Derivatives {
  at::Tensor out;
  TensorList first, second;
};

/// L = sum(tanh(f(inputs)) * r) (nonlinear, so the first gradients depend on
/// every input), g = dL/d inputs with a graph, z = sum_i <g_i, v_i>, and dz/d
/// inputs: one Hessian-vector product, as grasp forms it.
Derivatives derivatives(const std::function<at::Tensor(const TensorList&)>& f, const TensorList& inputs,
                        uint64_t seed) {
  const at::Tensor out = f(inputs);
  at::manual_seed(seed);
  const at::Tensor loss = (at::tanh(out) * at::randn_like(out)).sum();
  TensorList g = torch::autograd::grad({loss}, inputs, {}, /*retain_graph=*/true, /*create_graph=*/true);
  at::Tensor z = at::zeros({}, out.options());
  for (const auto& gi : g) z = z + (gi * at::randn_like(gi)).sum();
  TensorList h = torch::autograd::grad({z}, inputs, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                       /*allow_unused=*/true);
  for (std::size_t i = 0; i < h.size(); ++i)
    if (!h[i].defined()) h[i] = at::zeros_like(inputs[i]);
  for (auto& t : g) t = t.detach();
  return {out.detach(), g, h};
}

TensorList leaves(const TensorList& values) {
  TensorList out;
  for (const auto& v : values) out.push_back(v.detach().clone().requires_grad_(true));
  return out;
}

double tolerance(at::ScalarType dtype) { return dtype == at::kDouble ? 1e-10 : 1e-6; }

std::string device_suffix(const c10::Device& d) { return d.is_cuda() ? "_cuda" : ""; }

/// Forward values and first gradients: on the CPU the fast layers call the
/// very kernels LibTorch's own backward calls, so they agree bit for bit.
/// On CUDA the reference may take cuDNN's BatchNorm (ours calls the native
/// kernel, as double backward needs its saved statistics) and cuDNN picks
/// convolution algorithms per call: equal to rounding, not bitwise.
void expect_same(const at::Tensor& ours, const at::Tensor& reference, const c10::Device& device,
                 const std::string& what) {
  if (device.is_cpu()) {
    EXPECT_TRUE(ours.equal(reference)) << what << " differs";
  } else {
    EXPECT_LE(relative_gap({ours}, {reference}), tolerance(reference.scalar_type())) << what << " differs";
  }
}

struct ConvCase {
  const char* name;
  int64_t in, out, kernel;
  nas::ConvGeometry geometry;
  bool bias;
};

class SecondOrderConv : public ::testing::TestWithParam<std::tuple<ConvCase, at::ScalarType, c10::Device>> {};

TEST_P(SecondOrderConv, MatchesLibTorchDoubleBackward) {
  // Plain variables, not a structured binding: the lambdas below capture
  // them, which C++17 allows for bindings in g++ but not in clang 14.
  const ConvCase& c = std::get<0>(GetParam());
  const at::ScalarType dtype = std::get<1>(GetParam());
  const c10::Device device = std::get<2>(GetParam());
  at::manual_seed(1);
  const auto opts = at::TensorOptions().dtype(dtype).device(device);
  TensorList values{at::randn({4, c.in, 9, 9}, opts), at::randn({c.out, c.in / c.geometry.groups, c.kernel, c.kernel}, opts)};
  if (c.bias) values.push_back(at::randn({c.out}, opts));
  const nas::ConvGeometry g = c.geometry;
  const auto reference = derivatives(
      [&](const TensorList& t) {
        return at::conv2d(t[0], t[1], c.bias ? t[2] : at::Tensor(), g.stride, g.padding, g.dilation, g.groups);
      },
      leaves(values), 7);
  const auto ours = derivatives(
      [&](const TensorList& t) { return nas::conv2d_fast_second_order(t[0], t[1], c.bias ? t[2] : at::Tensor(), g); },
      leaves(values), 7);
  expect_same(ours.out, reference.out, device, "forward");
  for (std::size_t i = 0; i < values.size(); ++i)
    expect_same(ours.first[i], reference.first[i], device, "first gradient " + std::to_string(i));
  EXPECT_LE(relative_gap(ours.second, reference.second), tolerance(dtype));
}

const ConvCase kConvCases[] = {
    {"k3_pad1", 6, 8, 3, {{1, 1}, {1, 1}, {1, 1}, 1}, false},
    {"k1", 6, 8, 1, {{1, 1}, {0, 0}, {1, 1}, 1}, false},
    {"k3_stride2", 6, 8, 3, {{2, 2}, {1, 1}, {1, 1}, 1}, false},
    {"k5_dilation2", 6, 6, 5, {{1, 1}, {4, 4}, {2, 2}, 1}, false},
    {"k3_depthwise", 6, 6, 3, {{1, 1}, {1, 1}, {1, 1}, 6}, false},
    {"k3_bias", 6, 8, 3, {{1, 1}, {1, 1}, {1, 1}, 1}, true},
};

INSTANTIATE_TEST_SUITE_P(Geometries, SecondOrderConv,
                         ::testing::Combine(::testing::ValuesIn(kConvCases), ::testing::Values(at::kFloat, at::kDouble),
                                            ::testing::ValuesIn(nas_test::devices())),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) == at::kDouble ? "_f64" : "_f32") +
                                  device_suffix(std::get<2>(info.param));
                         });

class SecondOrderBatchNorm : public ::testing::TestWithParam<std::tuple<bool, at::ScalarType, c10::Device>> {};

TEST_P(SecondOrderBatchNorm, MatchesLibTorchDoubleBackward) {
  const bool affine = std::get<0>(GetParam());  // not a binding: captured below (see SecondOrderConv)
  const at::ScalarType dtype = std::get<1>(GetParam());
  const c10::Device device = std::get<2>(GetParam());
  at::manual_seed(2);
  const auto opts = at::TensorOptions().dtype(dtype).device(device);
  // A shifted, scaled input: the batch statistics are far from 0 / 1.
  TensorList values{at::randn({8, 5, 6, 6}, opts) * 3 + 1};
  if (affine) {
    values.push_back(at::rand({5}, opts) + 0.5);
    values.push_back(at::randn({5}, opts));
  }
  const auto run = [&](bool fast) {
    at::Tensor mean = at::zeros({5}, opts), var = at::ones({5}, opts);
    auto d = derivatives(
        [&](const TensorList& t) {
          const at::Tensor w = affine ? t[1] : at::Tensor(), b = affine ? t[2] : at::Tensor();
          return fast ? nas::batch_norm_fast_second_order(t[0], w, b, mean, var, 0.1, 1e-5)
                      : at::batch_norm(t[0], w, b, mean, var, /*training=*/true, 0.1, 1e-5, /*cudnn_enabled=*/true);
        },
        leaves(values), 11);
    return std::make_pair(d, std::make_pair(mean, var));
  };
  const auto [reference, reference_stats] = run(false);
  const auto [ours, our_stats] = run(true);
  expect_same(ours.out, reference.out, device, "forward");
  expect_same(our_stats.first, reference_stats.first, device, "running mean");
  expect_same(our_stats.second, reference_stats.second, device, "running variance");
  for (std::size_t i = 0; i < values.size(); ++i)
    expect_same(ours.first[i], reference.first[i], device, "first gradient " + std::to_string(i));
  EXPECT_LE(relative_gap(ours.second, reference.second), tolerance(dtype));
}

INSTANTIATE_TEST_SUITE_P(Affine, SecondOrderBatchNorm,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(at::kFloat, at::kDouble),
                                            ::testing::ValuesIn(nas_test::devices())),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "affine" : "plain") +
                                  (std::get<1>(info.param) == at::kDouble ? "_f64" : "_f32") +
                                  device_suffix(std::get<2>(info.param));
                         });

/// grasp's H·g from the probe context (fast layers) against the same
/// quantity by LibTorch's double backward on the same network and batch.
class SecondOrderHessian : public ::testing::TestWithParam<std::tuple<std::string, c10::Device>> {};

TEST_P(SecondOrderHessian, ProbeHessianGradMatchesPlainDoubleBackward) {
  const std::string space_name = std::get<0>(GetParam());
  const c10::Device device = std::get<1>(GetParam());
  nas::Registry registry;
  registry.scan({NASRUN_PLUGIN_DIR});
  const nas::PluginContext ctx;
  auto space = registry.make_space(space_name, {{"benchmark", "none"}}, ctx, "/space");
  nas::Rng rng(3);
  const nas::Arch arch = space->sample(rng);
  const auto build = [&] {
    auto net = space->build(arch, {10});
    nas::hash_init(*net, 0);
    net->to(device);
    net->train();
    return net;
  };
  nas::Batch batch;
  batch.inputs = nas::hash_symmetric("input", 0, {16, 3, 32, 32}, 1.0).to(device);
  batch.targets = at::arange(16, at::kLong).remainder(10).to(device);
  batch.num_classes = 10;

  auto net = build();
  nas::Probes probes(net, batch, build, nas::InitSpec{"hash", 0});
  probes.plan(nas::kHessianGrad);
  const TensorList ours = probes.hessian_grad();

  // The same quantity by LibTorch's own double backward, on a copy of the
  // network (the same float weights) in `dtype` on `on`.
  const auto plain_hessian_grad = [&](c10::Device on, at::ScalarType dtype) {
    auto plain = space->build(arch, {10});
    nas::hash_init(*plain, 0);
    plain->to(on, dtype);
    plain->train();
    TensorList weights;
    for (const auto& layer : nas::network_layers(*plain)) weights.push_back(layer.weight);
    const at::Tensor loss =
        at::cross_entropy_loss(plain->forward(batch.inputs.to(on, dtype)), batch.targets.to(on));
    TensorList g = torch::autograd::grad({loss}, weights, {}, true, true, /*allow_unused=*/true);
    at::Tensor z = at::zeros({}, loss.options());
    for (std::size_t l = 0; l < weights.size(); ++l)
      if (g[l].defined()) z = z + (g[l].detach() * g[l]).sum();
    TensorList h = torch::autograd::grad({z}, weights, {}, false, false, /*allow_unused=*/true);
    for (std::size_t l = 0; l < weights.size(); ++l)
      if (!h[l].defined()) h[l] = at::zeros_like(weights[l]);
    return h;
  };
  const TensorList plain = plain_hessian_grad(device, at::kFloat);
  ASSERT_EQ(ours.size(), plain.size());
  const double gap = relative_gap(ours, plain);
  std::cout << space_name << " on " << device << ": max |fast - plain| / max |plain| = " << gap << "\n";
  if (device.is_cpu()) {
    // The same kernels in different orders: float32 rounding, amplified by
    // the depth (measured: 2e-6 of the largest entry).
    EXPECT_LE(gap, 2e-5) << space->to_string(arch);
    // The probes really took the fast layers: an exact match would mean
    // both ran LibTorch's double backward.
    EXPECT_GT(gap, 0.0) << "H·g equals the plain double backward bit for bit";
    return;
  }
  // On CUDA cuDNN picks other algorithms for the two, and the hash networks
  // are ill-conditioned (train-mode BatchNorm over nearly constant maps):
  // in float32 both land up to ~1% of the largest entry from the float64
  // value (on the CPU too: nb101 6.7e-3, darts 1.6e-3, for fast and plain
  // alike). So both are judged against LibTorch's double backward in
  // float64, and the fast layers must be as accurate as LibTorch's own.
  const TensorList exact = plain_hessian_grad(device, at::kDouble);
  const auto in_double = [](TensorList t) {
    for (auto& x : t) x = x.to(at::kDouble);
    return t;
  };
  const double our_error = relative_gap(in_double(ours), exact), plain_error = relative_gap(in_double(plain), exact);
  std::cout << "  against float64: fast " << our_error << ", plain " << plain_error << "\n";
  EXPECT_LE(our_error, std::max(2e-5, 2 * plain_error)) << space->to_string(arch);
}

INSTANTIATE_TEST_SUITE_P(Spaces, SecondOrderHessian,
                         ::testing::Combine(::testing::Values("nb201", "nb101", "darts"), ::testing::ValuesIn(nas_test::devices())),
                         [](const auto& info) { return std::get<0>(info.param) + device_suffix(std::get<1>(info.param)); });

/// One network of each space for the hooks test below.
class SecondOrderNetwork : public ::testing::TestWithParam<std::string> {};

/// Node names of the autograd graph behind `root`, each once.
std::set<std::string> graph_nodes(const at::Tensor& root) {
  std::set<std::string> names;
  std::vector<torch::autograd::Node*> stack{root.grad_fn().get()};
  std::set<torch::autograd::Node*> seen;
  while (!stack.empty()) {
    torch::autograd::Node* n = stack.back();
    stack.pop_back();
    if (n == nullptr || !seen.insert(n).second) continue;
    names.insert(n->name());
    for (const auto& edge : n->next_edges()) stack.push_back(edge.function.get());
  }
  return names;
}

// fast_second_order routes every Conv2d and BatchNorm of a network through
// the custom functions, and only then.
TEST_P(SecondOrderNetwork, HooksSelectTheFastLayers) {
  nas::Registry registry;
  registry.scan({NASRUN_PLUGIN_DIR});
  auto space = registry.make_space(GetParam(), {{"benchmark", "none"}}, nas::PluginContext{}, "/space");
  nas::Rng rng(4);
  auto net = space->build(space->sample(rng), {10});
  net->train();
  const at::Tensor x = at::randn({4, 3, 32, 32});
  const auto count_fast = [](const std::set<std::string>& names) {
    int fast = 0;
    for (const auto& n : names) fast += n.find("nas::") != std::string::npos;  // CppNode<nas::...::Conv>
    return fast;
  };
  const auto plain = graph_nodes(net->forward(x));
  EXPECT_EQ(count_fast(plain), 0);
  EXPECT_TRUE(plain.count("ConvolutionBackward0"));
  net->hooks.fast_second_order = true;
  const auto fast = graph_nodes(net->forward(x));
  net->hooks.fast_second_order = false;
  EXPECT_EQ(fast.count("ConvolutionBackward0"), 0u) << "a convolution bypassed the fast layer";
  EXPECT_EQ(fast.count("NativeBatchNormBackward0"), 0u) << "a BatchNorm bypassed the fast layer";
  EXPECT_GE(count_fast(fast), 2) << "expected the Conv and BatchNorm nodes";
}

INSTANTIATE_TEST_SUITE_P(Spaces, SecondOrderNetwork, ::testing::Values("nb201", "nb101", "darts"));

}  // namespace
