// The keys of score and correlate pipelines. Everything is checked here,
// before any arch is scored.
#include <algorithm>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/registry.h"
#include "nas/runs.h"
#include "nas/space.h"
#include "score.h"

namespace nas::score_run {

OptionSchema keys(bool correlate) {
  OptionSchema k = {
      json_option("proxies", json(),
                  "the proxies: names or {\"name\", <options>}; \"vote\" adds the Zero-Cost-NAS majority vote"),
      json_option("vote", json(), "the voting proxies of a majority vote (at least 2 of \"proxies\")"),
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
  json proxies = json::array();
  const json& given = raw.at("proxies");
  // "vote" in the list, as people write it, is the Zero-Cost-NAS vote of
  // synflow, jacov and snip, and resolves to the "vote" key (the voters),
  // which is read back too, so a resolved pipeline resolves to itself.
  json voters;
  if (raw.contains("vote")) {
    const json& v = raw.at("vote");
    if (!v.is_array() || v.size() < 2 || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); }))
      throw PipelineError("/vote", "expected the voting proxies, at least 2 names out of \"proxies\" (Zero-Cost-NAS: "
                                   "[\"synflow\", \"jacov\", \"snip\"]), got " + v.dump());
    voters = v;
  }
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (given[i] == "vote") {  // a set-level score over other proxies, not a plugin (see votes.h)
      if (voters.is_null()) voters = {"synflow", "jacov", "snip"};
      continue;
    }
    proxies.push_back(resolve_plugin_block(given[i], reg, "proxy", "/proxies/" + std::to_string(i)));
  }
  if (!voters.is_null()) {
    for (const auto& needed : voters)
      if (std::none_of(proxies.begin(), proxies.end(), [&](const json& p) { return p.at("name") == needed; }))
        throw PipelineError("/proxies", "the vote's voters are " + voters.dump() + "; add \"" +
                                            needed.get<std::string>() + "\" to the list");
    out["vote"] = voters;
  }
  out["proxies"] = proxies;

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
