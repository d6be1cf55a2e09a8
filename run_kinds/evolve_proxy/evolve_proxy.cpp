// evolve_proxy runs: genetic programming over proxy expressions
// (nas/proxy_expr.h), as EZNAS evolves zero-cost proxies. Fitness is
// Spearman's rho against a benchmark metric on a small seeded set of
// labelled archs; every probe of those archs is read once and kept, so the
// thousands of candidates cost no network passes. The best expressions are
// then judged on held-out archs (and, with `transfer`, against the labels of
// other benchmarks of the same archs).
//   generations.jsonl  one line per generation: the whole population with fitness
//   expressions.csv    every distinct expression evaluated: size, search rho
//   holdout.jsonl      one line per held-out arch: its label and every judged expression's score
//   holdout.csv        the same as a table
//   summary.json       best expressions and baselines: search / held-out / transfer rho
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "nas/csv.h"
#include "nas/data.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"
#include "nas/plot.h"
#include "nas/progress.h"
#include "nas/pipeline.h"
#include "nas/plugin.h"
#include "nas/proxy_expr.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/scorer.h"
#include "nas/stats.h"

namespace nas {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A Proxy that scores nothing: it keeps the leaves of the network it is
// shown, so the Scorer (one build, init, device and CUDA fallback for every
// run) is also what reads evolve_proxy's probes.
class LeafCollector : public Proxy {
 public:
  explicit LeafCollector(std::vector<std::string> leaves) : leaves_(std::move(leaves)) {
    for (const auto& l : leaves_) needs_ |= expr::leaf_needs(l);
  }
  ProbeSet needs() const override { return needs_; }
  double score(Probes& probes) override {
    last = expr::LeafSet::read(probes, leaves_);
    return 0;
  }
  expr::LeafSet last;

 private:
  std::vector<std::string> leaves_;
  ProbeSet needs_ = kNoProbe;
};

struct Candidate {
  std::string text;
  expr::Node node;
  double fitness = -1;
  std::size_t size = 0;
};

// Better first: higher fitness, then smaller, then by text (a total order,
// so a seed gives one run).
bool better(const Candidate& a, const Candidate& b) {
  if (a.fitness != b.fitness) return a.fitness > b.fitness;
  if (a.size != b.size) return a.size < b.size;
  return a.text < b.text;
}

// The value of one expression on one arch; NaN where the arch's leaves
// could not be read or the expression cannot be evaluated on them.
double value_on(const expr::Node& node, const std::optional<expr::LeafSet>& leaves) {
  if (!leaves) return std::nan("");
  try {
    return expr::evaluate(node, *leaves);
  } catch (const std::exception&) {
    return std::nan("");
  }
}

std::vector<double> values_on(const expr::Node& node, const std::vector<std::optional<expr::LeafSet>>& leaves) {
  std::vector<double> v;
  v.reserve(leaves.size());
  for (const auto& l : leaves) v.push_back(value_on(node, l));
  return v;
}

// Spearman with NaN ranked last; a constant expression (rho undefined) is
// the worst fitness, -1.
double fitness_of(const std::vector<double>& values, const std::vector<double>& labels) {
  const double rho = spearman(values, labels);
  return std::isfinite(rho) ? rho : -1.0;
}

std::size_t depth_of(const expr::Node& n) {
  std::size_t d = 0;
  for (const auto& a : n.args) d = std::max(d, depth_of(a));
  return d + 1;
}

json candidate_json(const Candidate& c) { return {{"expr", c.text}, {"fitness", c.fitness}, {"size", c.size}}; }

struct EvolveProxyKeys : OptionSet<EvolveProxyKeys> {
  NAS_OPTION(std::string, metric, "val_acc", "the label fitness is Spearman's rho against");
  NAS_OPTION(json, search, (json{{"sample", 150}}), "{\"sample\": N}: the labelled archs fitness is measured on");
  NAS_OPTION(json, holdout, (json{{"sample", 1000}}), "{\"sample\": N or \"rest\"}: archs the best are judged on");
  NAS_OPTION(json, evolution, json::object(), "GP settings (population, generations, tournament, ...)");
  NAS_OPTION(json, leaves, json(expr::leaf_names()), "the probe leaves expressions may read");
  NAS_OPTION(json, seed_expressions, optional_key,
             "the first population's seeds (absent: the hand-made proxies the leaves can express, and size)");
  NAS_OPTION(int64_t, top, 5, "best expressions judged on the held-out archs", at_least(1));
  NAS_OPTION(json, transfer, json::array(),
             "space option overrides to judge the best on, e.g. [{\"dataset\": \"cifar100\"}]");
};

// evolve_proxy keeps its probes in memory and caches no scores: it has no
// "cache" key.
OptionSchema evolve_proxy_keys() { return concat(EvolveProxyKeys::schema(), scoring_key_options(/*cache=*/false)); }

void resolve_evolve_proxy(const json& raw, json& out, const Registry&) {
  const EvolveProxyKeys keys = EvolveProxyKeys::from(EvolveProxyKeys::pick(raw));
  out["metric"] = keys.metric;
  const EvolveProxyKeys defaults;
  out["search"] = resolve_sample_block(raw, "search", defaults.search, 10, false);
  out["holdout"] = resolve_sample_block(raw, "holdout", defaults.holdout, 2, true);
  out["evolution"] = expr::EvolutionKeys::from(keys.evolution, "/evolution").to_json();

  const auto& all = expr::leaf_names();
  std::string listed;
  for (const auto& l : all) listed += (listed.empty() ? "" : ", ") + l;
  const json& leaves = keys.leaves;
  if (!leaves.is_array() || leaves.empty())
    throw PipelineError("/leaves", "expected a non-empty list of leaves out of " + listed);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const std::string name = leaves[i].is_string() ? leaves[i].get<std::string>() : leaves[i].dump();
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      const std::string guess = did_you_mean(name, all);
      throw PipelineError("/leaves/" + std::to_string(i), "unknown leaf \"" + name + "\"" +
                                                           (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                                                           " (leaves: " + listed + ")");
    }
  }
  out["leaves"] = leaves;
  const std::vector<std::string> allowed = leaves.get<std::vector<std::string>>();

