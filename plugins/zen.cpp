// zen (NASLib, repeat=1, mixup_gamma=1e-2) on a copy, in no_grad and train
// mode. The copy (Probes::reinitialised) is re-initialised as NASLib's
// network_weight_gaussian_init does: conv/linear weights ~ N(0,1) (the hash
// Gaussian "zen:<key>"), their biases 0, BatchNorm weight 1 and bias 0. f = the features before global
// pooling; delta = mean_n sum_chw |f(x1) - f(x1 + 0.01 x2)|; score =
// log(delta) + sum over BatchNorms of log(sqrt(mean(running_var))), where the
// two forwards have updated running_var from its fresh value 1.
#include <ATen/ATen.h>

#include "nas/network.h"
#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Zen : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCopy; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    nas::Network& net = probes.reinitialised({"zen:", nas::Reinit::kUnit});

    const auto shape = probes.batch().inputs.sizes();
    const at::Tensor x1 = probes.normal("zen:input", shape);
    const at::Tensor x2 = probes.normal("zen:input2", shape);
    at::Tensor features;
    nas::ForwardHooks hooks;
    hooks.features = [&](const at::Tensor& f) { features = f; };
    std::swap(net.hooks, hooks);
    net.forward(x1);
    const at::Tensor f1 = features;
    net.forward(x1 + 1e-2 * x2);
    std::swap(net.hooks, hooks);
    const at::Tensor delta = (f1 - features).abs().sum({1, 2, 3}).mean();

    // float32 throughout, as the reference's torch scalars are. The two
    // forwards moved running_var from its fresh 1; the copy is shared, so
    // the statistics go back to fresh once read.
    at::Tensor log_bn_scaling = at::zeros({}, delta.options());
    for (const auto& m : net.modules(/*include_self=*/false))
      if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) {
        log_bn_scaling = log_bn_scaling + at::log(at::sqrt(at::mean(bn->running_var)));
        if (bn->running_mean.defined()) bn->running_mean.zero_();
        if (bn->running_var.defined()) bn->running_var.fill_(1);
        if (bn->num_batches_tracked.defined()) bn->num_batches_tracked.zero_();
      }
    return (at::log(delta) + log_bn_scaling).item<double>();
  }
};

}  // namespace

NAS_PLUGIN(proxy, "zen", Zen, "1.0",
           "log mean_n sum |f(x) - f(x + 0.01 x')| + sum_BN log sqrt(mean running_var), Gaussian-initialised copy (NASLib zen)")
