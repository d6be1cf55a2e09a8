// The fixtures' hash initialisation (shared/fixtures/README.md): the test
// vectors there, bit for bit.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/nn/modules/container/sequential.h>

#include <cstring>

#include "nas/init.h"
#include "nas/network.h"

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

std::vector<float> first(const at::Tensor& t, int n) {
  const float* p = t.contiguous().data_ptr<float>();
  return {p, p + n};
}

TEST(HashInit, Fnv1a64) {
  EXPECT_EQ(nas::fnv1a64("stem.0.weight"), 0x5a08c892111c1988ull);
  EXPECT_EQ(nas::fnv1a64(""), 0xcbf29ce484222325ull);
}

TEST(HashInit, UniformWithSeed) {
  EXPECT_EQ(nas::hash_uniform("stem.0.weight", 1, 0), 0.5096662073218066);
  EXPECT_EQ(nas::hash_uniform("stem.0.weight", 1, 1), 0.7557194778073838);
  EXPECT_EQ(nas::hash_uniform("stem.0.weight", 1, 2), 0.28245943836814325);
}

TEST(HashInit, ConvWeightBitExact) {
  // stem.0.weight: Conv3x3(3 -> 16), fan_in 27.
  const auto w = nas::hash_symmetric("stem.0.weight", 0, {16, 3, 3, 3}, 1.0 / std::sqrt(27.0));
  EXPECT_EQ(w.scalar_type(), at::kFloat);
  const std::vector<uint32_t> expected{0x3de4bf4c, 0xbdc1d9ff, 0x3e0104a3, 0x3d2a3006, 0xbca77695};
  const auto values = first(w, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(bits(values[i]), expected[i]) << "element " << i;
}

TEST(HashInit, InputBitExact) {
  const auto x = nas::hash_symmetric("input", 0, {64, 3, 32, 32}, 1.0);
  const std::vector<float> expected{-0.8043633103370667f, -0.7050427794456482f, 0.1481688916683197f,
                                    0.7054556608200073f, 0.9394504427909851f};
  EXPECT_EQ(first(x, 5), expected);
}

TEST(HashInit, GaussianBitExact) {
  const auto g = nas::hash_gaussian("zen:input", 0, {64, 3, 32, 32});
  const std::vector<float> expected{0.5373026132583618f, -0.24448226392269135f, -0.29459261894226074f};
  EXPECT_EQ(first(g, 3), expected);
}

// The NB201 stem under its official keys: stem.0 (conv), stem.1 (BN).
struct StemNet : nas::Network {
  StemNet() {
    stem = register_module("stem", torch::nn::Sequential(
                                       torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 16, 3).padding(1).bias(false)),
                                       torch::nn::BatchNorm2d(16)));
  }
  torch::Tensor forward(torch::Tensor x) override { return stem->forward(x); }
  torch::nn::Sequential stem{nullptr};
};

TEST(HashInit, InitialisesByStateDictKey) {
  StemNet net;
  net.to(at::kDouble);  // any dtype: values are rounded to float32 first
  nas::hash_init(net, 0);
  auto params = net.named_parameters();
  auto buffers = net.named_buffers();
  EXPECT_TRUE(params["stem.0.weight"].to(at::kFloat).equal(
      nas::hash_symmetric("stem.0.weight", 0, {16, 3, 3, 3}, 1.0 / std::sqrt(27.0))));
  const std::vector<float> bn_weight{1.0796464681625366f, 1.0083425045013428f, 1.0487195253372192f};
  EXPECT_EQ(first(params["stem.1.weight"].to(at::kFloat), 3), bn_weight);
  EXPECT_TRUE(params["stem.1.bias"].to(at::kFloat).equal(nas::hash_symmetric("stem.1.bias", 0, {16}, 0.1)));
  EXPECT_EQ(buffers["stem.1.running_mean"].abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(buffers["stem.1.running_var"].eq(1).all().item<bool>());
  EXPECT_EQ(buffers["stem.1.num_batches_tracked"].item<int64_t>(), 0);
}

}  // namespace