  // Seeds: by default the hand-made proxies the leaves can express, and size.
  json seeds = json::array();
  if (!keys.seed_expressions.is_null()) {
    const json& given = keys.seed_expressions;
    if (!given.is_array()) throw PipelineError("/seed_expressions", "expected a list of proxy expressions (may be empty)");
    for (std::size_t i = 0; i < given.size(); ++i) {
      const std::string path = "/seed_expressions/" + std::to_string(i);
      if (!given[i].is_string()) throw PipelineError(path, "expected a proxy expression string");
      expr::Node n;
      try {
        n = expr::parse(given[i].get<std::string>());
      } catch (const Error& e) {
        throw PipelineError(path, e.what());
      }
      for (const auto& l : expr::leaves_of(n))
        if (std::find(allowed.begin(), allowed.end(), l) == allowed.end())
          throw PipelineError(path, "uses the leaf " + l + ", which \"leaves\" leaves out");
      seeds.push_back(expr::to_string(n));
    }
  } else {
    for (const auto& text : expr::default_seed_expressions()) {
      const auto used = expr::leaves_of(expr::parse(text));
      if (std::all_of(used.begin(), used.end(),
                      [&](const std::string& l) { return std::find(allowed.begin(), allowed.end(), l) != allowed.end(); }))
        seeds.push_back(text);
    }
  }
  out["seed_expressions"] = seeds;
  out["top"] = keys.top;

  const json& transfer = keys.transfer;
  if (!transfer.is_array() || !std::all_of(transfer.begin(), transfer.end(), [](const json& t) { return t.is_object() && !t.empty(); }))
    throw PipelineError("/transfer", "expected a list of space option overrides, e.g. [{\"dataset\": \"cifar100\"}]");
  out["transfer"] = transfer;

