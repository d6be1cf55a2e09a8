// The fixtures' counter-based hash (shared/fixtures/README.md, "Deterministic
// weights and inputs"). Every value is computed in double and rounded once to
// float32. Bit-exactness needs no FMA contraction: GCC contracts only in GNU
// mode, and the project builds with -std=c++17 (CMAKE_CXX_EXTENSIONS OFF).
#include "nas/init.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cmath>
#include <vector>

#include "nas/network.h"
#include "nas/random.h"

namespace nas {

namespace {

constexpr double kPi = 3.141592653589793;  // Python's math.pi

uint64_t hash_key(const std::string& name, uint64_t seed) { return fnv1a64(name) ^ (seed * 0x9e3779b97f4a7c15ull); }

double uniform_at(uint64_t key, uint64_t i) { return static_cast<double>(splitmix64(key + i) >> 11) * 0x1.0p-53; }

/// A float32 CPU tensor of `shape` whose element i is value(u_i sequence, i).
template <class Value>
at::Tensor hashed_tensor(at::IntArrayRef shape, Value value) {
  at::Tensor t = at::empty(shape, at::kFloat);
  float* data = t.data_ptr<float>();
  const int64_t n = t.numel();
  at::parallel_for(0, n, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) data[i] = static_cast<float>(value(static_cast<uint64_t>(i)));
  });
  return t;
}

/// Overwrites `target` (on any device) with `values` (a CPU float32 tensor).
void assign(at::Tensor& target, const at::Tensor& values) {
  target.copy_(values.to(target.device(), target.scalar_type()));
}

void init_affine_layer(torch::nn::Module& m, const std::string& prefix, uint64_t seed) {
  // Conv2d and Linear alike: bound = 1/sqrt(fan_in), fan_in = the weights of
  // one output unit (in_channels*kh*kw or in_features); the bias shares it.
  auto params = m.named_parameters(/*recurse=*/false);
  const double bound = 1.0 / std::sqrt(static_cast<double>(params["weight"][0].numel()));
  for (auto& p : params) assign(p.value(), hash_symmetric(prefix + p.key(), seed, p.value().sizes(), bound));
}

void init_batchnorm(torch::nn::BatchNorm2dImpl& bn, const std::string& prefix, uint64_t seed) {
  if (bn.weight.defined()) {
    const uint64_t key = hash_key(prefix + "weight", seed);
    assign(bn.weight, hashed_tensor(bn.weight.sizes(), [&](uint64_t i) { return 1 + 0.1 * (2 * uniform_at(key, i) - 1); }));
  }
  if (bn.bias.defined()) assign(bn.bias, hash_symmetric(prefix + "bias", seed, bn.bias.sizes(), 0.1));
  if (bn.running_mean.defined()) bn.running_mean.zero_();
  if (bn.running_var.defined()) bn.running_var.fill_(1);
  if (bn.num_batches_tracked.defined()) bn.num_batches_tracked.zero_();
}

}  // namespace

uint64_t fnv1a64(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char b : s) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

double hash_uniform(const std::string& name, uint64_t seed, uint64_t i) { return uniform_at(hash_key(name, seed), i); }

at::Tensor hash_symmetric(const std::string& name, uint64_t seed, at::IntArrayRef shape, double bound) {
  const uint64_t key = hash_key(name, seed);
  return hashed_tensor(shape, [&](uint64_t i) { return (2 * uniform_at(key, i) - 1) * bound; });
}

at::Tensor hash_gaussian(const std::string& name, uint64_t seed, at::IntArrayRef shape) {
  const uint64_t key = hash_key(name, seed);
  return hashed_tensor(shape, [&](uint64_t i) {
    const double u1 = uniform_at(key, 2 * i), u2 = uniform_at(key, 2 * i + 1);
    return std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * kPi * u2);
  });
}

void hash_init(Network& net, uint64_t seed) {
  at::NoGradGuard no_grad;
  for (auto& item : net.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
    const std::string prefix = item.key() + ".";
    torch::nn::Module& m = *item.value();
    if (dynamic_cast<torch::nn::Conv2dImpl*>(&m) || dynamic_cast<torch::nn::LinearImpl*>(&m))
      init_affine_layer(m, prefix, seed);
    else if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(&m))
      init_batchnorm(*bn, prefix, seed);
  }
}

}  // namespace nas
