// The keys of search and compare pipelines: objective, strategy (or
// strategies), budget, repeats, and data/init/cache for computed proxies.
// Everything a strategy block says is checked here, before any work.
#include <algorithm>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/population_scores.h"
#include "nas/proxy_source.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "search.h"

namespace nas::search_run {

namespace {

// The top-level keys of both run kinds, besides the strategy or strategies
// and the scoring keys.
struct SearchKeys : OptionSet<SearchKeys> {
  NAS_OPTION(json, objective, (json{{"kind", "tabular"}, {"metric", "val_acc"}}),
             "what a query answers: {\"kind\": \"tabular\", \"metric\"} or {\"kind\": \"proxy\", \"proxy\", "
             "\"source\"}");
  NAS_OPTION(json, budget, (json{{"queries", 100}}),
             "{\"queries\": distinct archs evaluated, \"seconds\": simulated training seconds}; 0 or absent = no "
             "limit, but one must be given");
  NAS_OPTION(int64_t, repeats, 1, "seeds per strategy; repeat r uses seed + r", at_least(1));
};

struct StrategyKey : OptionSet<StrategyKey> {
  NAS_OPTION(json, strategy, required,
             "{\"name\", \"options\", \"warmup\": {\"proxy\", \"pool\", \"source\"}, "
             "\"move_proposal\": {\"proxy\", \"candidates\", \"random_prob\", \"source\"}}");
};

struct StrategiesKey : OptionSet<StrategiesKey> {
  NAS_OPTION(json, strategies, required,
             "the entries compared: [{\"label\", \"name\", \"options\", \"warmup\", \"move_proposal\"}, ...]");
};

// The `objective` block of kind "tabular".
struct TabularObjective : OptionSet<TabularObjective> {
  NAS_OPTION(std::string, kind, "tabular", "tabular: the benchmark's value; proxy: a proxy's score");
  NAS_OPTION(std::string, metric, "val_acc", "the benchmark metric a query answers");
};

json resolve_strategy(const json& s, const Registry& reg, const std::string& path, bool compare) {
  std::vector<std::string> keys = {"name", "options", "warmup", "move_proposal"};
  if (compare) keys.push_back("label");
  check_keys(s, keys, path);
  if (!s.contains("name") || !s.at("name").is_string())
    throw PipelineError(path + "/name", "missing: name the strategy plugin (`nasrun --list` shows them)");
  const std::string name = s.at("name");
  const LoadedPlugin* p = nullptr;
  try {
    p = &reg.require("strategy", name);
  } catch (const Error& e) {
    throw PipelineError(path + "/name", e.what());
  }
  json out = {{"name", name}, {"options", resolve_options(p->options, s.value("options", json::object()), path + "/options")}};
  std::string label = name;
  if (s.contains("warmup")) {
    out["warmup"] = resolve_proxy_ref(s.at("warmup"), reg, WarmupKeys::schema(), path + "/warmup");
    label += "+warmup";
  }
  if (s.contains("move_proposal")) {
    out["move_proposal"] = resolve_proxy_ref(s.at("move_proposal"), reg, MoveProposalKeys::schema(), path + "/move_proposal");
    MoveProposalKeys::from(MoveProposalKeys::pick(out["move_proposal"]), path + "/move_proposal");  // fits an int
    label += "+move";
  }
  if (compare) {
    if (s.contains("label") && !s.at("label").is_string()) throw PipelineError(path + "/label", "expected a string");
    out["label"] = s.value("label", label);
  }
  return out;
}

json resolve_entries(const json& raw, const Registry& reg, json out, bool compare) {
  resolve_scoring_keys(raw, out);
  const SearchKeys keys = SearchKeys::from(SearchKeys::pick(raw));

  const json& obj = keys.objective;
  if (!obj.is_object()) throw PipelineError("/objective", "expected {\"kind\": \"tabular\", \"metric\": \"val_acc\"}");
  const json kind_given = obj.value("kind", json("tabular"));
  if (!kind_given.is_string())
    throw PipelineError("/objective/kind", "expected \"tabular\" or \"proxy\", got " + kind_given.dump());
  const std::string kind = kind_given;
  if (kind == "tabular") {
    out["objective"] = TabularObjective::from(obj, "/objective").to_json();
  } else if (kind == "proxy") {
    json rest = obj;
    rest.erase("kind");
    out["objective"] = resolve_proxy_ref(rest, reg, {}, "/objective");
    const std::string name = out["objective"].at("proxy").at("name");
    if (is_population(reg, name))
      throw PipelineError("/objective/proxy", "'" + name + "' is a population proxy: it ranks a set of archs against "
                                              "each other, so it cannot score the one arch an objective asks about; "
                                              "use it for warmup or move_proposal, or name a per-arch proxy");
    out["objective"]["kind"] = "proxy";
  } else {
    throw PipelineError("/objective/kind", "\"" + kind + "\" is not an objective (available: \"tabular\", \"proxy\")");
  }

  if (!compare) {
    if (!raw.contains("strategy"))
      throw PipelineError("/strategy", "missing: a search needs {\"name\": \"random\"} or another strategy");
    out["strategy"] = resolve_strategy(raw.at("strategy"), reg, "/strategy", false);
  } else {
    const json& list = raw.contains("strategies") ? raw.at("strategies") : json();
    if (!list.is_array() || list.empty())
      throw PipelineError("/strategies", "expected a non-empty list of {\"label\", \"name\", \"options\", "
                                         "\"warmup\", \"move_proposal\"}");
    json entries = json::array();
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < list.size(); ++i) {
      json e = resolve_strategy(list[i], reg, "/strategies/" + std::to_string(i), true);
      const std::string label = e.at("label");
      if (std::find(labels.begin(), labels.end(), label) != labels.end())
        throw PipelineError("/strategies/" + std::to_string(i) + "/label",
                            "label \"" + label + "\" is used twice; give each entry its own label");
      labels.push_back(label);
      entries.push_back(e);
    }
    out["strategies"] = entries;
  }

  // An empty budget is the default one; a budget must limit something.
  const json& budget = keys.budget.is_object() && keys.budget.empty() ? SearchKeys().budget : keys.budget;
  const BudgetKeys limits = BudgetKeys::from(budget, "/budget");
  if (limits.queries == 0 && limits.seconds == 0)
    throw PipelineError("/budget", "sets no limit; give \"queries\" (distinct archs) or \"seconds\" (simulated "
                                   "training time), or both");
  out["budget"] = limits.to_json();
  out["repeats"] = keys.repeats;
  return out;
}

}  // namespace

OptionSchema keys(bool compare) {
  return concat(concat(SearchKeys::schema(), compare ? StrategiesKey::schema() : StrategyKey::schema()),
                scoring_key_options());
}

void resolve(const json& raw, json& out, const Registry& registry, bool compare) {
  out = resolve_entries(raw, registry, out, compare);
}

}  // namespace nas::search_run
