// What the built-in run kinds share (libnasruns): the space a pipeline
// names, the pipeline keys of every run that computes proxies, labelled
// samples of a benchmark, and the archs of a whole space.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas/arch.h"
#include "nas/options.h"
#include "nas/run_kind.h"

namespace nas {

class Registry;
class SearchSpace;
struct PluginContext;

/// The space plugin of resolved["space"] ({"name", <options>}), built with
/// the pipeline seed.
std::shared_ptr<SearchSpace> make_pipeline_space(const json& resolved, const Registry& registry);

/// The `init` block: how the weights of a scored network are drawn.
struct InitKeys : OptionSet<InitKeys> {
  NAS_OPTION(std::string, kind, "torch",
             "torch: LibTorch's own initialisation, seeded per arch; hash: the fixtures' deterministic weights",
             one_of({"torch", "hash"}));
  NAS_OPTION(int64_t, seed, -1, "the init seed; -1 = the pipeline seed", at_least(-1));
};

/// The keys of a run that computes proxies: the network and the batch.
struct ScoringKeys : OptionSet<ScoringKeys> {
  NAS_OPTION(json, data, optional_key,
             "the batch proxies are computed on: {\"name\": cifar10 | hash | synthetic, \"path\", \"batch_size\": 64, "
             "\"seed\": -1} (absent: the shipped CIFAR-10 sample, synthetic for other datasets)");
  NAS_OPTION(json, init, json::object(), "{\"kind\": torch | hash, \"seed\": -1 = the pipeline seed}");
};

/// The score cache key of a run that keeps computed scores.
struct CacheKeys : OptionSet<CacheKeys> {
  NAS_OPTION(bool, cache, true, "reuse and keep computed scores in the score cache (~/.cache/nasrun/scores)");
};

/// ScoringKeys (and CacheKeys with `cache`) resolved from `raw` into `out`
/// (whose "space" and "seed" are resolved): every default and -1 seed
/// filled in.
void resolve_scoring_keys(const json& raw, json& out, bool cache = true);
/// Their declarations, for a run kind's options().
OptionSchema scoring_key_options(bool cache = true);

/// `a` followed by `b`: a run kind's options() out of its blocks.
OptionSchema concat(OptionSchema a, const OptionSchema& b);

/// Throws PipelineError at `path` unless the space's benchmark has `metric`;
/// `when_none` is the message when the space has no benchmark at all.
void require_metric(const SearchSpace& space, const std::string& metric, const std::string& path,
                    const std::string& when_none);

/// `raw[key]`, a {"sample": N} block (default `fallback`), checked: N an
/// integer >= `min`, or "rest" where `rest_ok`. Returns the block.
json resolve_sample_block(const json& raw, const std::string& key, const json& fallback, int64_t min, bool rest_ok);

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

/// A run kind made of three functions, for the built-in ones, which keep no
/// state: NAS_PLUGIN(run, "x", X, ...) on a class X deriving from it with a
/// static options() and the plugin constructor.
class FunctionRunKind : public RunKind {
 public:
  using ResolveFn = void (*)(const json& raw, json& resolved, const Registry& registry);
  using RunFn = json (*)(const json& resolved, const RunContext& context);
  using ReportFn = void (*)(const json& summary, std::ostream& out);
  FunctionRunKind(ResolveFn resolve, RunFn run, ReportFn report, bool distributes = false)
      : resolve_(resolve), run_(run), report_(report), distributes_(distributes) {}
  void resolve(const json& raw, json& resolved, const Registry& registry) const override {
    resolve_(raw, resolved, registry);
  }
  json run(const json& resolved, const RunContext& context) const override { return run_(resolved, context); }
  void report(const json& summary, std::ostream& out) const override { report_(summary, out); }
  bool distributes() const override { return distributes_; }

 private:
  ResolveFn resolve_;
  RunFn run_;
  ReportFn report_;
  bool distributes_;
};

/// Two run kinds that share their functions and differ by one flag (search
/// and compare, score and correlate): each plugin file names one.
template <void (*Resolve)(const json&, json&, const Registry&, bool), OptionSchema (*Keys)(bool),
          FunctionRunKind::RunFn Run, FunctionRunKind::ReportFn Report, bool Flag>
struct FlaggedRunKind : FunctionRunKind {
  FlaggedRunKind(const json&, const PluginContext&)
      : FunctionRunKind([](const json& raw, json& out, const Registry& registry) { Resolve(raw, out, registry, Flag); },
                        Run, Report, /*distributes=*/true) {}
  static OptionSchema options() { return Keys(Flag); }
};

/// The executor of a run: the context's, or one in this process.
Executor& executor_of(const RunContext& context);

/// A number as a person reads it on the terminal: `digits` decimals, or
/// nan / inf (files keep full precision).
std::string fixed(const json& value, int digits);

}  // namespace nas
