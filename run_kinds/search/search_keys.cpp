// The keys of search and compare pipelines: objective, strategy (or
// strategies), budget, repeats, and data/init/cache for computed proxies.
// Everything a strategy block says is checked here, before any work.
#include <algorithm>
#include <cstdint>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/population_scores.h"
#include "nas/proxy_source.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "search.h"

namespace nas::search_run {

namespace {

const OptionSchema& warmup_schema() {
  static const OptionSchema s = {
      int_option("pool", 3000, "random archs scored by the proxy before the search starts").range(1, 1e9)};
  return s;
}

const OptionSchema& move_proposal_schema() {
  static const OptionSchema s = {
      int_option("candidates", 0, "neighbours scored per mutation (0 = all one-edit neighbours)").range(0, 1e9),
      double_option("random_prob", 0.25, "probability of a random neighbour instead (Zero-Cost-NAS)").range(0, 1)};
  return s;
}

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
    out["warmup"] = resolve_proxy_ref(s.at("warmup"), reg, warmup_schema(), path + "/warmup");
    label += "+warmup";
  }
  if (s.contains("move_proposal")) {
    out["move_proposal"] = resolve_proxy_ref(s.at("move_proposal"), reg, move_proposal_schema(), path + "/move_proposal");
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

  json obj = raw.contains("objective") ? raw.at("objective") : json{{"kind", "tabular"}};
  if (!obj.is_object()) throw PipelineError("/objective", "expected {\"kind\": \"tabular\", \"metric\": \"val_acc\"}");
  const std::string kind = value_or<std::string>(obj, "kind", "tabular", "/objective/kind");
  if (kind == "tabular") {
    check_keys(obj, {"kind", "metric"}, "/objective");
    out["objective"] = {{"kind", kind}, {"metric", value_or<std::string>(obj, "metric", "val_acc", "/objective/metric")}};
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

  json budget = raw.contains("budget") ? raw.at("budget") : json::object();
  check_keys(budget, {"queries", "seconds"}, "/budget");
  const json q = budget.value("queries", json(budget.contains("seconds") ? INT64_MAX : 100));
  if (!q.is_number_integer() || q.get<int64_t>() < 1)
    throw PipelineError("/budget/queries", "expected an integer >= 1, got " + q.dump());
  const json sec = budget.value("seconds", json(1e300));
  if (!sec.is_number() || sec.get<double>() <= 0)
    throw PipelineError("/budget/seconds", "expected simulated seconds > 0, got " + sec.dump());
  out["budget"] = {{"queries", q}, {"seconds", sec}};

  const json r = raw.value("repeats", json(1));
  if (!r.is_number_integer() || r.get<int64_t>() < 1)
    throw PipelineError("/repeats", "expected an integer >= 1, got " + r.dump());
  out["repeats"] = r;
  return out;
}

}  // namespace

OptionSchema keys(bool compare) {
  OptionSchema k = {
      json_option("objective", json{{"kind", "tabular"}, {"metric", "val_acc"}},
                  "what a query answers: {\"kind\": \"tabular\", \"metric\"} or {\"kind\": \"proxy\", \"proxy\", "
                  "\"source\"}"),
      compare ? json_option("strategies", json(),
                            "the entries compared: [{\"label\", \"name\", \"options\", \"warmup\", "
                            "\"move_proposal\"}, ...]")
              : json_option("strategy", json(),
                            "{\"name\", \"options\", \"warmup\": {\"proxy\", \"pool\", \"source\"}, "
                            "\"move_proposal\": {\"proxy\", \"candidates\", \"random_prob\", \"source\"}}"),
      json_option("budget", json{{"queries", 100}},
                  "{\"queries\": distinct archs evaluated, \"seconds\": simulated training seconds}"),
      int_option("repeats", 1, "seeds per strategy; repeat r uses seed + r").range(1, 1e9),
  };
  for (auto& o : scoring_key_options()) k.push_back(o);
  return k;
}

void resolve(const json& raw, json& out, const Registry& registry, bool compare) {
  out = resolve_entries(raw, registry, out, compare);
}

}  // namespace nas::search_run
