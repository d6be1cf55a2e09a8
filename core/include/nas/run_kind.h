// A run kind: what `"run": "<name>"` in a pipeline does (search, compare,
// score, correlate, fit_meta, evolve_proxy, or a lab's own), the fourth
// plugin kind. The host resolves the keys every pipeline has (run, seed,
// device, threads, space, output) and hands the rest to the run kind, which
// owns its keys:
//   options()  declares them, one line each (name, type, default, doc), so
//              the host rejects unknown keys and `nasrun --list` shows them;
//   resolve()  checks every one of them, plugin options included, and writes
//              them with their defaults: nothing a pipeline says may fail
//              later, after work has started;
//   run()      does the work into the run directory and returns the summary
//              it wrote (summary.json);
//   report()   prints that summary for a person.
//
//   NAS_PLUGIN(run, "score", ScoreRun, "1.0", "proxies for a list or a sample of archs")
#pragma once
#include <iosfwd>

#include "nas/options.h"

namespace nas {

class Executor;
class Registry;
class RunDir;

/// How much a run prints to stderr while it works.
enum class Verbosity { Quiet, Normal, Verbose };

struct RunContext {
  const Registry* registry = nullptr;
  RunDir* dir = nullptr;  // an MPI worker's is a scratch folder: only the writer's counts
  Verbosity verbosity = Verbosity::Normal;
  Executor* executor = nullptr;  // where work units run; null: in this process
};

class RunKind {
 public:
  virtual ~RunKind() = default;

  /// Validates the run kind's own keys of the pipeline `raw` and writes them,
  /// every default filled in, into `resolved` (which already holds the
  /// common keys). Errors are PipelineError naming the JSON path.
  virtual void resolve(const json& raw, json& resolved, const Registry& registry) const = 0;

  /// Does the work of a resolved pipeline; returns the summary it wrote. An
  /// interrupted run returns a summary with "complete": false.
  virtual json run(const json& resolved, const RunContext& context) const = 0;

  /// The result, for a person: accuracies with 2 decimals, correlations
  /// with 3 (the files keep full precision).
  virtual void report(const json& summary, std::ostream& out) const = 0;

  /// Whether run() hands its work units to context.executor, so that the
  /// workers of an MPI job run it too, and its units may be computed on
  /// several threads at once (`jobs`). One that does not runs on the writer
  /// alone (the workers have nothing to do), one unit at a time.
  virtual bool distributes() const { return false; }

  /// Whether a pipeline without "run" means this kind. One run kind says so
  /// (search: DESIGN.md's pipeline sketch names none), so the host names none;
  /// were several to, the first by name would be taken.
  virtual bool is_default() const { return false; }
};

/// Runs a resolved pipeline with the run kind it names.
json run_pipeline(const json& resolved, const RunContext& context);

}  // namespace nas
