// params (NASLib via tensorwatch): every parameter (conv, BatchNorm affine,
// linear weight and bias), in millions.
#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Params : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCost; }

  double score(nas::Probes& probes) override { return probes.params_millions(); }
};

}  // namespace

NAS_PLUGIN(proxy, "params", Params, "1.0", "number of parameters in millions (NASLib params, tensorwatch)")
