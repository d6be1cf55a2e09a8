// The pipeline file `nasrun PIPELINE.json` reads: validation (every key
// known, every error naming its JSON path and the fix) and resolution
// (every default filled in, plugin options included), so that resolved.json
// reproduces the run exactly.
//
// The host owns the keys every pipeline has:
//   run        the run kind (a `run` plugin; `nasrun --list`)  (default "search")
//   seed       integer >= 0                                    (default 0)
//   device     "auto" | "cpu" | "cuda" | "cuda:N"              (default "auto")
//   threads    intra-op threads, 0 = the affinity's cores      (default 0)
//   space      {"name": ..., <the space plugin's options>}     (required)
//   output     run directory                                   (default runs/<file stem>)
// Every other key belongs to the run kind, which declares and resolves it
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
};

/// The host's own keys, declared like a plugin's options (for `--list`).
const OptionSchema& common_pipeline_keys();

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

/// `object[key]` as a T, or `fallback` when absent; a value of another JSON
/// type is a PipelineError at `path`.
template <class T>
T value_or(const json& object, const char* key, T fallback, const std::string& path) {
  if (!object.contains(key)) return fallback;
  const json& v = object.at(key);
  if (v.type() != json(fallback).type())
    throw PipelineError(path, std::string("expected a ") + json(fallback).type_name() + ", got " + v.dump());
  return v.get<T>();
}

}  // namespace nas
