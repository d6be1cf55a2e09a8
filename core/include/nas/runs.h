// The run kinds of a resolved pipeline. Each writes into its run directory
// and returns the summary it wrote.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas/arch.h"

#include "nas/options.h"

namespace nas {

class Registry;
class RunDir;
class SearchSpace;

/// How much a run prints to stderr while it works.
enum class Verbosity { Quiet, Normal, Verbose };

struct RunContext {
  const Registry* registry = nullptr;
  RunDir* dir = nullptr;
  Verbosity verbosity = Verbosity::Normal;
};

json run_search(const json& resolved, const RunContext& ctx);
json run_score(const json& resolved, const RunContext& ctx);   // also correlate
json run_fit_meta(const json& resolved, const RunContext& ctx);  // the meta-proxy (fit_meta.cpp)
json run_evolve_proxy(const json& resolved, const RunContext& ctx);  // evolved proxy expressions (evolve_proxy.cpp)

/// The `evolution` block of an evolve_proxy pipeline: GP settings with defaults.
const OptionSchema& evolve_options();
/// Hand-made proxies written as expressions (grad_norm, snip, plain,
/// l2_norm, nwot, jacov: each equals the proxy).
std::vector<std::string> known_proxy_expressions();
/// An evolve_proxy population's default seeds: those, and network size.
std::vector<std::string> default_seed_expressions();

/// The space plugin of resolved["space"] ({"name", <options>}), built with
/// the pipeline seed.
std::shared_ptr<SearchSpace> make_pipeline_space(const json& resolved, const Registry& registry);

/// Throws PipelineError at `path` unless the space's benchmark has `metric`;
/// `when_none` is the message when the space has no benchmark at all.
void require_metric(const SearchSpace& space, const std::string& metric, const std::string& path,
                    const std::string& when_none);

/// Two seeded, disjoint samples of the archs of `pool` that have a `metric`
/// label (fit_meta's train/test, evolve_proxy's search/held-out sets).
struct LabelledSplit {
  std::vector<Arch> first, second;
  std::vector<double> first_y, second_y;
};
struct SplitRequest {
  std::string metric;
  int64_t first = 0;
  std::optional<int64_t> second;  // nullopt: every other labelled arch
  uint64_t seed = 0;              // of the shuffle
  std::string first_path, second_path;  // JSON paths errors name
  std::string first_role, second_role;  // "training", "test"
  std::string pool_note;                // e.g. " and published scores"
  std::string left_for;                 // e.g. "to test on"
};
LabelledSplit split_labelled(const SearchSpace& space, std::vector<Arch> pool, const SplitRequest& request);

/// Every arch of the space, once per identity; `run` names the run kind for
/// the error when the space cannot enumerate its archs.
std::vector<Arch> every_arch(const SearchSpace& space, const std::string& run);

/// The label of `arch`, NaN when the benchmark has none.
double label_of(const SearchSpace& space, const Arch& arch, const std::string& metric);

/// Dispatches on resolved["run"].
json run_pipeline(const json& resolved, const RunContext& ctx);

}  // namespace nas
