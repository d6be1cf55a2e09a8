// flops (NASLib via tensorwatch): leaf-module FLOPs of one eval-mode forward
// of a single image, in millions; the counting rules live in the network
// helpers (core/src/network.cpp).
#include "nas/plugin.h"
#include "nas/probes.h"

namespace {

class Flops : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kCost; }

  double score(nas::Probes& probes) override { return probes.flops_millions(); }
};

}  // namespace

NAS_PLUGIN(proxy, "flops", Flops, "1.0", "FLOPs of one eval-mode forward of a single image, in millions (NASLib flops, tensorwatch rules)")
