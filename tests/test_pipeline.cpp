// Pipeline validation: every error names its JSON path and the fix, and
// resolution fills every default (so resolved.json reproduces the run).
#include <gtest/gtest.h>

#include <filesystem>

#include "nas/errors.h"
#include "nas/pipeline.h"
#include "nas/registry.h"
#include "nas/run_kind.h"
#include "test_support.h"

namespace {

using nas::json;

const nas::Registry& registry() { return nas_test::all_plugins(); }

json search_pipeline() {
  return json::parse(R"({"run": "search", "space": {"name": "nb201"}, "strategy": {"name": "random"},
                         "budget": {"queries": 10}, "repeats": 2})");
}

std::string error_of(const json& raw) {
  try {
    nas::resolve_pipeline(raw, registry(), {}, "x.json");
  } catch (const nas::PipelineError& e) {
    return e.what();
  }
  return "(no error)";
}

// Every shipped config resolves as it is, and its resolution is a fixed
// point. A config that reads what another one writes (a model, a run's
// scores) may only fail for that file, under runs/.
TEST(Pipeline, EveryShippedConfigResolves) {
  namespace fs = std::filesystem;
  int resolved = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(NASRUN_SOURCE_DIR) / "configs")) {
    if (entry.path().extension() != ".json") continue;
    const std::string file = entry.path().string();
    try {
      const json r = nas::resolve_pipeline(nas::read_pipeline_file(file), registry(), {}, file);
      EXPECT_EQ(nas::resolve_pipeline(r, registry(), {}, file), r) << file;
      ++resolved;
    } catch (const nas::Error& e) {
      EXPECT_NE(std::string(e.what()).find("runs/"), std::string::npos) << file << ": " << e.what();
    }
  }
  EXPECT_GE(resolved, 15);
}

TEST(Pipeline, FillsEveryDefault) {
  const json r = nas::resolve_pipeline(search_pipeline(), registry(), {}, "configs/my_run.json");
  EXPECT_EQ(r["seed"], 0);
  EXPECT_EQ(r["device"], "auto");
  EXPECT_EQ(r["output"], "runs/my_run");
  EXPECT_EQ(r["objective"]["metric"], "val_acc");
  EXPECT_EQ(r["space"]["dataset"], "cifar10");
  EXPECT_TRUE(r["strategy"]["options"].is_object());
  // Resolving the resolved pipeline changes nothing.
  EXPECT_EQ(nas::resolve_pipeline(r, registry(), {}, "configs/my_run.json"), r);
}

TEST(Pipeline, OverridesWin) {
  const json r = nas::resolve_pipeline(search_pipeline(), registry(), {"out/dir", "cpu"}, "x.json");
  EXPECT_EQ(r["output"], "out/dir");
  EXPECT_EQ(r["device"], "cpu");
}

TEST(Pipeline, UnknownTopLevelKeyHasDidYouMean) {
  json p = search_pipeline();
  p["sed"] = 1;
  EXPECT_EQ(error_of(p), "/sed: unknown key, did you mean \"seed\"?");
}

TEST(Pipeline, UnknownNestedKey) {
  json p = search_pipeline();
  p["budget"]["querys"] = 5;
  EXPECT_EQ(error_of(p), "/budget/querys: unknown key, did you mean \"queries\"?");
}

TEST(Pipeline, UnknownSpaceOption) {
  json p = search_pipeline();
  p["space"]["datset"] = "cifar10";
  EXPECT_EQ(error_of(p), "/space/datset: unknown key, did you mean \"dataset\"?");
}

TEST(Pipeline, WrongTypes) {
  json p = search_pipeline();
  p["repeats"] = "3";
  EXPECT_EQ(error_of(p), "/repeats: expected an integer >= 1, got \"3\"");
  p = search_pipeline();
  p["seed"] = -1;
  EXPECT_EQ(error_of(p), "/seed: must be >= 0, got -1");
  p = search_pipeline();
  p["space"]["dataset"] = "cifar11";
  EXPECT_NE(error_of(p).find("/space/dataset: must be one of \"cifar10\""), std::string::npos) << error_of(p);
}