  resolve_scoring_keys(raw, out, /*cache=*/false);
}


json run_evolve_proxy(const json& resolved, const RunContext& ctx) {
  const Registry& reg = *ctx.registry;
  RunDir& dir = *ctx.dir;
  const auto start = Clock::now();
  const auto space = make_pipeline_space(resolved, reg);
  const std::string metric = resolved.at("metric");
  require_metric(*space, metric, "/metric", "the space has no benchmark loaded to take fitness labels from");
  const expr::EvolutionKeys evo = expr::EvolutionKeys::from(resolved.at("evolution"), "/evolution");
  const uint64_t seed = resolved.at("seed");
  const std::vector<std::string> leaves = resolved.at("leaves");

  SplitRequest req;
  req.metric = metric;
  req.first = resolved.at("search").at("sample");
  const json& h = resolved.at("holdout").at("sample");
  if (h != "rest") req.second = h.get<int64_t>();
  req.seed = derive_seed(seed, 0xe201);
  req.first_path = "/search/sample", req.second_path = "/holdout/sample";
  req.first_role = "search", req.second_role = "held-out", req.left_for = "to hold out";
  const LabelledSplit split = split_labelled(*space, every_arch(*space, "evolve_proxy"), req);

  const c10::Device device = resolve_device(resolved.at("device"));
  const json& data = resolved.at("data");
  Batch batch = make_batch(data, space->num_classes(), "/data", device);
  if (data.at("name") == "synthetic" && ctx.verbosity != Verbosity::Quiet)
    std::cerr << "note: probing on synthetic Gaussian data (no image sample is shipped for this dataset)\n";
  const InitSpec init{resolved.at("init").at("kind"), resolved.at("init").at("seed").get<uint64_t>()};
  Executor& executor = executor_of(ctx);
  const bool alone = executor.processes() == 1;
  // Reads `wanted` leaves of one arch; nullopt and the reason when that fails.
  auto read_leaves = [&](const Arch& arch, const std::vector<std::string>& wanted,
                         std::string* error) -> std::optional<expr::LeafSet> {
    auto collector = std::make_shared<LeafCollector>(wanted);
    const Scorer scorer(*space, {{"leaves", collector}}, batch, init, device);
    const ArchScores s = scorer.score(arch);
    if (!s.errors.at(0).empty()) {
      *error = s.errors[0];
      return std::nullopt;
    }
    return std::move(collector->last);
  };
  int64_t leaf_errors = 0;
  auto note_leaf_error = [&](const Arch& arch, const std::string& error) {
    ++leaf_errors;
    if (ctx.verbosity != Verbosity::Quiet)
      std::cerr << "note: " << space->to_string(arch) << ": probes failed (" << error << "); its scores are NaN\n";
  };
  // The one unit kind whose result is a number: fitness, exact as hex.
  auto fitness_text = [](double f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", f);
    return std::string(buf);
  };
  std::vector<std::optional<expr::LeafSet>> search_leaves;
  auto fitness_unit = [&](const std::vector<std::string>& texts) {
    return [&, texts](std::size_t u) {
      return fitness_text(fitness_of(values_on(expr::parse(texts[u]), search_leaves), split.first_y));
    };
  };
  // A held-out arch: its label and every judged expression's score.
  auto holdout_unit = [&](const std::vector<std::string>& judged_texts) -> Executor::Compute {
    std::vector<expr::Node> nodes;
    std::vector<std::string> wanted;  // only the leaves these read: the passes of the others are skipped
    for (const auto& t : judged_texts) {
      nodes.push_back(expr::parse(t));
      for (const auto& l : expr::leaves_of(nodes.back()))
        if (std::find(wanted.begin(), wanted.end(), l) == wanted.end()) wanted.push_back(l);
    }
    return [&, nodes, wanted](std::size_t k) {
      std::string error;
      const auto l = read_leaves(split.second[k], wanted, &error);
      json scores = json::array();
      for (const auto& n : nodes) scores.push_back(finite_or_string(value_on(n, l)));
      const json line = {{"arch", space->to_string(split.second[k])}, {metric, split.second_y[k]}, {"scores", scores}};
      return json{{"line", line}, {"error", error}}.dump();
    };
  };
  // A process other than the writer: computes the units of each map the
  // writer announces, on the leaves it is sent.
  auto follow_writer = [&]() -> json {
    const auto ignore = [](std::size_t, const std::string&) {};
    for (;;) {
      std::string message = executor.share("");
      const std::string tag = message.substr(0, message.find('\n'));
      if (tag == "leaves") {
        search_leaves.clear();
        for (std::size_t at = tag.size() + 1; at < message.size();) {
          uint64_t n = 0;
          std::memcpy(&n, message.data() + at, sizeof n);
          at += sizeof n;
          if (n == 0) search_leaves.emplace_back();
          else search_leaves.push_back(expr::LeafSet::from_bytes(message.substr(at, n), device));
          at += n;
        }
        continue;
      }
      std::vector<std::string> texts;
      for (std::size_t at = message.find('\n'); at != std::string::npos;) {
        const std::size_t end = message.find('\n', at + 1);
        texts.push_back(message.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1));
        at = end;
      }
      if (tag == "eval") {
        executor.map({}, fitness_unit(texts), ignore);
      } else if (tag == "judge") {
        search_leaves.clear();
        executor.map({}, holdout_unit(texts), ignore);
        return json{{"run", "evolve_proxy"}, {"complete", true}};
      } else if (tag == "stop") {
        return json{{"run", "evolve_proxy"}, {"complete", false}};
      } else {
        throw Error("evolve_proxy: rank 0 sent \"" + tag.substr(0, 40) + "\", which this rank does not know (mixed nasrun builds?)");
      }
    }
  };
  // What the writer tells the other processes between maps (MPI only): the
  // leaves of the search set, each generation's new expressions, the
  // expressions to judge on the held-out archs, or that the run stopped.
  auto tell_others = [&](const std::string& message) {
    if (!alone) executor.share(message);
  };
  auto partial = [&](const char* phase) {
    tell_others("stop");
    const json p = {{"run", "evolve_proxy"}, {"complete", false}, {"stopped_in", phase}};
    dir.write_json("summary.json", p);
    return p;
  };

  // ---- The search set's leaves, kept for the whole evolution --------------
  // One unit per arch on any process; every process then keeps all of them,
  // as each evaluates its share of every generation.
  const auto t_leaves = Clock::now();
  std::string all_bytes;  // MPI: every arch's leaves, length-prefixed (0: unreadable)
  {
    Progress progress("probed", static_cast<long long>(split.first.size()), ctx.verbosity);
    const double limit = evo.memory_gb * 1e9;
    std::vector<std::size_t> units(split.first.size());
    std::iota(units.begin(), units.end(), 0);
    const auto compute = [&](std::size_t k) {
      std::string error;
      const auto l = read_leaves(split.first[k], leaves, &error);
      return l ? "1" + l->to_bytes() : "0" + error;
    };
    const auto accept = [&](std::size_t k, const std::string& result) {
      const bool read = result.at(0) == '1';
      const std::string bytes = read ? result.substr(1) : std::string();
      if (read) {
        search_leaves.push_back(expr::LeafSet::from_bytes(bytes, device));
      } else {
        note_leaf_error(split.first[k], result.substr(1));
        search_leaves.emplace_back();
      }
      if (!alone) {
        const uint64_t n = bytes.size();
        all_bytes.append(reinterpret_cast<const char*>(&n), sizeof n);
        all_bytes += bytes;
      }
      if (k == 0 && search_leaves[0]) {
        const double estimate = static_cast<double>(search_leaves[0]->bytes()) * static_cast<double>(split.first.size());
        if (estimate > limit)  // archs differ in size: the first is a guide, not a bound
          throw PipelineError("/search/sample", "the probes of " + std::to_string(split.first.size()) + " archs would need about " +
                                                    std::to_string(static_cast<int64_t>(estimate / 1e9)) +
                                                    " GB; lower the sample, drop W, G, G1 and G2 from \"leaves\", or raise "
                                                    "/evolution/memory_gb");
      }
      progress.update(static_cast<long long>(k + 1));
    };
    executor.map(units, compute, accept);
    progress.finish();
  }
  if (!executor.is_writer()) return follow_writer();
  if (search_leaves.size() < split.first.size()) return partial("probes");
  tell_others("leaves\n" + all_bytes);
  all_bytes = std::string();
  int64_t leaf_bytes = 0;
  for (const auto& l : search_leaves)
    if (l) leaf_bytes += l->bytes();
  const double leaves_seconds = since(t_leaves);

  // ---- Evolution -----------------------------------------------------------
  const auto t_evolve = Clock::now();
  std::unordered_map<std::string, double> memo;  // text -> fitness
  std::vector<std::string> evaluated_order;      // first evaluation order, for expressions.csv
  // Fills in the fitness of `cs`: the expressions not yet known are
  // evaluated in one map (on any process), and recorded in the order they
  // first occur, as if evaluated one by one.
  auto evaluate = [&](const std::vector<Candidate*>& cs) {
    std::vector<std::string> fresh;
    std::set<std::string> seen;
    for (const Candidate* c : cs)
      if (!memo.count(c->text) && seen.insert(c->text).second) fresh.push_back(c->text);
    std::string message = "eval";
    for (const auto& t : fresh) message += "\n" + t;
    tell_others(message);
    std::vector<std::size_t> units(fresh.size());
    std::iota(units.begin(), units.end(), 0);
    executor.map(units, fitness_unit(fresh), [&](std::size_t u, const std::string& result) {
      memo.emplace(fresh[u], std::strtod(result.c_str(), nullptr));
      evaluated_order.push_back(fresh[u]);
    });
    for (Candidate* c : cs) c->fitness = memo.at(c->text);
  };
  auto candidate = [](const expr::Node& node) { return Candidate{expr::to_string(node), node, -1, expr::size(node)}; };
  auto all_of = [](std::vector<Candidate>& cs) {
    std::vector<Candidate*> p;
    for (auto& c : cs) p.push_back(&c);
    return p;
  };

  const auto pop_size = static_cast<std::size_t>(evo.population);
  const int64_t generations = evo.generations;
  const auto max_nodes = static_cast<std::size_t>(evo.max_nodes);
  expr::GrowOptions grow{leaves, evo.max_depth};
  auto fits_limits = [&](const expr::Node& n) {
    return expr::size(n) <= max_nodes && depth_of(n) <= static_cast<std::size_t>(grow.max_depth) + 4;
  };

  // Resume: the generations already logged give the population to go on
  // from; their fitness values fill the memo (they are deterministic).
  std::vector<Candidate> population;
  int64_t first_generation = 0;
  for (const auto& line : dir.read_lines("generations.jsonl")) {
    for (const auto& e : line.at("new"))
      if (memo.emplace(e.at("expr").get<std::string>(), e.at("fitness").get<double>()).second)
        evaluated_order.push_back(e.at("expr"));
    population.clear();
    for (const auto& c : line.at("population")) {
      const std::string text = c.at("expr");
      const expr::Node node = expr::parse(text);
      population.push_back({text, node, c.at("fitness").get<double>(), expr::size(node)});
      if (memo.emplace(text, population.back().fitness).second) evaluated_order.push_back(text);
    }
    first_generation = line.at("generation").get<int64_t>() + 1;
  }

  std::size_t logged = evaluated_order.size();  // expressions whose fitness a logged line holds
  auto log_generation = [&](int64_t g) {
    std::sort(population.begin(), population.end(), better);
    // The expressions first evaluated in this generation, so that a resumed
    // run knows every fitness an unbroken one knew.
    json fresh = json::array();
    for (; logged < evaluated_order.size(); ++logged)
      fresh.push_back({{"expr", evaluated_order[logged]}, {"fitness", memo.at(evaluated_order[logged])}});
    json pop = json::array();
    double sum = 0;
    for (const auto& c : population) pop.push_back(candidate_json(c)), sum += c.fitness;
    dir.append_line("generations.jsonl", {{"generation", g},
                                          {"best", population.front().text},
                                          {"best_fitness", population.front().fitness},
                                          {"mean_fitness", sum / static_cast<double>(population.size())},
                                          {"evaluated", memo.size()},
                                          {"population", pop},
                                          {"new", fresh}});
  };

  if (first_generation == 0) {
    std::set<std::string> taken;
    for (const auto& text : resolved.at("seed_expressions")) {
      Candidate c = candidate(expr::parse(text.get<std::string>()));
      if (taken.insert(c.text).second) population.push_back(std::move(c));
    }
    Rng rng(derive_seed(seed, 0xe70));
    for (std::size_t tries = 0; population.size() < pop_size && tries < 100 * pop_size; ++tries) {
      const expr::Node n = expr::random_expression(rng, grow);
      if (!fits_limits(n) || taken.count(expr::to_string(n))) continue;
      Candidate c = candidate(n);
      taken.insert(c.text);
      population.push_back(std::move(c));
    }
    evaluate(all_of(population));
    log_generation(0);
    first_generation = 1;
  }

  const auto tournament = static_cast<std::size_t>(evo.tournament);
  const auto elite = static_cast<std::size_t>(evo.elite);
  const double crossover_prob = evo.crossover_prob;
  const double combine_prob = evo.combine_prob;
  Progress progress("generations", generations, ctx.verbosity);
  for (int64_t g = first_generation; g <= generations; ++g) {
    if (stop_requested()) return partial("evolution");
    // One generator per generation: a resumed run draws what an unbroken one would.
    Rng rng(derive_seed(seed, 0xe70 + static_cast<uint64_t>(g)));
    auto select = [&]() -> const Candidate& {
      const Candidate* best = nullptr;
      for (std::size_t k = 0; k < tournament; ++k) {
        const Candidate& c = population[rng.below(population.size())];
        if (!best || better(c, *best)) best = &c;
      }
      return *best;
    };
    // Children are drawn from the parents' fitness alone, so a generation's
    // new expressions can all be evaluated together.
    std::vector<Candidate> next(population.begin(), population.begin() + std::min(elite, population.size()));
    std::vector<Candidate> children;
    std::set<std::string> taken;
    for (const auto& c : next) taken.insert(c.text);
    while (next.size() + children.size() < pop_size) {
      const Candidate* parent = nullptr;
      expr::Node child;
      bool found = false;
      for (int attempt = 0; attempt < 20 && !found; ++attempt) {
        parent = &select();
        const double r = rng.uniform();
        if (r < combine_prob) child = expr::combine(parent->node, select().node, rng);
        else if (rng.uniform() < crossover_prob) child = expr::crossover(parent->node, select().node, rng);
        else child = expr::mutate(parent->node, rng, grow);
        found = fits_limits(child) && !taken.count(expr::to_string(child));
      }
      Candidate c = found ? candidate(child) : *parent;
      taken.insert(c.text);
      children.push_back(std::move(c));
    }
    evaluate(all_of(children));
    next.insert(next.end(), children.begin(), children.end());
    population = std::move(next);
    log_generation(g);
    progress.update(g, "best " + std::to_string(population.front().fitness).substr(0, 6));
  }
  progress.finish();
  std::sort(population.begin(), population.end(), better);
  const double evolve_seconds = since(t_evolve);

  // ---- Held-out judgement of the best and of the seed expressions ----------
  std::vector<Candidate> judged;
  std::set<std::string> taken;
  const auto top = static_cast<std::size_t>(resolved.at("top").get<int64_t>());
  for (const auto& c : population)
    if (judged.size() < top && taken.insert(c.text).second) judged.push_back(c);
  const std::size_t num_best = judged.size();
  for (const auto& text : resolved.at("seed_expressions")) {
    Candidate c = candidate(expr::parse(text.get<std::string>()));
    if (taken.insert(c.text).second) judged.push_back(std::move(c));
  }
  std::vector<Candidate*> seeds_judged = all_of(judged);
  seeds_judged.erase(seeds_judged.begin(), seeds_judged.begin() + static_cast<std::ptrdiff_t>(num_best));
  evaluate(seeds_judged);  // known already (the first generation's seeds): no work
  search_leaves.clear();  // the held-out phase reads each arch's leaves in turn

  {
    std::ostringstream csv;
    csv << "expr,size,search_spearman\n";
    for (const auto& text : evaluated_order)
      csv << csv_field(text) << "," << expr::size(expr::parse(text)) << "," << format_double(memo.at(text)) << "\n";
    dir.write_text("expressions.csv", csv.str());
  }

  const auto t_holdout = Clock::now();
  std::unordered_map<std::string, json> done;
  for (auto& line : dir.read_lines("holdout.jsonl")) done[line.at("arch").get<std::string>()] = line;
  std::vector<json> lines(split.second.size());
  std::vector<std::size_t> units;
  for (std::size_t k = 0; k < split.second.size(); ++k) {
    const auto it = done.find(space->to_string(split.second[k]));
    if (it != done.end() && it->second.at("scores").size() == judged.size()) lines[k] = it->second;
    else units.push_back(k);
  }
  std::string message = "judge";
  std::vector<std::string> judged_texts;
  for (const auto& c : judged) message += "\n" + c.text, judged_texts.push_back(c.text);
  tell_others(message);
  {
    Progress hp("held-out archs", static_cast<long long>(split.second.size()), ctx.verbosity);
    long long finished = static_cast<long long>(split.second.size() - units.size());
    executor.map(units, holdout_unit(judged_texts),
                 [&](std::size_t k, const std::string& result) {
                   json r = json::parse(result);
                   if (!r.at("error").get<std::string>().empty()) note_leaf_error(split.second[k], r.at("error"));
                   lines[k] = std::move(r.at("line"));
                   dir.append_line("holdout.jsonl", lines[k]);
                   hp.update(++finished);
                 });
    hp.finish();
  }
  if (std::any_of(lines.begin(), lines.end(), [](const json& l) { return l.is_null(); })) return partial("holdout");
  std::vector<std::vector<double>> holdout_scores(judged.size());
  for (const json& line : lines)
    for (std::size_t e = 0; e < judged.size(); ++e) {
      const json& v = line.at("scores")[e];
      holdout_scores[e].push_back(v.is_number() ? v.get<double>() : std::nan(""));
    }
  const double holdout_seconds = since(t_holdout);

  // Transfer: the same held-out scores against another benchmark's labels of
  // the same archs (e.g. CIFAR-100), no new network passes.
  std::vector<std::pair<std::string, std::vector<double>>> transfer_labels;
  for (std::size_t t = 0; t < resolved.at("transfer").size(); ++t) {
    json block = resolved.at("space");
    for (const auto& [key, value] : resolved.at("transfer")[t].items()) block[key] = value;
    json pipeline = resolved;
    pipeline["space"] = block;
    const auto other = make_pipeline_space(pipeline, reg);
    require_metric(*other, metric, "/transfer/" + std::to_string(t), "that space has no benchmark loaded");
    std::vector<double> y;
    for (const auto& a : split.second) y.push_back(label_of(*other, a, metric));
    std::string name;
    for (const auto& [key, value] : resolved.at("transfer")[t].items())
      name += (name.empty() ? "" : ",") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    transfer_labels.emplace_back(name, std::move(y));
  }

  auto judge = [&](std::size_t e) {
    const Candidate& c = judged[e];
    json j = candidate_json(c);
    j["search_spearman"] = finite_or_string(c.fitness);
    j.erase("fitness");
    j["holdout_spearman"] = finite_or_string(spearman(holdout_scores[e], split.second_y));
    j["holdout_kendall"] = finite_or_string(kendall(holdout_scores[e], split.second_y));
    int64_t nonfinite = 0;
    for (double v : holdout_scores[e]) nonfinite += !std::isfinite(v);
    j["holdout_nonfinite"] = nonfinite;
    json tr = json::object();
    for (const auto& [name, y] : transfer_labels) {
      std::vector<double> xs, ys;
      for (std::size_t k = 0; k < y.size(); ++k)
        if (std::isfinite(y[k])) xs.push_back(holdout_scores[e][k]), ys.push_back(y[k]);
      tr[name] = {{"spearman", finite_or_string(spearman(xs, ys))}, {"n", xs.size()}};
    }
    if (!transfer_labels.empty()) j["transfer"] = tr;
    return j;
  };
  json best = json::array(), baselines = json::array();
  for (std::size_t e = 0; e < judged.size(); ++e) (e < num_best ? best : baselines).push_back(judge(e));

  {
    std::ostringstream csv;
    csv << "arch," << metric;
    for (const auto& c : judged) csv << "," << csv_field(c.text);
    csv << "\n";
    for (std::size_t k = 0; k < split.second.size(); ++k) {
      csv << csv_field(space->to_string(split.second[k])) << "," << format_double(split.second_y[k]);
      for (std::size_t e = 0; e < judged.size(); ++e) csv << "," << format_double(holdout_scores[e][k]);
      csv << "\n";
    }
    dir.write_text("holdout.csv", csv.str());
  }

  json summary = {{"run", "evolve_proxy"},
                  {"complete", true},
                  {"space", resolved.at("space").at("name")},
                  {"metric", metric},
                  {"search", {{"n", split.first.size()}}},
                  {"holdout", {{"n", split.second.size()}}},
                  {"generations", generations},
                  {"evaluated", memo.size()},
                  {"best", best},
                  {"baselines", baselines},
                  {"leaf_errors", leaf_errors},
                  {"leaf_bytes_per_arch", split.first.empty() ? 0 : leaf_bytes / static_cast<int64_t>(split.first.size())},
                  {"seconds",
                   {{"probes", leaves_seconds}, {"evolution", evolve_seconds}, {"holdout", holdout_seconds}, {"total", since(start)}}}};
  if (!space->benchmark_source().empty()) summary["benchmark_source"] = space->benchmark_source();
  dir.write_json("summary.json", summary);

  if (num_best > 0) {
    const double rho = spearman(holdout_scores[0], split.second_y);
    ScatterPlot plot{"scatter_holdout",
                     "best evolved proxy on " + std::to_string(split.second.size()) + " held-out archs (Spearman " +
                         format_double(std::round(rho * 1000) / 1000) + ")",
                     judged[0].text, metric, holdout_scores[0], split.second_y};
    const std::string note = write_scatter_plot(dir, plot);
    if (!note.empty() && ctx.verbosity != Verbosity::Quiet) std::cerr << note << "\n";
  }
  return summary;
}

void report_evolve_proxy(const json& summary, std::ostream& out) {
  out << "held-out spearman on " << summary.at("holdout").at("n") << " archs (search set " << summary.at("search").at("n")
      << ", " << summary.at("evaluated") << " expressions evaluated):\n";
  for (const char* group : {"best", "baselines"})
    for (const auto& e : summary.at(group))
      out << "  " << std::left << std::setw(9) << (group == std::string("best") ? "evolved" : "seed") << " search "
          << fixed(e.at("search_spearman"), 3) << "  held-out " << fixed(e.at("holdout_spearman"), 3) << "  "
          << e.at("expr").get<std::string>() << "\n";
}

struct EvolveProxy : FunctionRunKind {
  EvolveProxy(const json&, const PluginContext&)
      : FunctionRunKind(resolve_evolve_proxy, run_evolve_proxy, report_evolve_proxy, /*distributes=*/true) {}
  static OptionSchema options() { return evolve_proxy_keys(); }
};

}  // namespace

}  // namespace nas

NAS_PLUGIN(run, "evolve_proxy", nas::EvolveProxy, "1.0",
           "genetic programming over proxy expressions against benchmark labels: generations.jsonl, summary.json")
