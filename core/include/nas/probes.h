// The per-(network, batch) probe context. Most proxies are cheap functions
// of a few expensive probes; this class computes each probe once, on first
// request, and keeps it, planning the passes so that probes declared
// together share one forward (weight gradients, layer activations, ReLU
// codes, input Jacobian) and one create-graph backward (grasp's H·g).
// Proxies read probes; they never run passes or change the network.
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nas/proxy.h"

namespace torch::nn {
class Module;
}

namespace nas {

class Network;

/// One minibatch. `targets` is undefined for unlabelled data.
struct Batch {
  at::Tensor inputs;   // [N, C, H, W] float32
  at::Tensor targets;  // [N] int64, or undefined
  int num_classes = 10;
  bool labelled() const { return targets.defined(); }
};

/// A Conv2d or Linear layer, in module order; proxies sum over these.
struct Layer {
  std::string name;  // state-dict key of the weight, e.g. "stem.0.weight"
  torch::nn::Module* module = nullptr;
  at::Tensor weight;
  bool is_conv = false;
};

/// Every Conv2d and Linear of `net` in named_modules() order (weights only):
/// the "layers" every proxy definition sums over.
std::vector<Layer> network_layers(Network& net);

/// How weights (and zen's Gaussians) are drawn; see nas/init.h.
struct InitSpec {
  std::string kind = "torch";  // "torch": LibTorch's own init; "hash": the fixtures' hash
  uint64_t seed = 0;
};

/// How a re-initialised copy draws its weights (zen, AZ-NAS): every
/// Conv2d/Linear weight from the hash Gaussian named `prefix` + its
/// state-dict key, times a gain; biases 0; BatchNorm weight 1, bias 0 and
/// fresh running statistics (mean 0, var 1, no batches tracked).
struct Reinit {
  enum Scale {
    kUnit,        // N(0, 1): NASLib's network_weight_gaussian_init (zen)
    kKaimingFanIn // N(0, 2 / fan_in): kaiming_normal_(mode="fan_in", nonlinearity="relu") (AZ-NAS)
  };
  std::string prefix;  // e.g. "zen:", "aznas:"
  Scale scale = kUnit;
};

/// One vector-Jacobian product between consecutive cells: g_in =
/// (dF_i / dF_{i-1})^T g_out (Probes::cell_vjps).
struct CellVjp {
  at::Tensor g_out;  // shaped as F_i
  at::Tensor g_in;   // shaped as F_{i-1}
};

class Probes {
 public:
  /// `net` is in train mode on its device; `rebuild` makes a fresh network
  /// of the same arch on that device (weights are copied in by copy()). The
  /// batch is moved to the network's device. No probe changes `net`: the
  /// shared forward restores the BatchNorm running statistics it updates.
  Probes(std::shared_ptr<Network> net, Batch batch, std::function<std::shared_ptr<Network>()> rebuild,
         InitSpec init);
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  /// Declares the probes that will be read, so one pass can record them all:
  /// the first request of any of weight grads, H·g, layer activations, input
  /// Jacobian or ReLU codes records every planned one from one forward.
  void plan(ProbeSet needs);
  /// Runs that shared forward now (nothing when no such probe is planned),
  /// so its cost can be told apart from each proxy's own work.
  void record_planned();

  Network& network();
  const Batch& batch() const;
  const InitSpec& init() const;

  /// Every Conv2d/Linear of network(), as network_layers().
  const std::vector<Layer>& layers();

  /// dL/dW per layer (L = mean cross-entropy), detached.
  const std::vector<at::Tensor>& weight_grads();
  /// H·g per layer, g = weight_grads() (grasp), detached.
  const std::vector<at::Tensor>& hessian_grad();

  struct Activation {
    at::Tensor output;  // conv/linear output (before BN)
    at::Tensor grad;    // dL/d(output)
    torch::nn::Module* module = nullptr;
  };
  /// Per executed conv/linear call, in execution order.
  const std::vector<Activation>& layer_activations();

