// Options declared once, typed (nas/options.h): NAS_OPTION fields make the
// schema nasrun lists and resolves, and from() fills them; bounds are checked
// by resolve_options with a message stating the rule at the JSON path; and a
// plugin that declares no options loads with an empty schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "nas/errors.h"
#include "nas/options.h"
#include "nas/registry.h"
#include "test_support.h"

namespace {

using nas::json;

struct ToyOptions : nas::OptionSet<ToyOptions> {
  NAS_OPTION(int, population, 64, "individuals alive", nas::at_least(1));
  NAS_OPTION(double, prior_weight, 1.0, "weight of the prior", nas::greater_than(0));
  NAS_OPTION(double, momentum, 0.1, "BatchNorm momentum", nas::between(0, 1));
  NAS_OPTION(int, budget, 10, "at most this", nas::at_most(100));
  NAS_OPTION(std::string, dataset, "cifar10", "the dataset", nas::one_of({"cifar10", "cifar100"}));
  NAS_OPTION(bool, dedupe, true, std::string("no ") + "repeats");
  NAS_OPTION(std::string, expr, nas::required, "the expression");
  NAS_OPTION(json, extra, json::object(), "anything");
};

std::string error_of(const json& given) {
  try {
    ToyOptions::from(given, "/strategy/options");
  } catch (const nas::PipelineError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Options, SchemaListsTheFieldsInDeclarationOrderWithTypesDefaultsDocsAndBounds) {
  const nas::OptionSchema s = ToyOptions::schema();
  ASSERT_EQ(s.size(), 8u);
  const std::vector<std::string> names = {"population", "prior_weight", "momentum", "budget",
                                          "dataset",    "dedupe",       "expr",     "extra"};
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(s[i].name, names[i]);
  EXPECT_EQ(s[0].type, nas::OptionType::Int);
  EXPECT_EQ(s[0].default_value, 64);
  EXPECT_TRUE(s[0].default_value.is_number_integer());
  EXPECT_EQ(s[0].doc, "individuals alive");
  EXPECT_EQ(s[0].min, 1);
  EXPECT_FALSE(s[0].min_exclusive);
  EXPECT_TRUE(std::isinf(s[0].max));
  EXPECT_EQ(s[1].type, nas::OptionType::Double);
  EXPECT_EQ(s[1].min, 0);
  EXPECT_TRUE(s[1].min_exclusive);
  EXPECT_EQ(s[2].min, 0);
  EXPECT_EQ(s[2].max, 1);
  EXPECT_EQ(s[3].max, 100);
  EXPECT_TRUE(std::isinf(s[3].min));
  EXPECT_EQ(s[4].type, nas::OptionType::String);
  EXPECT_EQ(s[4].one_of, (std::vector<std::string>{"cifar10", "cifar100"}));
  EXPECT_EQ(s[5].type, nas::OptionType::Bool);
  EXPECT_EQ(s[5].doc, "no repeats");
  EXPECT_TRUE(s[6].default_value.is_null()) << "required";
  EXPECT_EQ(s[7].type, nas::OptionType::Json);
}

TEST(Options, FromFillsTypedFieldsWithDefaults) {
  const ToyOptions o = ToyOptions::from({{"expr", "sum(G)"}, {"population", 5}, {"dedupe", false}});
  EXPECT_EQ(o.population, 5);
  EXPECT_EQ(o.prior_weight, 1.0);
  EXPECT_EQ(o.dataset, "cifar10");
  EXPECT_FALSE(o.dedupe);
  EXPECT_EQ(o.expr, "sum(G)");
  EXPECT_EQ(o.extra, json::object());
  // A resolved object (as the registry passes it) gives the same values.
  const json resolved = nas::resolve_options(ToyOptions::schema(), {{"expr", "x"}, {"momentum", 0.5}}, "");
  EXPECT_EQ(ToyOptions::from(resolved).momentum, 0.5);
}

TEST(Options, DefaultsAndChainedSettersNeedNoJson) {
  const ToyOptions d;
  EXPECT_EQ(d.population, 64);
  EXPECT_EQ(d.dataset, "cifar10");
  const ToyOptions o = ToyOptions().set_population(5).set_dataset("cifar100");
  EXPECT_EQ(o.population, 5);
  EXPECT_EQ(o.dataset, "cifar100");
  EXPECT_EQ(o.prior_weight, 1.0);
}

TEST(Options, BoundsAreCheckedAtTheJsonPathStatingTheRule) {
  EXPECT_EQ(error_of({{"expr", "x"}, {"population", 0}}), "/strategy/options/population: must be >= 1, got 0");
  EXPECT_EQ(error_of({{"expr", "x"}, {"prior_weight", 0.0}}),
            "/strategy/options/prior_weight: must be > 0.0, got 0.0");
  EXPECT_EQ(error_of({{"expr", "x"}, {"prior_weight", -1}}), "/strategy/options/prior_weight: must be > 0.0, got -1");
  EXPECT_EQ(error_of({{"expr", "x"}, {"momentum", 1.5}}),
            "/strategy/options/momentum: must be in [0.0, 1.0], got 1.5");
  EXPECT_EQ(error_of({{"expr", "x"}, {"budget", 101}}), "/strategy/options/budget: must be <= 100, got 101");
  EXPECT_EQ(error_of({{"expr", "x"}, {"dataset", "mnist"}}),
            "/strategy/options/dataset: must be one of \"cifar10\", \"cifar100\", got \"mnist\"");
  EXPECT_EQ(error_of({{"population", 3}}), "/strategy/options/expr: missing required option (the expression)");
  EXPECT_EQ(error_of({{"expr", "x"}, {"populaton", 3}}),
            "/strategy/options/populaton: unknown key, did you mean \"population\"?");
  EXPECT_EQ(error_of({{"expr", "x"}, {"population", 3000000000LL}}),
            "/strategy/options/population: must fit in a 32-bit integer, got 3000000000");
  // The edges themselves.
  EXPECT_EQ(ToyOptions::from({{"expr", "x"}, {"population", 1}, {"budget", 100}, {"momentum", 0}}).population, 1);
  EXPECT_EQ(ToyOptions::from({{"expr", "x"}, {"prior_weight", 1e-300}}).prior_weight, 1e-300);
}

// A pipeline's top level holds several sets' keys: pick() takes a set's
// own, an optional_key left out stays out, and to_json() is what from()
// read (so resolved.json resolves to itself).
struct Blocks : nas::OptionSet<Blocks> {
  NAS_OPTION(int64_t, repeats, 1, "seeds", nas::at_least(1));
  NAS_OPTION(json, archs, nas::optional_key, "absent: drawn");
};

TEST(Options, PickOptionalKeyAndToJson) {
  const json raw = {{"repeats", 3}, {"space", "nb201"}};
  EXPECT_EQ(Blocks::pick(raw), json({{"repeats", 3}}));
  const Blocks b = Blocks::from(Blocks::pick(raw));
  EXPECT_TRUE(b.archs.is_null());
  EXPECT_EQ(b.to_json(), json({{"repeats", 3}}));
  EXPECT_EQ(Blocks::from({{"archs", {"a"}}}).to_json(), json({{"archs", {"a"}}, {"repeats", 1}}));
  const nas::OptionSchema s = Blocks::schema();
  EXPECT_FALSE(s[0].optional);
  EXPECT_TRUE(s[1].optional);
  // A value of the wrong type is shown as given: "3" reads differently from 3.
  try {
    Blocks::from({{"repeats", "3"}}, "");
    FAIL() << "expected an error";
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), "/repeats: expected an integer >= 1, got \"3\"");
  }
}

