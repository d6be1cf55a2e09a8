// The run kinds of a resolved pipeline. Each writes into its run directory
// and returns the summary it wrote.
#pragma once
#include <memory>
#include <string>

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

/// The space plugin of resolved["space"] ({"name", <options>}), built with
/// the pipeline seed.
std::shared_ptr<SearchSpace> make_pipeline_space(const json& resolved, const Registry& registry);

/// Throws PipelineError at `path` unless the space's benchmark has `metric`;
/// `when_none` is the message when the space has no benchmark at all.
void require_metric(const SearchSpace& space, const std::string& metric, const std::string& path,
                    const std::string& when_none);

/// Dispatches on resolved["run"].
json run_pipeline(const json& resolved, const RunContext& ctx);

}  // namespace nas