// A budget says "no limit" with 0 (or by leaving the key out), never with a
// huge number; an empty one is the default, and one without any limit is an
// error before any work.
TEST(Pipeline, BudgetLimitsAreStatedAndOneIsRequired) {
  json p = search_pipeline();
  p["budget"] = {{"seconds", 3600}};
  EXPECT_EQ(nas::resolve_pipeline(p, registry(), {}, "x.json")["budget"], json({{"queries", 0}, {"seconds", 3600.0}}));
  p["budget"] = json::object();
  const json r = nas::resolve_pipeline(p, registry(), {}, "x.json");
  EXPECT_EQ(r["budget"], json({{"queries", 100}, {"seconds", 0.0}}));
  EXPECT_EQ(nas::resolve_pipeline(r, registry(), {}, "x.json"), r);
  p["budget"] = {{"queries", 0}};
  EXPECT_EQ(error_of(p), "/budget: sets no limit; give \"queries\" (distinct archs) or \"seconds\" (simulated "
                         "training time), or both");
  p["budget"] = {{"seconds", -1}};
  EXPECT_EQ(error_of(p), "/budget/seconds: must be >= 0.0, got -1");
}

// The host's keys and the scoring blocks are declared once; their bounds
// and the -1 "the pipeline seed" of data and init are resolved.
TEST(Pipeline, HostAndScoringKeysAreResolvedFromTheirDeclarations) {
  json p = search_pipeline();
  p["threads"] = 5000;
  EXPECT_EQ(error_of(p), "/threads: must be in [0, 4096], got 5000");
  p = search_pipeline();
  p["device"] = "gpu";
  EXPECT_EQ(error_of(p), "/device: must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"gpu\"");
  p = search_pipeline();
  p["seed"] = 7;
  p["objective"] = {{"kind", "proxy"}, {"proxy", "synflow"}};
  json r = nas::resolve_pipeline(p, registry(), {}, "x.json");
  EXPECT_EQ(r["init"], json({{"kind", "torch"}, {"seed", 7}}));
  EXPECT_EQ(r["data"]["seed"], 7);
  EXPECT_EQ(r["cache"], true);
  p["init"] = {{"kind", "glorot"}};
  EXPECT_EQ(error_of(p), "/init/kind: must be one of \"torch\", \"hash\", got \"glorot\"");
  p.erase("space");
  EXPECT_EQ(error_of(p).rfind("/space: missing required option", 0), 0u) << error_of(p);
}

TEST(Pipeline, MissingPluginNamesWhatExists) {
  json p = search_pipeline();
  p["strategy"]["name"] = "randon";
  const std::string e = error_of(p);
  EXPECT_EQ(e.rfind("/strategy/name: unknown strategy 'randon', did you mean \"random\"?", 0), 0u) << e;
  EXPECT_NE(e.find("available:"), std::string::npos) << e;
}

TEST(Pipeline, UnknownRunKind) {
  json p = search_pipeline();
  p["run"] = "serch";
  EXPECT_NE(error_of(p).find("/run: unknown run kind \"serch\""), std::string::npos);
}

// The run kind that declares itself the default (search) answers a pipeline
// without "run"; resolved.json names it.
TEST(Pipeline, APipelineWithoutRunIsTheDefaultRunKind) {
  json p = search_pipeline();
  p.erase("run");
  const json resolved = nas::resolve_pipeline(p, registry(), {}, "x.json");
  EXPECT_EQ(resolved.at("run"), "search");
  EXPECT_EQ(resolved, nas::resolve_pipeline(search_pipeline(), registry(), {}, "x.json"));
  int defaults = 0;
  for (const auto& name : registry().names("run")) defaults += registry().make_run(name)->is_default() ? 1 : 0;
  EXPECT_EQ(defaults, 1);
}