struct WarmupLike : nas::OptionSet<WarmupLike> {
  NAS_OPTION(int64_t, pool, 3, "archs", nas::greater_than(0));
  NAS_OPTION(double, p, 0.5, "prob", nas::between(0, 1));
};

// An integer option's bound prints as an integer; resolve_options (what
// run kinds use on nested blocks) checks the same bounds as from().
TEST(Options, IntegerBoundsPrintAsIntegers) {
  const nas::OptionSchema s = WarmupLike::schema();
  EXPECT_THROW(nas::resolve_options(s, {{"pool", 0}}, "/warmup"), nas::PipelineError);
  EXPECT_THROW(nas::resolve_options(s, {{"p", 1.5}}, "/warmup"), nas::PipelineError);
  try {
    nas::resolve_options(s, {{"pool", 0}}, "/warmup");
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), "/warmup/pool: must be > 0, got 0");
  }
  EXPECT_EQ(nas::resolve_options(s, {{"pool", 1}}, "/warmup")["pool"], 1);
}

TEST(Options, PluginWithoutOptionsLoadsWithAnEmptySchema) {
  const nas::Registry& r = nas_test::plugin_registry("snip");
  const nas::LoadedPlugin* snip = r.find("proxy", "snip");
  ASSERT_NE(snip, nullptr);
  EXPECT_TRUE(snip->options.empty());
  EXPECT_NE(r.make_proxy("snip", json::object(), nas::PluginContext{}, "/proxy"), nullptr);
  try {
    r.make_proxy("snip", {{"alpha", 1}}, nas::PluginContext{}, "/proxy");
    FAIL() << "expected an error";
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), "/proxy/options/alpha: unknown key (this component takes no options)");
  }
}

TEST(Options, PluginOptionSetIsItsSchemaAndListsExclusiveBounds) {
  const nas::Registry& r = nas_test::plugin_registry("tpe");
  const json plugins = nas::describe_plugins(r);
  const auto tpe = std::find_if(plugins.begin(), plugins.end(), [](const json& p) { return p["name"] == "tpe"; });
  ASSERT_NE(tpe, plugins.end());
  const json& opts = (*tpe)["options"];
  ASSERT_EQ(opts.size(), 4u);
  EXPECT_EQ(opts[0]["name"], "n_startup_trials");
  EXPECT_EQ(opts[0]["min"], 0);
  EXPECT_FALSE(opts[0].contains("max"));
  EXPECT_EQ(opts[2]["name"], "prior_weight");
  EXPECT_EQ(opts[2]["min"], 0);
  EXPECT_EQ(opts[2]["min_exclusive"], true);
  EXPECT_FALSE(opts[0].contains("min_exclusive"));
  try {
    r.make_strategy("tpe", {{"prior_weight", 0.0}}, nas::PluginContext{}, "/strategy");
    FAIL() << "expected an error";
  } catch (const nas::PipelineError& e) {
    EXPECT_EQ(std::string(e.what()), "/strategy/options/prior_weight: must be > 0.0, got 0.0");
  }
}

}  // namespace
