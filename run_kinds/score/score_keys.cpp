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

namespace {

struct ScoreKeys : OptionSet<ScoreKeys> {
  NAS_OPTION(json, proxies, required,
             "the proxies: names or {\"name\", <options>}; population proxies (\"vote\", \"aznas\", \"tenas\") score "
             "the archs as a set and add the proxies they read");
  NAS_OPTION(json, populations, json::array(),
             "population proxy blocks (what a population named in \"proxies\" resolves to)");
  NAS_OPTION(json, vote, optional_key,
             "the voting proxies of the majority vote \"vote\" (at least 2 proxy names; absent: the vote's own)");
  NAS_OPTION(json, archs, optional_key, "architecture strings to score (absent: \"sample\" draws them)");
  NAS_OPTION(json, sample, 100, "N seeded random archs (from the space's enumeration when it has one), or \"all\"");
  NAS_OPTION(std::string, on_error, "skip", "a proxy that fails: skip (record NaN and go on) or stop",
             one_of({"skip", "stop"}));
};

struct CorrelateKeys : OptionSet<CorrelateKeys> {
  NAS_OPTION(std::string, metric, "val_acc", "the benchmark metric proxies are ranked against");
};

}  // namespace

OptionSchema keys(bool correlate) {
  OptionSchema k = ScoreKeys::schema();
  if (correlate) k = concat(k, CorrelateKeys::schema());
  return concat(k, scoring_key_options());
}

void resolve(const json& raw, json& out, const Registry& reg, bool correlate) {
  if (!raw.contains("proxies") || !raw.at("proxies").is_array() || raw.at("proxies").empty())
    throw PipelineError("/proxies", "expected a non-empty list of proxy names, e.g. [\"synflow\", \"jacov\"]");
  const ScoreKeys keys = ScoreKeys::from(ScoreKeys::pick(raw));
  // Population proxies in the list (vote, aznas, tenas, ...) score the
  // archs as a set once each is scored; they resolve to "populations" and
  // their components join "proxies", which is read back too, so a resolved
  // pipeline resolves to itself. The older "vote" key names the voters of
  // a vote.
  const json& populations_given = keys.populations;
  if (!populations_given.is_array())
    throw PipelineError("/populations", "expected a list of population proxy blocks, e.g. [{\"name\": \"aznas\"}]");
  json given = keys.proxies;
  if (!keys.vote.is_null()) {
    const json& v = keys.vote;
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

  if (!keys.archs.is_null() && raw.contains("sample"))
    throw PipelineError("/sample", "give either \"archs\" or \"sample\", not both");
  if (!keys.archs.is_null()) {
    const json& a = keys.archs;
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
    const json& s = keys.sample;
    if (!(s.is_number_integer() && s.get<int64_t>() >= 1) && s != json("all"))
      throw PipelineError("/sample", "expected a number of archs >= 1 or \"all\", got " + s.dump());
    out["sample"] = s;
  }

  resolve_scoring_keys(raw, out);

  out["on_error"] = keys.on_error;
  if (correlate) out.update(CorrelateKeys::from(CorrelateKeys::pick(raw)).to_json());
}

}  // namespace nas::score_run
