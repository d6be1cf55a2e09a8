// Where a search gets proxy scores from (warmup, move proposal, the proxy
// objective): computed on the network (through the score cache), or the
// published NAS-Bench-Suite-Zero values ("source": "nbsz"), which cost
// nothing and are marked as such in every output.
#pragma once
#include <memory>
#include <string>

#include "nas/options.h"
#include "nas/space.h"

namespace nas {

class Registry;

class ProxySource {
 public:
  virtual ~ProxySource() = default;
  /// The score of `arch`; NaN/inf as computed or published (missing = NaN).
  virtual double score(const Arch& arch) = 0;
  /// e.g. "synflow (computed, cifar10 batch 64, torch init)".
  virtual std::string describe() const = 0;
  /// Wall seconds spent computing scores so far.
  double seconds() const { return seconds_; }

 protected:
  double seconds_ = 0;
};

/// Schema of a proxy reference block: {"proxy": name or {"name", options},
/// "source": "compute" | "nbsz"} plus `extra` (use-specific keys).
json resolve_proxy_ref(const json& block, const Registry& registry, const OptionSchema& extra, const std::string& path);

/// The score-cache context of a resolved proxy block ({"name", options})
/// under a resolved pipeline: everything a score depends on.
json score_cache_context(const json& proxy, const json& pipeline, const Registry& registry);

/// Builds the source for a resolved reference. `pipeline` supplies data,
/// init, device and seed for computed scores.
std::shared_ptr<ProxySource> make_proxy_source(const json& ref, const json& pipeline, const SearchSpace& space,
                                               const Registry& registry, const std::string& path);

}  // namespace nas
