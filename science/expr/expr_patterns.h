// Internal to libnasexpr: the activation-pattern leaves Pn and Ps, counted
// from Probes::relu_codes() (per ReLU call, in execution order, [N, features]
// bool).
#pragma once
#include <ATen/Tensor.h>

#include <vector>

namespace nas::expr::detail {

/// Per ReLU call, how many per-neuron patterns over the batch (a neuron's N
/// bits) first occur there: neither at an earlier call nor earlier in this
/// one. Their sum is the number of distinct patterns over all calls, SWAP's
/// score. [calls] float64.
at::Tensor new_neuron_patterns(const std::vector<at::Tensor>& codes);

/// Per ReLU call, how many regions the samples of the batch gain there: the
/// number of distinct per-sample patterns of calls 0..l minus that of calls
/// 0..l-1 (0 before the first). Their sum is the number of distinct
/// per-sample patterns, TE-NAS's linear regions. [calls] float64.
at::Tensor new_sample_patterns(const std::vector<at::Tensor>& codes);

}  // namespace nas::expr::detail
