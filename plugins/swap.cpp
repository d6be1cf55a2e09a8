// swap (SWAP, Peng et al., ICLR 2024; pym1024/SWAP src/metrics/swap.py):
// one train-mode forward of the batch without gradients, the sign of every
// ReLU output (every ReLU of our spaces has a 4-D input, as SWAP's hook
// requires); score = the number of distinct per-neuron activation patterns
// over the batch.
#include "activation_patterns.h"
#include "nas/plugin.h"

namespace {

class Swap : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kReluCodes; }
  double score(nas::Probes& probes) override {
    return static_cast<double>(nas_proxies::distinct_neuron_patterns(probes));
  }
};

}  // namespace

NAS_PLUGIN(proxy, "swap", Swap, "1.0", "number of distinct per-neuron ReLU activation patterns over the batch (SWAP)")
