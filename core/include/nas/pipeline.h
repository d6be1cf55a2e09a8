// The pipeline file `nasrun PIPELINE.json` reads: validation (every key
// known, every error naming its JSON path and the fix) and resolution
// (every default filled in, plugin options included), so that resolved.json
// reproduces the run exactly.
//
// The host owns the keys every pipeline has (PipelineKeys below); every
// other key belongs to the run kind, which declares and resolves it
// (nas/run_kind.h).
#pragma once
#include <string>
#include <vector>

#include "nas/errors.h"
#include "nas/options.h"

namespace nas {

class Registry;

struct PipelineOverrides {
  std::string output;  // --output
  std::string device;  // --device
  int threads = 0;     // --threads (0: keep the pipeline's)
  int jobs = 0;        // --jobs (0: keep the pipeline's)
};

/// The host's own keys, declared like a plugin's options (for `--list`).
struct PipelineKeys : OptionSet<PipelineKeys> {
  NAS_OPTION(std::string, run, "", "the run kind (a run plugin, listed under \"run kinds\"); absent: the one marked (default) there");
  NAS_OPTION(int64_t, seed, 0, "seeds everything random; repeat r of a search uses seed + r", at_least(0));
  NAS_OPTION(std::string, device, "auto", "auto (CUDA when present), cpu, cuda or cuda:N");
  // Threads change how fast, not what: a resume may use another count.
  NAS_OPTION(int, threads, 0,
             "LibTorch threads per process, shared among its jobs; 0: the cores of the CPU affinity divided among "
             "the processes on the node (a resume may change it)",
             between(0, 4096));
  // Jobs too: the units are the same, each computed as one process would.
  NAS_OPTION(int, jobs, 1,
             "work units (archs, search repeats) computed at once in this process, each on a thread of its own "
             "sharing the process's threads (and on CUDA each on a stream of its own); a resume may change it",
             between(1, 256));
  NAS_OPTION(json, space, required, "{\"name\": <space plugin>, <its options>} (`nasrun --list` shows the spaces)");
  // Its default depends on the pipeline file, so resolve_pipeline fills it
  // in before these keys are resolved; the declared one is what --list shows.
  NAS_OPTION(std::string, output, "runs/<pipeline file stem>", "the run directory");
};

/// The run kind that declares itself the default (RunKind::is_default), the
/// one a pipeline without "run" means (the first by name if several do; ""
/// when none does).
std::string default_run_kind(const Registry& registry);

/// Parses JSON text; a syntax error becomes nas::Error "<file>:<line>:<col>: ...".
json parse_json_text(const std::string& text, const std::string& file);

/// Reads and parses a pipeline file.
json read_pipeline_file(const std::string& path);

/// Validates `raw` and returns it with every default filled in. `file` is
/// the pipeline's path (its stem names the default output folder).
json resolve_pipeline(const json& raw, const Registry& registry, const PipelineOverrides& overrides,
                      const std::string& file);

/// The keys allowed at `path` in `object`; an unknown one throws
/// PipelineError with a did-you-mean.
void check_keys(const json& object, const std::vector<std::string>& allowed, const std::string& path);

/// A plugin block written flat, {"name": ..., <options>} or just the name,
/// resolved against the `kind` plugin's options: {"name", every option}.
json resolve_plugin_block(const json& block, const Registry& registry, const std::string& kind,
                          const std::string& path);

}  // namespace nas
