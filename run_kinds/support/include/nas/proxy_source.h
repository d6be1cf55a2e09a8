// Building a search's proxy sources (warmup, move proposal, the proxy
// objective) from a pipeline's proxy reference block: computed on the
// network (through an Evaluator and its score cache), the published
// NAS-Bench-Suite-Zero values ("source": "nbsz"), which cost nothing and are
// marked as such in every output, or a learned meta-proxy model.
#pragma once
#include <memory>
#include <string>

#include "nas/evaluation.h"
#include "nas/options.h"
#include "nas/space.h"

namespace nas {

class Registry;

/// Schema of a proxy reference block: {"proxy": name or {"name", options},
/// "source": "compute" | "nbsz"} plus `extra` (use-specific keys).
json resolve_proxy_ref(const json& block, const Registry& registry, const OptionSchema& extra, const std::string& path);

/// Builds the source for a resolved reference. `pipeline` supplies data,
/// init, device and seed for computed scores.
std::shared_ptr<ProxySource> make_proxy_source(const json& ref, const json& pipeline, const SearchSpace& space,
                                               const Registry& registry, const std::string& path);

}  // namespace nas
