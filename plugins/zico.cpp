// zico (ZiCo, Li et al., ICLR 2023; SLDGroup/ZiCo getzico): the batch in
// `parts` consecutive parts (the authors' loader of 2 batches), one
// train-mode forward/backward each; per conv/linear weight element the
// gradients g_1..g_k give mean |g| and population std. Per layer
// t = sum over elements with std != 0 of mean|g| / std (a layer with t = 0
// is skipped); score = sum over layers of log t: the log of the summed
// inverse coefficient of variation of the gradients across the parts.
#include <ATen/ATen.h>

#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Zico : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(int, parts, 2, "the batch is cut into this many parts, one gradient each (ZiCo: 2)", nas::at_least(2));
  };
  Zico(const Options& options, const nas::PluginContext&) : parts_(options.parts) {}

  nas::ProbeSet needs() const override { return nas::kLabels | nas::kSplitGrads; }

  double score(nas::Probes& probes) override {
    at::NoGradGuard no_grad;
    const auto& grads = probes.split_weight_grads(parts_);
    const std::size_t layers = grads.front().size();
    std::vector<at::Tensor> logs;  // float32 per layer, as np.log of a float32 sum
    for (std::size_t l = 0; l < layers; ++l) {
      std::vector<at::Tensor> per_part;
      for (const auto& part : grads) per_part.push_back(part[l].flatten());
      const at::Tensor g = at::stack(per_part);  // [parts, elements]
      const at::Tensor std = at::std(g, {0}, /*unbiased=*/false);  // np.std, ddof 0
      const at::Tensor mean_abs = g.abs().mean(0);
      const at::Tensor varies = std != 0;
      const at::Tensor t = (mean_abs.masked_select(varies) / std.masked_select(varies)).sum();
      logs.push_back(t);
    }
    // One read-back; the sum of the logs in double, as Python's float does.
    const at::Tensor t = at::stack(logs).cpu();
    double score = 0;
    for (int64_t l = 0; l < t.size(0); ++l) {
      const float tl = t[l].item<float>();
      if (tl != 0) score += static_cast<double>(std::log(tl));
    }
    return score;
  }

 private:
  int parts_;
};

}  // namespace

NAS_PLUGIN(proxy, "zico", Zico, "1.0",
           "sum over conv/linear layers of log sum(mean|g| / std(g)), g = weight gradients of the batch's parts (ZiCo)")
