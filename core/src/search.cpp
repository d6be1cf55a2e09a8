// The search run: for each repeat, a fresh strategy seeded from the
// pipeline seed asks for archs, the objective answers, and every
// evaluation is appended to evaluations.jsonl as it happens. An arch the
// repeat has already evaluated is told its known value again without
// charging the budget (strategies may re-propose; the budget counts
// distinct evaluations). A resumed run replays its log instead of
// evaluating again, so it ends exactly where an uninterrupted run would.
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <unordered_map>

#include "nas/errors.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/stats.h"

namespace nas {

namespace {

class RandomNeighbourMutator : public Mutator {
 public:
  explicit RandomNeighbourMutator(const SearchSpace& space) : space_(space) {}
  Arch mutate(const Arch& parent, Rng& rng) const override { return space_.mutate(parent, rng); }

 private:
  const SearchSpace& space_;
};

// Give up on a strategy that keeps proposing archs it has already seen.
constexpr int kMaxConsecutiveRepeats = 100000;

double metric_or_nan(const Metrics& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

bool better(double a, double b) {  // NaN is worst
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a > b;
}

}  // namespace

json run_search(const json& resolved, const RunContext& ctx) {
  const Registry& reg = *ctx.registry;
  RunDir& dir = *ctx.dir;
  const uint64_t seed = resolved.at("seed");
  const json& space_block = resolved.at("space");
  PluginContext space_ctx;
  space_ctx.seed = seed;
  auto space = reg.make_space(space_block.at("name"), [&] {
    json o = space_block;
    o.erase("name");
    return o;
  }(), space_ctx, "/space");

  const std::string metric = resolved.at("objective").at("metric");
  const auto metrics = space->metrics();
  if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) {
    std::string all;
    for (const auto& m : metrics) all += (all.empty() ? "" : ", ") + m;
    throw PipelineError("/objective/metric",
                        metrics.empty() ? "the space has no tabular benchmark loaded (check /space options)"
                                        : "unknown metric \"" + metric + "\"; the benchmark has: " + all);
  }

  const int64_t budget = resolved.at("budget").at("queries");
  const int repeats = resolved.at("repeats");
  const json& strategy_block = resolved.at("strategy");
  RandomNeighbourMutator mutator(*space);

  // What an earlier, interrupted run of this pipeline already evaluated.
  std::map<std::pair<int, int64_t>, json> logged;
  for (auto& line : dir.read_lines("evaluations.jsonl"))
    logged[{line.at("repeat").get<int>(), line.at("index").get<int64_t>()}] = line;
  if (!logged.empty() && ctx.verbosity != Verbosity::Quiet)
    std::cerr << "resuming: " << logged.size() << " evaluations already in " << dir.file("evaluations.jsonl") << "\n";

  json per_repeat = json::array();
  std::vector<double> best_tests, best_vals;
  for (int r = 0; r < repeats; ++r) {
    const uint64_t repeat_seed = seed + static_cast<uint64_t>(r);
    PluginContext sctx;
    sctx.seed = derive_seed(repeat_seed, 0x57a7);
    sctx.space = space.get();
    sctx.mutator = &mutator;
    auto strategy = reg.make_strategy(strategy_block.at("name"), strategy_block.at("options"), sctx, "/strategy");

    std::unordered_map<std::string, double> seen;
    int64_t queries = 0, free_repeats = 0;
    int consecutive_repeats = 0;
    double best = std::numeric_limits<double>::quiet_NaN();
    json best_line;
    while (queries < budget) {
      const auto proposal = strategy->ask();
      if (!proposal) break;
      const Arch& arch = *proposal;
      const std::string id = space->identity(arch);
      if (auto it = seen.find(id); it != seen.end()) {
        strategy->tell(arch, it->second);
        ++free_repeats;
        if (++consecutive_repeats > kMaxConsecutiveRepeats)
          throw Error("strategy '" + strategy_block.at("name").get<std::string>() + "' proposed " +
                      std::to_string(kMaxConsecutiveRepeats) + " already-evaluated archs in a row; stopping");
        continue;
      }
      consecutive_repeats = 0;
      const std::string arch_str = space->to_string(arch);
      json line;
      if (auto it = logged.find({r, queries}); it != logged.end()) {
        line = it->second;
        if (line.at("arch") != arch_str)
          throw Error("cannot resume: " + dir.file("evaluations.jsonl") + " has " + line.at("arch").dump() +
                      " at repeat " + std::to_string(r) + ", query " + std::to_string(queries) +
                      " but the strategy now proposes " + arch_str + " (was the plugin changed?)");
      } else {
        const auto t0 = std::chrono::steady_clock::now();
        const auto row = space->query(arch);
        if (!row) throw Error("the benchmark has no entry for " + arch_str);
        const double value = metric_or_nan(*row, metric);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        line = {{"repeat", r}, {"index", queries}, {"arch", arch_str}, {"objective", finite_or_string(value)}};
        if (auto idx = space->index_of(arch)) line["benchmark_index"] = *idx;
        for (const auto& [k, v] : *row) line[k] = finite_or_string(v);
        line["seconds"] = seconds;
        dir.append_line("evaluations.jsonl", line);
      }
      const json& o = line.at("objective");
      const double value = o.is_number() ? o.get<double>() : std::numeric_limits<double>::quiet_NaN();
      seen[id] = value;
      strategy->tell(arch, value);
      if (best_line.is_null() || better(value, best)) best = value, best_line = line;
      ++queries;
    }
    const double best_test = best_line.is_null() ? NAN : best_line.value("test_acc", json(NAN)).get<double>();
    const double best_val = best_line.is_null() ? NAN : best_line.value("val_acc", json(NAN)).get<double>();
    best_tests.push_back(best_test);
    best_vals.push_back(best_val);
    per_repeat.push_back({{"repeat", r},
                          {"seed", repeat_seed},
                          {"best_arch", best_line.is_null() ? json(nullptr) : best_line.at("arch")},
                          {"best_objective", finite_or_string(best)},
                          {"best_val_acc", finite_or_string(best_val)},
                          {"best_test_acc", finite_or_string(best_test)},
                          {"queries", queries},
                          {"repeated_proposals", free_repeats}});
    if (ctx.verbosity != Verbosity::Quiet)
      std::cerr << "repeat " << r + 1 << "/" << repeats << ": " << queries << " queries, best " << metric << " "
                << format_double(best) << " (test_acc " << format_double(best_test) << ")\n";
  }

  json summary = {{"run", "search"},
                  {"complete", true},
                  {"space", space_block.at("name")},
                  {"strategy", strategy_block.at("name")},
                  {"objective", resolved.at("objective")},
                  {"benchmark_source", space->benchmark_source()},
                  {"repeats", per_repeat},
                  {"mean_best_test_acc", finite_or_string(mean(best_tests))},
                  {"std_best_test_acc", finite_or_string(stddev(best_tests))},
                  {"mean_best_val_acc", finite_or_string(mean(best_vals))},
                  {"std_best_val_acc", finite_or_string(stddev(best_vals))}};
  dir.write_json("summary.json", summary);
  return summary;
}

}  // namespace nas
