// The keys of score and correlate pipelines. Everything is checked here,
// before any arch is scored.
#include <algorithm>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/population_scores.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "nas/space.h"
#include "score.h"

namespace nas::score_run {

OptionSchema keys(bool correlate) {
  OptionSchema k = {
      json_option("proxies", json(),
                  "the proxies: names or {\"name\", <options>}; population proxies (\"vote\", \"aznas\", "
                  "\"tenas\") score the archs as a set and add the proxies they read"),
      json_option("populations", json::array(),
                  "population proxy blocks (what a population named in \"proxies\" resolves to)"),
      json_option("vote", json(), "the voting proxies of the majority vote \"vote\" (at least 2 proxy names)"),
      json_option("archs", json(), "architecture strings to score (or \"sample\")"),
      json_option("sample", 100,
                  "N seeded random archs (from the space's enumeration when it has one), or \"all\""),
      string_option("on_error", "skip", "a proxy that fails: skip (record NaN and go on) or stop").choices({"skip", "stop"}),
  };
  if (correlate) k.push_back(string_option("metric", "val_acc", "the benchmark metric proxies are ranked against"));
  for (auto& o : scoring_key_options()) k.push_back(o);
  return k;
}

void resolve(const json& raw, json& out, const Registry& reg, bool correlate) {
  if (!raw.contains("proxies") || !raw.at("proxies").is_array() || raw.at("proxies").empty())
    throw PipelineError("/proxies", "expected a non-empty list of proxy names, e.g. [\"synflow\", \"jacov\"]");
  // Population proxies in the list (vote, aznas, tenas, ...) score the
  // archs as a set once each is scored; they resolve to "populations" and
  // their components join "proxies", which is read back too, so a resolved
  // pipeline resolves to itself. The older "vote" key names the voters of
  // a vote.
  json populations_given = raw.value("populations", json::array());
  if (!populations_given.is_array())
    throw PipelineError("/populations", "expected a list of population proxy blocks, e.g. [{\"name\": \"aznas\"}]");
  json given = raw.at("proxies");
  if (raw.contains("vote")) {
    const json& v = raw.at("vote");
    if (!v.is_array() || v.size() < 2 || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); }))
      throw PipelineError("/vote", "expected the voting proxies, at least 2 names (Zero-Cost-NAS: "
                                   "[\"synflow\", \"jacov\", \"snip\"]), got " + v.dump());
    for (auto& entry : given)
      if (entry_name(entry) == "vote") entry = json{{"name", "vote"}, {"voters", v}};
    if (std::none_of(given.begin(), given.end(), [](const json& e) { return entry_name(e) == "vote"; }))
      given.push_back(json{{"name", "vote"}, {"voters", v}});
  }
  json proxies, populations;
  resolve_proxy_list(given, populations_given, reg, proxies, populations, "/proxies");
  out["proxies"] = proxies;
  out["populations"] = populations;
  if (out.at("proxies").empty())
    throw PipelineError("/proxies", "a population proxy needs per-arch proxies to combine, and none resolved");

  if (raw.contains("archs") && raw.contains("sample"))
    throw PipelineError("/sample", "give either \"archs\" or \"sample\", not both");
  if (raw.contains("archs")) {
    const json& a = raw.at("archs");
    if (!a.is_array() || a.empty() || !std::all_of(a.begin(), a.end(), [](const json& x) { return x.is_string(); }))
      throw PipelineError("/archs", "expected a non-empty list of architecture strings");
    // Parsed now, so that a bad arch string stops the run before any work.
    const auto space = make_pipeline_space(out, reg);
    for (std::size_t i = 0; i < a.size(); ++i) {
      try {
        space->parse(a[i].get<std::string>());
      } catch (const Error& e) {
        throw PipelineError("/archs/" + std::to_string(i), e.what());
      }
    }
    out["archs"] = a;
  } else {
    const json s = raw.value("sample", json(100));
    if (!(s.is_number_integer() && s.get<int64_t>() >= 1) && s != json("all"))
      throw PipelineError("/sample", "expected a number of archs >= 1 or \"all\", got " + s.dump());
    out["sample"] = s;
  }

  resolve_scoring_keys(raw, out);

  const std::string on_error = value_or<std::string>(raw, "on_error", "skip", "/on_error");
  if (on_error != "skip" && on_error != "stop")
    throw PipelineError("/on_error", "must be \"skip\" (record NaN and go on) or \"stop\", got \"" + on_error + "\"");
  out["on_error"] = on_error;

  if (correlate) out["metric"] = value_or<std::string>(raw, "metric", "val_acc", "/metric");
}


}  // namespace nas::score_run
