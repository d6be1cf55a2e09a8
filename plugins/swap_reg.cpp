// swap_reg (regularised SWAP, pym1024/SWAP cal_regular_factor): swap times
// exp(-(P - mu)^2 / sigma), P = parameter count / 1e3. The repository gives
// no NB201 mu and sigma; the defaults are the fixtures' (800, 500000).
#include <cmath>

#include "activation_patterns.h"
#include "nas/plugin.h"

namespace {

class SwapReg : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(double, mu, 800.0, "parameter count (thousands) the factor favours");
    NAS_OPTION(double, sigma, 500000.0, "width of the factor, in thousands of parameters squared",
               nas::greater_than(0));
  };
  SwapReg(const Options& options, const nas::PluginContext&) : mu_(options.mu), sigma_(options.sigma) {}

  nas::ProbeSet needs() const override { return nas::kReluCodes | nas::kCost; }
  double score(nas::Probes& probes) override {
    const double p = probes.params_millions() * 1e3;
    const double factor = std::exp(-(p - mu_) * (p - mu_) / sigma_);
    return static_cast<double>(nas_proxies::distinct_neuron_patterns(probes)) * factor;
  }

 private:
  double mu_, sigma_;
};

}  // namespace

NAS_PLUGIN(proxy, "swap_reg", SwapReg, "1.0",
           "swap * exp(-(params/1e3 - mu)^2 / sigma), SWAP's parameter-regularised score")
