// fisher (zero-cost-nas, mode 'channel'): for every conv/linear output `act`
// (before BatchNorm) and its loss gradient, g_nk = sum_hw act * grad per
// sample n and channel k, F_k = 0.5 * mean_n g_nk^2. Each channel's |F_k| is
// broadcast over that channel's weights (in_ch * kh * kw of them) and summed.
#include <ATen/ATen.h>

#include <map>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class Fisher : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kLayerActivations; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    // The reference's backward hook adds up a layer's calls (layer.fisher += del_k).
    std::map<const torch::nn::Module*, at::Tensor> per_channel;
    for (const auto& a : probes.layer_activations()) {
      at::Tensor g = a.output * a.grad;
      if (g.dim() > 2) g = g.flatten(2).sum(2);  // conv: sum over the spatial dims
      const at::Tensor f = g.pow(2).mean(0).mul(0.5);
      auto [it, first] = per_channel.emplace(a.module, f);
      if (!first) it->second = it->second + f;
    }
    std::vector<at::Tensor> sums;
    for (const auto& layer : probes.layers()) {
      const auto it = per_channel.find(layer.module);
      if (it == per_channel.end()) continue;  // never ran: the reference counts zeros
      sums.push_back(it->second.abs().sum() * static_cast<double>(layer.weight[0].numel()));
    }
    return nas_proxies::sum_layers(sums);
  }
};

}  // namespace

NAS_PLUGIN(proxy, "fisher", Fisher, "1.0",
           "sum over conv/linear channels of |0.5 mean_n (sum_hw act*dL/dact)^2| x weights per channel (zero-cost-nas fisher)")
