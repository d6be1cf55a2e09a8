// The pipeline file `nasrun PIPELINE.json` reads: validation (every key
// known, every error naming its JSON path and the fix) and resolution
// (every default filled in, plugin options included), so that resolved.json
// reproduces the run exactly.
//
// Keys (see README.md for the full reference):
//   run        "search" | "compare" | "score" | "correlate" | "fit_meta"
//                                                          (default "search")
//   seed       integer >= 0                                (default 0)
//   device     "auto" | "cpu" | "cuda"                     (default "auto")
//   threads    intra-op threads, 0 = the affinity's cores  (default 0)
//   space      {"name": ..., <the space plugin's options>} (required)
//   output     run directory                               (default runs/<file stem>)
// search:    objective {"kind": "tabular", "metric"}, strategy {"name",
//            "options"}, budget {"queries"}, repeats
// score:     proxies [...], archs [...] | sample N | "all", data, init
// compare:   as search, with strategies [{"label", ...strategy block}]
// correlate: as score, plus metric
// fit_meta:  proxies, source, encoding, metric, train/test {"sample"}, model
//            (XGBoost parameters), data, init
#pragma once
#include <string>

#include "nas/options.h"

namespace nas {

class Registry;

struct PipelineOverrides {
  std::string output;  // --output
  std::string device;  // --device
  int threads = 0;     // --threads (0: keep the pipeline's)
};

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

}  // namespace nas
