// Search and compare runs. A work unit is one (strategy entry, repeat): a
// fresh strategy seeded from the pipeline seed asks for archs, the
// objective answers, every evaluation is appended to evaluations.jsonl as it
// happens. Units are independent and deterministic, so they could be handed
// to other processes and merged by one writer.
//
// An arch the unit has already evaluated is told its known value again
// without charging the budget (strategies may re-propose; the budget counts
// distinct evaluations). A resumed run replays its log instead of
// evaluating again, so it ends exactly where an uninterrupted run would.
// A unit that had ended is not even replayed: units.jsonl keeps its summary
// and curve, so resuming a compare of predictors (minutes of training per
// unit) costs only the units the interruption cut.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"
#include "nas/plot.h"
#include "nas/progress.h"
#include "nas/proxy_source.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/stats.h"
#include "nas/strategy.h"
#include "search.h"
#include "speedup.h"
#include "zero_cost.h"

namespace nas::search_run {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A strategy that keeps proposing archs it has already seen (a converged
// evolution whose every neighbour is known) has stalled: its unit ends
// there, marked "stalled", rather than spinning forever.
constexpr int kMaxConsecutiveRepeats = 10000;

struct Evaluation {
  double value = kNaN;
  Metrics fields;     // benchmark metrics, when known
  double cost = 0;    // simulated seconds (the benchmark's training time) or wall seconds
};

// What a query costs and answers: a tabular metric, or a proxy score (with
// the benchmark's answers recorded beside it, so zero-cost searches can be
// judged).
class Objective {
 public:
  Objective(const json& block, const json& pipeline, const SearchSpace& space, const Registry& reg)
      : space_(space) {
    if (block.at("kind") == "tabular") {
      metric_ = block.at("metric");
      require_metric(space, metric_, "/objective/metric",
                     "the space has no tabular benchmark loaded; search it with {\"kind\": \"proxy\", \"proxy\": ...}");
    } else {
      proxy_ = make_proxy_source(block, pipeline, space, reg, "/objective");
    }
  }

  Evaluation evaluate(const Arch& arch) {
    Evaluation e;
    if (auto row = space_.query(arch)) e.fields = *row;
    if (proxy_) {
      const double before = proxy_->seconds();
      e.value = proxy_->score(arch);
      e.cost = proxy_->seconds() - before;
      return e;
    }
    if (e.fields.empty()) throw Error("the benchmark has no entry for " + space_.to_string(arch));
    auto it = e.fields.find(metric_);
    e.value = it == e.fields.end() ? kNaN : it->second;
    auto t = e.fields.find("train_time");
    e.cost = t == e.fields.end() ? 0.0 : t->second;
    return e;
  }

  std::string describe() const { return proxy_ ? proxy_->describe() : "tabular " + metric_; }

 private:
  const SearchSpace& space_;
  std::string metric_;
  std::shared_ptr<ProxySource> proxy_;
};

// One point of an anytime curve.
struct CurvePoint {
  double best_objective, best_test_acc, sim_time;
};

struct UnitResult {
  json summary;
  std::vector<CurvePoint> curve;
  std::vector<json> lines;  // evaluations not yet in the log, when they are not appended as they happen
  bool ended = true;        // false when an interrupt cut it: a resume must run it again

  /// summary and curve: what units.jsonl keeps of an ended unit.
  json record() const {
    json points = json::array();
    for (const auto& p : curve)
      points.push_back({finite_or_string(p.best_objective), finite_or_string(p.best_test_acc), p.sim_time});
    return {{"summary", summary}, {"curve", points}};
  }
  static UnitResult from_record(const json& j) {
    UnitResult u;
    u.summary = j.at("summary");
    for (const auto& p : j.at("curve"))
      u.curve.push_back({number_from_json(p[0]), number_from_json(p[1]), p[2].get<double>()});
    return u;
  }
  std::string to_text() const {
    json j = record();
    j["lines"] = lines;
    j["ended"] = ended;
    return j.dump();
  }
  static UnitResult from_text(const std::string& text) {
    const json j = json::parse(text);
    UnitResult u = from_record(j);
    u.lines = j.at("lines").get<std::vector<json>>();
    u.ended = j.at("ended").get<bool>();
    return u;
  }
};

struct StrategyEntry {
  std::string label;
  json block;  // name, options, warmup?, move_proposal?
  std::string path;
};

class SearchRunner {
 public:
  SearchRunner(const json& resolved, const RunContext& ctx) : resolved_(resolved), ctx_(ctx) {
    space_ = make_pipeline_space(resolved, *ctx.registry);
    objective_ = std::make_unique<Objective>(resolved.at("objective"), resolved, *space_, *ctx.registry);
    std::map<std::pair<std::string, int>, int64_t> logged_per_unit;
    for (auto& line : ctx.dir->read_lines("evaluations.jsonl")) {
      const std::string label = line.value("label", "");
      const int repeat = line.at("repeat").get<int>();
      ++logged_per_unit[{label, repeat}];
      logged_[{label, repeat, line.at("index").get<int64_t>()}] = line;
    }
    // An ended unit counts only if every evaluation it made is in the log
    // (a kill between the two appends leaves it to be run again).
    for (auto& line : ctx.dir->read_lines("units.jsonl")) {
      const std::pair<std::string, int> key{line.at("label").get<std::string>(), line.at("repeat").get<int>()};
      if (line.at("summary").at("queries").get<int64_t>() == logged_per_unit[key]) ended_[key] = line;
    }
    if (!logged_.empty() && ctx.verbosity != Verbosity::Quiet)
      std::cerr << "resuming: " << logged_.size() << " evaluations already in " << ctx.dir->file("evaluations.jsonl")
                << (ended_.empty() ? std::string()
                                   : "; " + std::to_string(ended_.size()) + " ended units in " +
                                         ctx.dir->file("units.jsonl") + " are not run again")
                << "\n";
  }

  const SearchSpace& space() const { return *space_; }
  /// An objective for the terminal: accuracies with 2 decimals, proxy
  /// scores with 4 significant digits.
  std::string objective_text(double v) const {
    if (resolved_.at("objective").at("kind") == "tabular") return fixed(finite_or_string(v), 2);
    std::ostringstream os;
    os << std::setprecision(4) << v;
    return os.str();
  }
  std::string objective_description() const { return objective_->describe(); }

  /// One (entry, repeat): evaluations are appended to the log as they
  /// happen when `stream`, else returned in the result for the writer to
  /// append (another process computed them, or several units are in flight).
  UnitResult run_unit(const StrategyEntry& entry, int repeat, bool labelled, bool stream);

  /// The unit as a resumed run's units.jsonl kept it, when it had ended.
  std::optional<UnitResult> ended_unit(const StrategyEntry& entry, int repeat, bool labelled) const {
    auto it = ended_.find({labelled ? entry.label : "", repeat});
    if (it == ended_.end()) return std::nullopt;
    return UnitResult::from_record(it->second);
  }

  /// Whether the log already holds this evaluation (a resumed run).
  bool logged(const json& line) const {
    return logged_.count({line.value("label", ""), line.at("repeat").get<int>(), line.at("index").get<int64_t>()}) > 0;
  }

  /// What an entry says that only built objects can check (a published-score
  /// file, a strategy that never mutates or takes no warm start), checked for
  /// every entry before any unit runs: a compare must not fail at its fourth
  /// entry after hours of work on the first three.
  void prepare(const StrategyEntry& entry) {
    const json& block = entry.block;
    if (block.contains("warmup")) proxy_source(block.at("warmup"), entry.path + "/warmup");
    if (block.contains("move_proposal")) proxy_source(block.at("move_proposal"), entry.path + "/move_proposal");
    zero_cost::RandomNeighbour mutator(*space_);
    PluginContext sctx;
    sctx.space = space_.get();
    sctx.mutator = &mutator;
    auto strategy = make_strategy(entry, sctx);
    if (block.contains("warmup")) warm_start(entry, *strategy, {});
  }

 private:
  // The entry's strategy; one that never mutates cannot take move proposal.
  std::shared_ptr<Strategy> make_strategy(const StrategyEntry& entry, const PluginContext& sctx) const {
    const std::string name = entry.block.at("name");
    auto strategy = ctx_.registry->make_strategy(name, entry.block.at("options"), sctx, entry.path);
    if (entry.block.contains("move_proposal") && !strategy->uses_mutation())
      throw PipelineError(entry.path + "/move_proposal", "strategy '" + name +
                                                             "' never mutates an architecture, so move proposal "
                                                             "cannot change it; remove move_proposal");
    return strategy;
  }

  static void warm_start(const StrategyEntry& entry, Strategy& strategy, const std::vector<Arch>& ranked) {
    if (!strategy.warm_start(ranked))
      throw PipelineError(entry.path + "/warmup", "strategy '" + entry.block.at("name").get<std::string>() +
                                                      "' does not take a warm start; remove warmup");
  }

  ProxySource& proxy_source(const json& ref, const std::string& path) {
    const std::string key = ref.dump();
    auto it = sources_.find(key);
    if (it == sources_.end())
      it = sources_.emplace(key, make_proxy_source(ref, resolved_, *space_, *ctx_.registry, path)).first;
    return *it->second;
  }

  const json& resolved_;
  RunContext ctx_;
  std::shared_ptr<SearchSpace> space_;
  std::unique_ptr<Objective> objective_;
  std::map<std::string, std::shared_ptr<ProxySource>> sources_;
  std::map<std::tuple<std::string, int, int64_t>, json> logged_;
  std::map<std::pair<std::string, int>, json> ended_;  // units.jsonl, by (label, repeat)
};

UnitResult SearchRunner::run_unit(const StrategyEntry& entry, int repeat, bool labelled, bool stream) {
  const uint64_t repeat_seed = resolved_.at("seed").get<uint64_t>() + static_cast<uint64_t>(repeat);
  const BudgetKeys budget = BudgetKeys::from(resolved_.at("budget"), "/budget");
  const int64_t max_queries = budget.query_limit();
  const double max_seconds = budget.seconds_limit();
  const std::string strategy_name = entry.block.at("name");

  zero_cost::RandomNeighbour random_mutator(*space_);
  std::unique_ptr<zero_cost::MoveProposal> proposal;
  if (entry.block.contains("move_proposal")) {
    const json& mp = entry.block.at("move_proposal");
    ProxySource& source = proxy_source(mp, entry.path + "/move_proposal");
    const auto keys = MoveProposalKeys::from(MoveProposalKeys::pick(mp), entry.path + "/move_proposal");
    proposal = std::make_unique<zero_cost::MoveProposal>(
        *space_, [&source](const std::vector<Arch>& a) { return source.score_set(a); }, keys.candidates,
        keys.random_prob);
  }
  PluginContext sctx;
  sctx.seed = derive_seed(repeat_seed, 0x57a7);
  sctx.space = space_.get();
  sctx.mutator = proposal ? static_cast<const Mutator*>(proposal.get()) : &random_mutator;
  auto strategy = make_strategy(entry, sctx);

  json unit = {{"repeat", repeat}, {"seed", repeat_seed}};
  if (entry.block.contains("warmup")) {
    const json& w = entry.block.at("warmup");
    ProxySource& source = proxy_source(w, entry.path + "/warmup");
    const double before = source.seconds();
    Rng pool_rng(derive_seed(repeat_seed, 0x3a7));
    const std::vector<Arch> ranked = zero_cost::ranked_pool(*space_, pool_rng, WarmupKeys::from(WarmupKeys::pick(w)).pool,
                                                            [&source](const std::vector<Arch>& a) { return source.score_set(a); });
    const auto w0 = std::chrono::steady_clock::now();
    warm_start(entry, *strategy, ranked);
    unit["warm_start_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    unit["warmup_pool"] = ranked.size();
    unit["warmup_seconds"] = source.seconds() - before;
  }

  std::unordered_map<std::string, double> seen;
  int64_t queries = 0, free_repeats = 0;
  int consecutive_repeats = 0;
  bool stalled = false;
  double best = kNaN, best_test = kNaN, sim_time = 0;
  // The strategy's own time (ask and tell, move proposal's proxy look-ups
  // included; the objective's evaluations not): what a predictor that
  // retrains each round costs beside the queries.
  double ask_tell_seconds = 0;
  const auto timed = [&ask_tell_seconds](auto&& call) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    ask_tell_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  json best_line;
  UnitResult result;
  const std::string what = (labelled ? entry.label + " " : "") + "repeat " + std::to_string(repeat + 1) + "/" +
                           std::to_string(resolved_.at("repeats").get<int>()) + ": query";
  Progress progress(what, max_queries, ctx_.verbosity);
  while (queries < max_queries && sim_time < max_seconds && !stop_requested()) {
    std::optional<Arch> proposal_arch;
    timed([&] { proposal_arch = strategy->ask(); });
    if (!proposal_arch) break;
    const Arch& arch = *proposal_arch;
    const std::string id = space_->identity(arch);
    if (auto it = seen.find(id); it != seen.end()) {
      timed([&] { strategy->tell(arch, it->second); });
      ++free_repeats;
      if (++consecutive_repeats >= kMaxConsecutiveRepeats) {
        stalled = true;
        if (ctx_.verbosity != Verbosity::Quiet)
          std::cerr << "strategy '" << strategy_name << "' proposed " << kMaxConsecutiveRepeats
                    << " already-evaluated archs in a row after " << queries << " queries; ending this repeat\n";
        break;
      }
      continue;
    }
    consecutive_repeats = 0;
    const std::string arch_str = space_->to_string(arch);
    json line;
    if (auto it = logged_.find({labelled ? entry.label : "", repeat, queries}); it != logged_.end()) {
      line = it->second;
      if (line.at("arch") != arch_str)
        throw Error("cannot resume: " + ctx_.dir->file("evaluations.jsonl") + " has " + line.at("arch").dump() +
                    " at repeat " + std::to_string(repeat) + ", query " + std::to_string(queries) +
                    " but the strategy now proposes " + arch_str + " (was a plugin changed?)");
    } else {
      const auto t0 = std::chrono::steady_clock::now();
      const Evaluation e = objective_->evaluate(arch);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (labelled) line["label"] = entry.label;
      line["repeat"] = repeat;
      line["index"] = queries;
      line["arch"] = arch_str;
      line["objective"] = finite_or_string(e.value);
      if (auto idx = space_->index_of(arch)) line["benchmark_index"] = *idx;
      for (const auto& [k, v] : e.fields) line[k] = finite_or_string(v);
      line["cost"] = e.cost;
      line["seconds"] = seconds;
      if (stream) ctx_.dir->append_line("evaluations.jsonl", line);
      else result.lines.push_back(line);
    }
    const double value = number_from_json(line.at("objective"));
    seen[id] = value;
    timed([&] { strategy->tell(arch, value); });
    sim_time += line.value("cost", 0.0);
    if (best_line.is_null() || better(value, best)) {
      best = value, best_line = line;
      best_test = number_from_json(line.value("test_acc", json()));
    }
    result.curve.push_back({best, best_test, sim_time});
    ++queries;
    progress.update(queries, "best " + objective_text(best));
  }
  progress.finish();
  result.ended = !stop_requested();
  unit["best_arch"] = best_line.is_null() ? json(nullptr) : best_line.at("arch");
  unit["best_objective"] = finite_or_string(best);
  unit["best_val_acc"] = finite_or_string(best_line.is_null() ? kNaN : number_from_json(best_line.value("val_acc", json())));
  unit["best_test_acc"] = finite_or_string(best_test);
  unit["queries"] = queries;
  unit["simulated_seconds"] = sim_time;
  unit["repeated_proposals"] = free_repeats;
  unit["ask_tell_seconds"] = ask_tell_seconds;
  if (stalled) unit["stalled"] = true;
  result.summary = unit;
  return result;
}

std::vector<StrategyEntry> strategy_entries(const json& resolved) {
  std::vector<StrategyEntry> out;
  if (resolved.at("run") == "search") {
    out.push_back({resolved.at("strategy").at("name"), resolved.at("strategy"), "/strategy"});
  } else {
    const json& s = resolved.at("strategies");
    for (std::size_t i = 0; i < s.size(); ++i)
      out.push_back({s[i].at("label"), s[i], "/strategies/" + std::to_string(i)});
  }
  return out;
}

// Mean over repeats of the best-so-far test accuracy after each query; a
// repeat that stopped early keeps its last value.
std::vector<double> mean_curve(const std::vector<std::vector<CurvePoint>>& curves, std::vector<double>* sd,
                               std::vector<double>* time) {
  std::size_t len = 0;
  for (const auto& c : curves) len = std::max(len, c.size());
  std::vector<double> m(len);
  if (sd) sd->assign(len, 0);
  if (time) time->assign(len, 0);
  for (std::size_t i = 0; i < len; ++i) {
    std::vector<double> v, t;
    for (const auto& c : curves)
      if (!c.empty()) {
        const CurvePoint& p = c[std::min(i, c.size() - 1)];
        v.push_back(p.best_test_acc);
        t.push_back(p.sim_time);
      }
    m[i] = mean(v);
    if (sd) (*sd)[i] = stddev(v);
    if (time) (*time)[i] = mean(t);
  }
  return m;
}

// The best test accuracy in the space's table, when the space can be
// enumerated and its benchmark answers test_acc: what test regret is
// measured from.
std::optional<double> table_best_test_acc(const SearchSpace& space) {
  const auto metrics = space.metrics();
  const std::optional<int64_t> size = space.size();
  if (!size || std::find(metrics.begin(), metrics.end(), "test_acc") == metrics.end()) return std::nullopt;
  double best = kNaN;
  for (int64_t i = 0; i < *size; ++i)
    if (auto row = space.query(space.arch_at(i))) {
      auto it = row->find("test_acc");
      if (it != row->end() && better(it->second, best)) best = it->second;
    }
  return std::isnan(best) ? std::nullopt : std::optional<double>(best);
}

void write_curve_plots(RunDir& dir, const std::vector<std::string>& labels,
                       const std::vector<std::vector<std::vector<CurvePoint>>>& curves,
                       std::optional<double> table_best, const RunContext& ctx) {
  std::ostringstream gp_q, gp_t, gp_r;
  const char* head = "set terminal pngcairo size 900,600 noenhanced\nset grid\nset key bottom right\n";
  gp_q << head << "set output 'curves_queries.png'\nset xlabel 'queries'\nset ylabel 'best test accuracy (%)'\n"
       << "set title 'best-so-far test accuracy (mean, 95% confidence band)'\nplot ";
  gp_t << head << "set output 'curves_time.png'\nset logscale x\nset xlabel 'simulated time (s)'\n"
       << "set ylabel 'best test accuracy (%)'\nset title 'best-so-far test accuracy vs simulated time'\nplot ";
  // Test regret on a log axis spreads curves that end within a few tenths
  // of a point; the band's lower edge is cut at 0.001 (a log axis has no 0).
  gp_r << head << "set key top right\nset output 'regret_queries.png'\nset logscale y\nset xlabel 'queries'\n"
       << "set ylabel 'test regret (table best - best-so-far test accuracy, points)'\n"
       << "set title 'test regret (mean, 95% confidence band; table best "
       << (table_best ? fixed(*table_best, 2) : std::string("unknown")) << ")'\nplot ";
  for (std::size_t s = 0; s < labels.size(); ++s) {
    std::vector<double> sd, time;
    const auto m = mean_curve(curves[s], &sd, &time);
    std::ostringstream dat;
    dat << "# query mean_test_acc ci95 mean_simulated_seconds mean_test_regret\n";
    const double n = static_cast<double>(curves[s].size());
    for (std::size_t i = 0; i < m.size(); ++i)
      dat << i + 1 << " " << format_double(m[i]) << " " << format_double(1.96 * sd[i] / std::sqrt(n)) << " "
          << format_double(time[i]) << " " << format_double(table_best ? *table_best - m[i] : kNaN) << "\n";
    const std::string file = "curve_" + std::to_string(s) + ".dat";
    dir.write_text(file, dat.str());
    // Twelve distinct colours, then dashed lines, so up to 24 entries stay apart.
    static const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};
    const std::string lc = std::string("lc rgb '") + colours[s % 12] + "' dt " + std::to_string(s / 12 + 1);
    const std::string sep = s ? ", " : "";
    gp_q << sep << "'" << file << "' using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.2 " << lc
         << " notitle, '" << file << "' using 1:2 with lines lw 2 " << lc << " title '" << labels[s] << "'";
    gp_t << sep << "'" << file << "' using 4:2 with lines lw 2 " << lc << " title '" << labels[s] << "'";
    gp_r << sep << "'" << file << "' using 1:(($5-$3) > 0.001 ? ($5-$3) : 0.001):($5+$3) with filledcurves fs "
         << "transparent solid 0.2 " << lc << " notitle, '" << file << "' using 1:($5 > 0.001 ? $5 : 0.001) with lines lw 2 "
         << lc << " title '" << labels[s] << "'";
  }
  dir.write_text("curves_queries.gp", gp_q.str() + "\n");
  dir.write_text("curves_time.gp", gp_t.str() + "\n");
  std::string note = run_gnuplot(dir, "curves_queries.gp");
  if (note.empty()) note = run_gnuplot(dir, "curves_time.gp");
  if (table_best) {
    dir.write_text("regret_queries.gp", gp_r.str() + "\n");
    if (note.empty()) note = run_gnuplot(dir, "regret_queries.gp");
  }
  if (!note.empty() && ctx.verbosity != Verbosity::Quiet) std::cerr << note << "\n";
}

}  // namespace

json run(const json& resolved, const RunContext& ctx) {
  SearchRunner runner(resolved, ctx);
  const bool compare = resolved.at("run") == "compare";
  const auto entries = strategy_entries(resolved);
  const int repeats = resolved.at("repeats");
  const auto start = std::chrono::steady_clock::now();

  std::vector<std::vector<std::vector<CurvePoint>>> curves(entries.size());
  for (const auto& entry : entries) runner.prepare(entry);
  // One (entry, repeat) is one work unit, computed on any process; the
  // writer appends its evaluations and curve in unit order.
  Executor& executor = executor_of(ctx);
  // One unit at a time in this process: each appends its evaluations as
  // they happen. Else they come back with the unit's result.
  const bool stream = executor.processes() == 1 && executor.jobs() == 1;
  const std::size_t unit_count = entries.size() * static_cast<std::size_t>(repeats);
  std::vector<std::optional<UnitResult>> results(unit_count);
  std::vector<std::size_t> to_run;
  for (std::size_t u = 0; u < unit_count; ++u)
    if (!(results[u] = runner.ended_unit(entries[u / repeats], static_cast<int>(u % repeats), compare))) to_run.push_back(u);
  const auto compute = [&](std::size_t u) {
    return runner.run_unit(entries[u / repeats], static_cast<int>(u % repeats), compare, stream).to_text();
  };
  const auto accept = [&](std::size_t u, const std::string& text) {
    UnitResult result = UnitResult::from_text(text);
    for (const auto& line : result.lines)
      if (!runner.logged(line)) ctx.dir->append_line("evaluations.jsonl", line);
    const json& unit = result.summary;
    if (result.ended) {
      json record = {{"label", compare ? entries[u / repeats].label : ""}, {"repeat", unit.at("repeat")}};
      record.update(result.record());
      ctx.dir->append_line("units.jsonl", record);
    }
    if (ctx.verbosity != Verbosity::Quiet)
      std::cerr << (compare ? entries[u / repeats].label + " " : "") << "repeat " << unit.at("repeat").get<int>() + 1
                << "/" << repeats << ": " << unit.at("queries") << " queries, best objective "
                << runner.objective_text(number_from_json(unit.at("best_objective"))) << " (test_acc "
                << fixed(unit.at("best_test_acc"), 2) << ")\n";
    results[u] = std::move(result);
  };
  executor.map(to_run, compute, accept);
  // A worker has no results (the writer accepted them all) and writes nothing.
  if (!executor.is_writer()) return json{{"run", resolved.at("run")}, {"complete", !stop_requested()}};

  // Every unit in order, the ones a resume took from units.jsonl included.
  std::vector<json> per_entry(entries.size(), json::array());
  std::ostringstream csv;
  csv << "label,seed,query,best_objective,best_test_acc,simulated_seconds\n";
  for (std::size_t u = 0; u < unit_count; ++u) {
    if (!results[u]) continue;  // not reached before an interrupt
    UnitResult& result = *results[u];
    const std::size_t s = u / repeats;
    for (std::size_t i = 0; i < result.curve.size(); ++i)
      csv << entries[s].label << "," << result.summary.at("seed") << "," << i + 1 << ","
          << format_double(result.curve[i].best_objective) << "," << format_double(result.curve[i].best_test_acc)
          << "," << format_double(result.curve[i].sim_time) << "\n";
    per_entry[s].push_back(result.summary);
    curves[s].push_back(std::move(result.curve));
  }
  ctx.dir->write_text("curves.csv", csv.str());

  auto finals = [](const json& units, const char* key) {
    std::vector<double> v;
    for (const auto& u : units) v.push_back(number_from_json(u.at(key)));
    return v;
  };
  json summary = {{"run", resolved.at("run")},
                  {"complete", !stop_requested()},
                  {"space", resolved.at("space").at("name")},
                  {"objective", resolved.at("objective")},
                  {"objective_source", runner.objective_description()},
                  {"benchmark_source", runner.space().benchmark_source()}};
  if (!compare) {
    const auto tests = finals(per_entry[0], "best_test_acc");
    const auto vals = finals(per_entry[0], "best_val_acc");
    summary["strategy"] = entries[0].block.at("name");
    summary["repeats"] = per_entry[0];
    summary["mean_best_test_acc"] = finite_or_string(mean(tests));
    summary["std_best_test_acc"] = finite_or_string(stddev(tests));
    summary["mean_best_val_acc"] = finite_or_string(mean(vals));
    summary["std_best_val_acc"] = finite_or_string(stddev(vals));
  } else {
    const std::optional<double> table_best = table_best_test_acc(runner.space());
    std::vector<CompareEntry> compared;
    for (std::size_t s = 0; s < entries.size(); ++s) {
      const json& b = entries[s].block;
      compared.push_back({entries[s].label, b.at("name"), b.at("options").dump(),
                          !b.contains("warmup") && !b.contains("move_proposal"), mean_curve(curves[s], nullptr, nullptr)});
    }
    const std::vector<Speedup> speed = speedups(compared);
    json strategies = json::object();
    std::vector<std::string> labels;
    std::ostringstream speed_csv;
    speed_csv << "label,strategy,plain,target_test_acc,queries_to_target,plain_queries_to_target,speedup,"
                 "mean_final_test_acc,std_final_test_acc,repeats,ask_tell_ms_per_query,ask_tell_seconds_per_repeat\n";
    const auto opt_json = [](const auto& o) { return o ? json(*o) : json(nullptr); };
    const auto opt_csv = [](const auto& o) { return o ? json(*o).dump() : std::string(); };
    for (std::size_t s = 0; s < entries.size(); ++s) {
      const auto tests = finals(per_entry[s], "best_test_acc");
      const auto overheads = finals(per_entry[s], "ask_tell_seconds");
      const auto queries = finals(per_entry[s], "queries");
      const double total_queries = std::accumulate(queries.begin(), queries.end(), 0.0);
      const double ms_per_query =
          total_queries > 0 ? 1e3 * std::accumulate(overheads.begin(), overheads.end(), 0.0) / total_queries : kNaN;
      json curve = json::array();
      for (double v : compared[s].mean_curve) curve.push_back(finite_or_string(v));
      const Speedup& sp = speed[s];
      json entry = {{"mean_final_test_acc", finite_or_string(mean(tests))},
                    {"std_final_test_acc", finite_or_string(stddev(tests))},
                    {"plain", opt_json(sp.plain_label)},
                    {"target_test_acc", sp.plain_label ? finite_or_string(sp.target) : json(nullptr)},
                    {"queries_to_target", opt_json(sp.queries_to_target)},
                    {"plain_queries_to_target", opt_json(sp.plain_queries_to_target)},
                    {"speedup", opt_json(sp.speedup)},
                    {"ask_tell_ms_per_query", finite_or_string(ms_per_query)},
                    {"ask_tell_seconds_per_repeat", finite_or_string(mean(overheads))},
                    {"mean_curve", curve},
                    {"repeats", per_entry[s]}};
      if (table_best) entry["mean_final_test_regret"] = finite_or_string(*table_best - mean(tests));
      strategies[entries[s].label] = entry;
      labels.push_back(entries[s].label);
      speed_csv << csv_field(entries[s].label) << "," << compared[s].strategy << ","
                << (sp.plain_label ? csv_field(*sp.plain_label) : "") << ","
                << (sp.plain_label ? format_double(sp.target) : "") << "," << opt_csv(sp.queries_to_target) << ","
                << opt_csv(sp.plain_queries_to_target) << "," << opt_csv(sp.speedup) << ","
                << format_double(mean(tests)) << "," << format_double(stddev(tests)) << "," << tests.size() << ","
                << format_double(ms_per_query) << "," << format_double(mean(overheads)) << "\n";
    }
    summary["strategies"] = strategies;
    summary["labels"] = labels;  // the entries' order (strategies is keyed by label)
    summary["table_best_test_acc"] = table_best ? json(*table_best) : json(nullptr);
    summary["speedup_definition"] =
        "target = the plain entry's mean best-so-far test accuracy at its final query; queries_to_target = the "
        "first query whose mean reaches it; speedup = plain_queries_to_target / queries_to_target; an entry's "
        "plain entry has the same strategy name and options and neither warmup nor move_proposal";
    ctx.dir->write_text("speedups.csv", speed_csv.str());
    write_curve_plots(*ctx.dir, labels, curves, table_best, ctx);
  }
  summary["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ctx.dir->write_json("summary.json", summary);
  return summary;
}

void report(const json& summary, std::ostream& out) {
  if (summary.at("run") == "compare") {
    const json& strategies = summary.at("strategies");
    std::vector<std::string> labels;
    if (summary.contains("labels")) labels = summary.at("labels").get<std::vector<std::string>>();
    else
      for (auto it = strategies.begin(); it != strategies.end(); ++it) labels.push_back(it.key());
    std::size_t width = 8;
    for (const auto& l : labels) width = std::max(width, l.size());
    const auto text = [](const json& v, int decimals, const char* suffix = "") -> std::string {
      if (v.is_null()) return "-";
      return fixed(v, decimals) + suffix;
    };
    out << "final test_acc over " << strategies.at(labels[0]).at("repeats").size()
        << " repeats; queries for the mean curve to reach the plain algorithm's final mean, and the speed-up over "
           "it; the strategy's own ask/tell time:\n";
    out << "  " << std::left << std::setw(static_cast<int>(width)) << "label" << std::right << "  mean (sd)    "
        << std::setw(9) << "to target" << std::setw(10) << "speed-up" << std::setw(12) << "ms/query" << std::setw(12)
        << "s/repeat" << "\n";
    for (const auto& l : labels) {
      const json& e = strategies.at(l);
      const json none;
      const auto get = [&](const char* k) -> const json& { return e.contains(k) ? e.at(k) : none; };
      const json& target = get("queries_to_target");
      const std::string reached = !get("plain").is_null() && target.is_null() ? "never" : text(target, 0);
      std::ostringstream mean_sd;
      mean_sd << fixed(e.at("mean_final_test_acc"), 2) << " (" << fixed(e.at("std_final_test_acc"), 2) << ")";
      out << "  " << std::left << std::setw(static_cast<int>(width)) << l << "  " << std::setw(13) << mean_sd.str()
          << std::right << std::setw(9) << reached << std::setw(10) << text(get("speedup"), 2, "x") << std::setw(12)
          << text(get("ask_tell_ms_per_query"), 3) << std::setw(12) << text(get("ask_tell_seconds_per_repeat"), 3)
          << "\n";
    }
    return;
  }
  // The best arch over all repeats by the objective, with its accuracies.
  // Repeats are numbered from 1 here, as the progress lines number them.
  const json* best = nullptr;
  for (const auto& r : summary.at("repeats")) {
    const double v = number_from_json(r.at("best_objective"));
    if (!std::isnan(v) && (!best || better(v, number_from_json(best->at("best_objective"))))) best = &r;
  }
  if (best)
    out << "best architecture (repeat " << best->at("repeat").get<int>() + 1 << "/" << summary.at("repeats").size()
        << "): " << best->at("best_arch").get<std::string>() << "\n  val_acc " << fixed(best->at("best_val_acc"), 2)
        << "  test_acc " << fixed(best->at("best_test_acc"), 2) << "\n";
  out << "over " << summary.at("repeats").size() << " repeats: mean best test_acc "
      << fixed(summary.at("mean_best_test_acc"), 2) << " (sd " << fixed(summary.at("std_best_test_acc"), 2) << ")\n";
}

}  // namespace nas::search_run
