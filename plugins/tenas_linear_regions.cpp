// tenas_linear_regions (TE-NAS, Chen et al., ICLR 2021;
// Linear_Region_Collector): one train-mode forward of the batch without
// gradients, the sign of every ReLU output (4-D inputs, as TE-NAS hooks);
// score = the number of distinct per-sample activation patterns, i.e. the
// linear regions of the network the batch falls in (at most the batch size).
#include "activation_patterns.h"
#include "nas/plugin.h"

namespace {

class TenasLinearRegions : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kReluCodes; }
  double score(nas::Probes& probes) override { return nas_proxies::distinct_sample_patterns(probes); }
};

}  // namespace

NAS_PLUGIN(proxy, "tenas_linear_regions", TenasLinearRegions, "1.0",
           "number of distinct per-sample ReLU activation patterns over the batch (TE-NAS linear regions)")