  /// J[n] = d(sum_c logits[n, c]) / d(inputs[n]), flattened: [N, C*H*W].
  const at::Tensor& input_jacobian();
  /// Per ReLU call, in execution order: (input > 0) as [N, features] bool.
  /// Recorded with the shared train-mode forward (batch statistics).
  const std::vector<at::Tensor>& relu_codes();
  /// nwot's kernel of those codes: K = sum over ReLU calls of
  /// c c^T + (1-c)(1-c)^T, [N, N] float64 (exact integers).
  const at::Tensor& relu_kernel();

  /// Synflow: on a float64 copy whose state tensors are all abs'ed, with
  /// BatchNorm on or off, input ones(1, C, H, W), R = sum of logits:
  /// per layer W * dR/dW (float64).
  const std::vector<at::Tensor>& synflow_products(bool batchnorm);

  /// A fresh network of the same arch with the same parameters and buffers.
  std::shared_ptr<Network> copy();

  /// Standard-normal tensor determined by (init seed, name) alone: the
  /// fixtures' hash Gaussian (nas/init.h), on the network's device.
  at::Tensor normal(const std::string& name, at::IntArrayRef shape);

  /// Parameter count / 1e6, and FLOPs / 1e6 of one eval-mode forward of a
  /// single input (tensorwatch's counting rules).
  double params_millions();
  double flops_millions();

  // -- Re-initialised copies and cells (zen, AZ-NAS; probes_cells.cpp) --

  /// A copy of network() re-initialised as `reinit` says, in train mode,
  /// made once per Reinit and shared by the proxies that ask for it. A proxy
  /// that runs a forward on it puts back what the forward changed (the
  /// BatchNorm running statistics; they start fresh).
  Network& reinitialised(const Reinit& reinit);
  /// F_0 .. F_n: the outputs of the stem and of each cell (the space's
  /// Network::cell_boundary) in one train-mode forward of reinitialised(
  /// reinit) on the hash Gaussian named `input`, shaped as the batch. The
  /// autograd graph is kept (for cell_vjps); computed once per (reinit,
  /// input). Empty when the space marks no cells.
  const std::vector<at::Tensor>& cell_features(const Reinit& reinit, const std::string& input);
  /// For i = 1..n (element i-1): g_out = +-1 of F_i's shape, +1 where the
  /// hash uniform named `rademacher` + std::to_string(n - i) is below 0.5
  /// (AZ-NAS's bernoulli(0.5), drawn from the last cell down), and g_in =
  /// (dF_i / dF_{i-1})^T g_out through the graph of cell_features(reinit,
  /// input) (zero where F_i does not depend on F_{i-1}).
  const std::vector<CellVjp>& cell_vjps(const Reinit& reinit, const std::string& input, const std::string& rademacher);

  // ---- Probes of the 2022-2024 proxies (ZiCo, TE-NAS, MeCo). Each runs its
  // own train-mode pass (other batch statistics than the shared forward's)
  // on first request, keeps the result, and restores the BatchNorm buffers.

  /// ZiCo: the batch cut into `parts` consecutive equal parts, one
  /// train-mode forward and backward per part (BatchNorm statistics of that
  /// part), L_k = mean cross-entropy of part k: [k][layer] = dL_k/dW,
  /// layers(), detached.
  const std::vector<std::vector<at::Tensor>>& split_weight_grads(int parts);

  /// TE-NAS NTK: one train-mode forward of the first `samples` inputs; row n
  /// = d(sum_c logits[n, c])/dθ over every parameter whose name contains
  /// "weight" (conv, BatchNorm and linear weights), flattened and
  /// concatenated in named_parameters() order: [samples, P] float32.
  const at::Tensor& sample_weight_grads(int64_t samples);

  /// MeCo: every module's output (nas::ForwardHooks::module_output) of one
  /// train-mode forward without gradients, in firing order, detached. Input:
  /// the first `images` inputs of the batch ...
  const std::vector<at::Tensor>& module_outputs(int64_t images);
  /// ... or the hash Gaussian `name` of `shape` (normal()).
  const std::vector<at::Tensor>& module_outputs(const std::string& name, const std::vector<int64_t>& shape);

 private:
  struct State;
  std::unique_ptr<State> s_;
  struct CellState;  // probes_cells.cpp
  std::shared_ptr<CellState> cells_;
};

}  // namespace nas
