// Deterministic weights and inputs from a counter-based hash (the fixtures'
// definition, shared/fixtures/README.md): the same numbers on every machine
// and device, so proxy scores can be checked against the reference.
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>
#include <string>

namespace nas {

class Network;

uint64_t fnv1a64(const std::string& s);
/// u_i in [0,1) for element i of the tensor named `name`.
double hash_uniform(const std::string& name, uint64_t seed, uint64_t i);
/// float32 tensor of (2u-1)*bound.
at::Tensor hash_symmetric(const std::string& name, uint64_t seed, at::IntArrayRef shape, double bound);
/// float32 tensor of hash Gaussians (Box-Muller on u_{2i}, u_{2i+1}).
at::Tensor hash_gaussian(const std::string& name, uint64_t seed, at::IntArrayRef shape);

/// Sets every Conv2d/Linear/BatchNorm2d parameter and buffer of `net` from
/// the hash, keyed by its state-dict name (the fixtures' table).
void hash_init(Network& net, uint64_t seed);

}  // namespace nas