TEST(Pipeline, ScoreNeedsProxiesAndValidatesThem) {
  json p = json::parse(R"({"run": "score", "space": {"name": "nb201"}, "sample": 5})");
  EXPECT_NE(error_of(p).find("/proxies: expected a non-empty list"), std::string::npos);
  p["proxies"] = {"synflw"};
  EXPECT_NE(error_of(p).find("/proxies/0/name: unknown proxy 'synflw', did you mean \"synflow\"?"), std::string::npos)
      << error_of(p);
  p["proxies"] = {"synflow"};
  p["data"] = {{"batch_size", 0}};
  EXPECT_NE(error_of(p).find("/data/batch_size: must be in [1,"), std::string::npos) << error_of(p);
}

// An integer option far beyond long long, written as a float or as a big
// unsigned, is a range error (converting it was undefined behaviour; found
// by fuzz_pipeline with "pool": 11844674407370955161600).
TEST(Pipeline, AnIntegerOptionTooBigForLongLongIsARangeError) {
  json p = json::parse(R"({"run": "score", "space": {"name": "nb201"}, "sample": 5, "proxies": ["synflow"]})");
  for (const char* big : {"11844674407370955161600", "18446744073709551615", "-1e300"}) {
    p["data"] = {{"batch_size", json::parse(big)}};
    const std::string e = error_of(p);
    EXPECT_NE(e.find("/data/batch_size: must be in [1,"), std::string::npos) << big << ": " << e;
  }
  p["data"] = {{"batch_size", 2.0}};
  EXPECT_EQ(error_of(p), "(no error)") << "an integral float is an integer";
}

// A population proxy in the proxy list ("vote", "aznas") resolves to a
// "populations" block and adds the proxies it reads; the result must
// survive a second resolution (resolved.json is resolved again on
// --resume). Found by fuzz_pipeline from configs/nb201_correlate.json.
TEST(Pipeline, APopulationProxyResolvesToItself) {
  json p = json::parse(R"({"run": "correlate", "space": {"name": "nb201"}, "sample": 5,
                           "proxies": ["synflow", "jacov", "snip", "vote"]})");
  const json r = nas::resolve_pipeline(p, registry(), {}, "x.json");
  EXPECT_EQ(r["populations"], json::parse(R"([{"name": "vote", "voters": ["synflow", "jacov", "snip"]}])"));
  EXPECT_EQ(r["proxies"].size(), 3u);
  EXPECT_EQ(nas::resolve_pipeline(r, registry(), {}, "x.json"), r);
  p["vote"] = {"synflow"};
  EXPECT_NE(error_of(p).find("/vote: expected the voting proxies, at least 2"), std::string::npos) << error_of(p);
  // The voters are the vote's option, through the older "vote" key too.
  p["vote"] = {"synflow", "snip"};
  EXPECT_EQ(nas::resolve_pipeline(p, registry(), {}, "x.json")["populations"][0]["voters"], json({"synflow", "snip"}));
  // A voter the list lacks is computed too, with its default options.
  p["vote"] = {"synflow", "nwot"};
  const json with_nwot = nas::resolve_pipeline(p, registry(), {}, "x.json");
  EXPECT_EQ(with_nwot["proxies"].size(), 4u);
  EXPECT_EQ(with_nwot["proxies"][3]["name"], "nwot");
  p.erase("vote");
  p["proxies"] = {"aznas"};
  const json a = nas::resolve_pipeline(p, registry(), {}, "x.json");
  std::vector<std::string> names;
  for (const auto& b : a["proxies"]) names.push_back(b["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"aznas_expressivity", "aznas_progressivity", "aznas_trainability", "flops"}));
  EXPECT_EQ(nas::resolve_pipeline(a, registry(), {}, "x.json"), a);
  p["proxies"] = {{{"name", "vote"}, {"voters", {"synflow"}}}};
  EXPECT_NE(error_of(p).find("voters: expected at least 2 proxy names"), std::string::npos) << error_of(p);
}

TEST(Pipeline, JsonSyntaxErrorGivesLineAndColumn) {
  try {
    nas::parse_json_text("{\n  \"seed\": 0,\n  \"run\" \"search\"\n}", "bad.json");
    FAIL();
  } catch (const nas::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.json:3:16: invalid JSON", 0), 0u) << e.what();
  }
}

}  // namespace
