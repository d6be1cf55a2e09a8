// Re-initialised copies and per-cell probes (probes.h, "Re-initialised
// copies and cells"). zen and AZ-NAS re-draw every weight before they look
// at a network; AZ-NAS then reads the outputs of the stem and of each cell
// (a space's Network::cell_boundary) and the vector-Jacobian products
// between consecutive ones. One forward with the graph kept serves every
// product: each VJP only walks its own cell's part of the graph.
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <map>

#include "nas/errors.h"
#include "nas/init.h"
#include "nas/network.h"
#include "nas/probes.h"

namespace nas {

struct Probes::CellState {
  std::map<std::string, std::shared_ptr<Network>> copies;  // by reinit_key: reinitialised()
  // The networks of cell_features(), by reinit_key + input: their graph
  // holds their BatchNorm statistics, so they are nobody else's.
  std::map<std::string, std::shared_ptr<Network>> cell_networks;
  std::map<std::string, std::vector<at::Tensor>> features;  // by reinit_key + input
  std::map<std::string, std::vector<CellVjp>> vjps;          // by reinit_key + input + rademacher
};

namespace {

std::string reinit_key(const Reinit& r) {
  return r.prefix + (r.scale == Reinit::kUnit ? "|unit" : "|kaiming_fan_in");
}

/// A copy of `probes`' network re-initialised as `reinit` says, train mode.
std::shared_ptr<Network> make_reinitialised(Probes& probes, const Reinit& reinit) {
  std::shared_ptr<Network> net = probes.copy();
  at::NoGradGuard no_grad;
  for (const Layer& layer : network_layers(*net)) {
    at::Tensor w = probes.normal(reinit.prefix + layer.name, layer.weight.sizes());
    if (reinit.scale == Reinit::kKaimingFanIn) {
      // torch.nn.init.kaiming_normal_: std = gain / sqrt(fan_in), gain =
      // sqrt(2) for ReLU, in double; one rounding to float32 (fixtures README).
      const double fan_in = static_cast<double>(layer.weight[0].numel());
      w = (w.to(at::kDouble) * (std::sqrt(2.0) / std::sqrt(fan_in))).to(at::kFloat);
    }
    layer.weight.copy_(w);
    // find() points into the dict: keep the dict alive past the if's
    // condition (a temporary there dangles; it crashed on CUDA).
    auto own_parameters = layer.module->named_parameters(/*recurse=*/false);
    if (auto* bias = own_parameters.find("bias")) bias->zero_();
  }
  for (const auto& m : net->modules(/*include_self=*/false)) {
    auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get());
    if (!bn) continue;
    if (bn->weight.defined()) bn->weight.fill_(1);
    if (bn->bias.defined()) bn->bias.zero_();
    if (bn->running_mean.defined()) bn->running_mean.zero_();
    if (bn->running_var.defined()) bn->running_var.fill_(1);
    if (bn->num_batches_tracked.defined()) bn->num_batches_tracked.zero_();
  }
  net->train();
  return net;
}

}  // namespace

Network& Probes::reinitialised(const Reinit& reinit) {
  if (!cells_) cells_ = std::make_shared<CellState>();
  std::shared_ptr<Network>& slot = cells_->copies[reinit_key(reinit)];
  if (!slot) slot = make_reinitialised(*this, reinit);
  return *slot;
}

const std::vector<at::Tensor>& Probes::cell_features(const Reinit& reinit, const std::string& input) {
  if (!cells_) cells_ = std::make_shared<CellState>();
  const std::string key = reinit_key(reinit) + "|" + input;
  if (auto it = cells_->features.find(key); it != cells_->features.end()) return it->second;
  // A copy of its own: the train-mode forward moves its BatchNorm running
  // statistics, which the graph saves, so they cannot be put back while
  // cell_vjps may still walk it.
  std::shared_ptr<Network>& own = cells_->cell_networks[key];
  own = make_reinitialised(*this, reinit);
  Network& net = *own;
  std::vector<at::Tensor> features;
  {
    at::AutoGradMode grad_mode(true);
    ForwardHooks hooks;
    hooks.cell_output = [&features](const at::Tensor& f) {
      features.push_back(f);
      return f;
    };
    std::swap(net.hooks, hooks);
    try {
      net.forward(normal(input, batch().inputs.sizes()));
    } catch (...) {
      std::swap(net.hooks, hooks);
      throw;
    }
    std::swap(net.hooks, hooks);
  }
  return cells_->features[key] = std::move(features);
}

const std::vector<CellVjp>& Probes::cell_vjps(const Reinit& reinit, const std::string& input,
                                              const std::string& rademacher) {
  const std::vector<at::Tensor>& f = cell_features(reinit, input);
  const std::string key = reinit_key(reinit) + "|" + input + "|" + rademacher;
  if (auto it = cells_->vjps.find(key); it != cells_->vjps.end()) return it->second;
  const std::size_t n = f.empty() ? 0 : f.size() - 1;
  std::vector<CellVjp> out(n);
  for (std::size_t i = n; i >= 1; --i) {
    // bernoulli(0.5) as AZ-NAS draws it: 1 where u < 0.5, i.e. where
    // 2u - 1 < 0 (exact in float32: the smallest |2u - 1| is 2^-52).
    const at::Tensor centred = hash_symmetric(rademacher + std::to_string(n - i), init().seed, f[i].sizes(), 1.0);
    const at::Tensor g_out = ((centred < 0).to(f[i].scalar_type()) * 2 - 1).to(f[i].device());
    at::Tensor g_in;
    if (f[i].requires_grad() && f[i - 1].requires_grad()) {
      // The graph stays for other readers (another rademacher name).
      g_in = torch::autograd::grad({f[i]}, {f[i - 1]}, {g_out}, /*retain_graph=*/true, /*create_graph=*/false,
                                   /*allow_unused=*/true)[0];
    }
    g_in = g_in.defined() ? g_in.detach() : at::zeros_like(f[i - 1]).detach();
    out[i - 1] = {g_out, g_in};
  }
  return cells_->vjps[key] = std::move(out);
}

}  // namespace nas
