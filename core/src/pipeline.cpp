#include "nas/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas/data.h"
#include "nas/errors.h"
#include "nas/meta_model.h"
#include "nas/proxy_expr.h"
#include "nas/proxy_source.h"
#include "nas/runs.h"
#include "nas/registry.h"

namespace nas {

json parse_json_text(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into line:column.
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') ++line, col = 1;
      else ++col;
    }
    std::string what = e.what();
    const auto pos = what.find("syntax error");
    if (pos != std::string::npos) what = what.substr(pos);
    throw Error(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + what);
  } catch (const json::exception& e) {
    // Not a syntax error but a value JSON cannot hold, e.g. out_of_range.406
    // "number overflow parsing '1e400'" (found by tests/fuzz/fuzz_pipeline).
    throw Error(file + ": invalid JSON: " + e.what());
  }
}

json read_pipeline_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open pipeline file");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = parse_json_text(ss.str(), path);
  if (!j.is_object()) throw Error(path + ": a pipeline is one JSON object ({...})");
  return j;
}

void check_keys(const json& object, const std::vector<std::string>& allowed, const std::string& path) {
  if (!object.is_object()) throw PipelineError(path, "expected an object");
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string msg = "unknown key";
    const std::string guess = did_you_mean(it.key(), allowed);
    if (!guess.empty()) {
      msg += ", did you mean \"" + guess + "\"?";
    } else {
      std::string all;
      for (const auto& a : allowed) all += (all.empty() ? "" : ", ") + a;
      msg += "; allowed here: " + all;
    }
    throw PipelineError(path + "/" + it.key(), msg);
  }
}

namespace {

// Top-level keys by run kind.
const std::vector<std::string> kCommonKeys = {"run", "seed", "device", "threads", "space", "output"};
const std::vector<std::string> kContextKeys = {"data", "init", "cache"};
const std::vector<std::string> kSearchKeys = {"objective", "strategy", "budget", "repeats"};
const std::vector<std::string> kCompareKeys = {"objective", "strategies", "budget", "repeats"};
const std::vector<std::string> kScoreKeys = {"proxies", "archs", "sample", "on_error", "vote"};
const std::vector<std::string> kCorrelateKeys = {"metric"};
const std::vector<std::string> kFitMetaKeys = {"proxies", "source", "encoding", "metric", "train", "test", "model"};
const std::vector<std::string> kEvolveKeys = {"metric", "search", "holdout", "evolution", "leaves", "seed_expressions",
                                              "top", "transfer"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `j[key]` as a T, or `def` when absent; a value of another type is a
// PipelineError at `path` (found by tests/fuzz/fuzz_pipeline: it escaped as
// json::type_error, naming no path).
template <class T>
T get_or(const json& j, const char* key, T def, const std::string& path) {
  if (!j.contains(key)) return def;
  const json& v = j.at(key);
  if (v.type() != json(def).type())
    throw PipelineError(path, std::string("expected a ") + json(def).type_name() + ", got " + v.dump());
  return v.get<T>();
}

// A plugin block written flat: {"name": ..., <options>}.
json resolve_flat_plugin(const json& block, const Registry& reg, const std::string& kind, const std::string& path) {
  json b = block.is_string() ? json{{"name", block}} : block;
  if (!b.is_object()) throw PipelineError(path, "expected {\"name\": ..., options...} or a name string");
  if (!b.contains("name") || !b.at("name").is_string())
    throw PipelineError(path + "/name", "missing: name the " + kind + " plugin (`nasrun --list` shows them)");
  const std::string name = b.at("name");
  const LoadedPlugin* p = nullptr;
  try {
    p = &reg.require(kind, name);
  } catch (const Error& e) {
    throw PipelineError(path + "/name", e.what());
  }
  json opts = b;
  opts.erase("name");
  json out = resolve_options(p->options, opts, path);
  out["name"] = name;
  return out;
}

json expect_type(const json& raw, const char* key, const std::string& path, json::value_t t, const char* what) {
  const json& v = raw.at(key);
  const bool ok = v.type() == t || (t == json::value_t::number_unsigned && v.is_number_integer() && v.get<int64_t>() >= 0);
  if (!ok) throw PipelineError(path + "/" + key, std::string("expected ") + what + ", got " + v.dump());
  return v;
}

void resolve_seed_device(const json& raw, json& out, const PipelineOverrides& ov) {
  out["seed"] = 0;
  if (raw.contains("seed")) out["seed"] = expect_type(raw, "seed", "", json::value_t::number_unsigned, "an integer >= 0");
  std::string device = get_or<std::string>(raw, "device", "auto", "/device");
  if (!ov.device.empty()) device = ov.device;
  if (device != "auto" && device != "cpu" && device != "cuda" && device.rfind("cuda:", 0) != 0)
    throw PipelineError("/device", "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"" + device + "\"");
  out["device"] = device;
  // Threads change how fast, not what: a resume may use another count.
  json threads = raw.value("threads", json(0));
  if (ov.threads > 0) threads = ov.threads;
  if (!threads.is_number_integer() || threads.get<int64_t>() < 0 || threads.get<int64_t>() > 4096)
    throw PipelineError("/threads", "expected LibTorch intra-op threads per process, an integer in [0, 4096] (0: the "
                                    "cores of this process's CPU affinity divided among the processes on the node), got " +
                                        threads.dump());
  out["threads"] = threads;
}

std::string default_output(const std::string& file) {
  const std::string stem = file.empty() ? "pipeline" : std::filesystem::path(file).stem().string();
  return "runs/" + stem;
}

// data/init/cache: how networks are scored wherever a proxy is computed.
void resolve_scoring_context(const json& raw, json& out) {
  const std::string dataset = out["space"].value("dataset", "cifar10");
  json data = raw.contains("data") ? raw.at("data") : default_data_block(dataset);
  json d = resolve_options(data_options(), data, "/data");
  if (d.at("seed").get<int64_t>() < 0) d["seed"] = out["seed"];
  out["data"] = d;

  json init = raw.value("init", json::object());
  check_keys(init, {"kind", "seed"}, "/init");
  const std::string ik = get_or<std::string>(init, "kind", "torch", "/init/kind");
  if (ik != "torch" && ik != "hash")
    throw PipelineError("/init/kind", "must be \"torch\" (LibTorch's own initialisation) or \"hash\" (the "
                                      "fixtures' deterministic weights), got \"" + ik + "\"");
  out["init"] = {{"kind", ik}, {"seed", init.value("seed", out["seed"])}};
  const json cache = raw.value("cache", json(true));
  if (!cache.is_boolean()) throw PipelineError("/cache", "expected true or false, got " + cache.dump());
  out["cache"] = cache;
}

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

json resolve_search(const json& raw, const Registry& reg, json out) {
  const bool compare = out["run"] == "compare";
  resolve_scoring_context(raw, out);

  json obj = raw.contains("objective") ? raw.at("objective") : json{{"kind", "tabular"}};
  if (!obj.is_object()) throw PipelineError("/objective", "expected {\"kind\": \"tabular\", \"metric\": \"val_acc\"}");
  const std::string kind = get_or<std::string>(obj, "kind", "tabular", "/objective/kind");
  if (kind == "tabular") {
    check_keys(obj, {"kind", "metric"}, "/objective");
    out["objective"] = {{"kind", kind}, {"metric", get_or<std::string>(obj, "metric", "val_acc", "/objective/metric")}};
  } else if (kind == "proxy") {
    json rest = obj;
    rest.erase("kind");
    out["objective"] = resolve_proxy_ref(rest, reg, {}, "/objective");
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

json resolve_scoring(const json& raw, const Registry& reg, json out, bool correlate) {
  if (!raw.contains("proxies") || !raw.at("proxies").is_array() || raw.at("proxies").empty())
    throw PipelineError("/proxies", "expected a non-empty list of proxy names, e.g. [\"synflow\", \"jacov\"]");
  json proxies = json::array();
  const json& given = raw.at("proxies");
  // "vote" in the list, as people write it, resolves to the "vote" key;
  // that key is read back too, so a resolved pipeline (resolved.json, a
  // resume) resolves to itself.
  const json kVoters = {"synflow", "jacov", "snip"};
  bool vote = false;
  if (raw.contains("vote")) {
    if (raw.at("vote") != kVoters)
      throw PipelineError("/vote", "the only vote is [\"synflow\", \"jacov\", \"snip\"] (or write \"vote\" in "
                                   "\"proxies\"), got " + raw.at("vote").dump());
    vote = true;
  }
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (given[i] == "vote") {  // a set-level score over other proxies, not a plugin (see votes.h)
      vote = true;
      continue;
    }
    proxies.push_back(resolve_flat_plugin(given[i], reg, "proxy", "/proxies/" + std::to_string(i)));
  }
  if (vote) {
    for (const char* needed : {"synflow", "jacov", "snip"})
      if (std::none_of(proxies.begin(), proxies.end(), [&](const json& p) { return p.at("name") == needed; }))
        throw PipelineError("/proxies", std::string("\"vote\" is the majority vote of synflow, jacov and snip; "
                                                    "add \"") + needed + "\" to the list");
    out["vote"] = kVoters;
  }
  out["proxies"] = proxies;

  if (raw.contains("archs") && raw.contains("sample"))
    throw PipelineError("/sample", "give either \"archs\" or \"sample\", not both");
  if (raw.contains("archs")) {
    const json& a = raw.at("archs");
    if (!a.is_array() || a.empty() || !std::all_of(a.begin(), a.end(), [](const json& x) { return x.is_string(); }))
      throw PipelineError("/archs", "expected a non-empty list of architecture strings");
    out["archs"] = a;
  } else {
    const json s = raw.value("sample", json(100));
    if (!(s.is_number_integer() && s.get<int64_t>() >= 1) && s != json("all"))
      throw PipelineError("/sample", "expected a number of archs >= 1 or \"all\", got " + s.dump());
    out["sample"] = s;
  }

  resolve_scoring_context(raw, out);

  const std::string on_error = get_or<std::string>(raw, "on_error", "skip", "/on_error");
  if (on_error != "skip" && on_error != "stop")
    throw PipelineError("/on_error", "must be \"skip\" (record NaN and go on) or \"stop\", got \"" + on_error + "\"");
  out["on_error"] = on_error;

  if (correlate) out["metric"] = get_or<std::string>(raw, "metric", "val_acc", "/metric");
  return out;
}

// fit_meta: base proxies (plugins, or published names), encoding, label,
// train/test sizes and the XGBoost parameters (meta_model.h).
json resolve_fit_meta(const json& raw, const Registry& reg, json out) {
  const std::string source = get_or<std::string>(raw, "source", "compute", "/source");
  if (source != "compute" && source != "nbsz")
    throw PipelineError("/source", "must be \"compute\" (score the networks) or \"nbsz\" (the published "
                                   "NAS-Bench-Suite-Zero scores), got \"" + source + "\"");
  out["source"] = source;
  const json& given = raw.contains("proxies") ? raw.at("proxies") : json();
  if (!given.is_array() || given.empty())
    throw PipelineError("/proxies", "expected a non-empty list of proxy names, e.g. [\"synflow\", \"jacov\"]");
  json proxies = json::array();
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string path = "/proxies/" + std::to_string(i);
    // Published scores have no options: a name, or {"name"} as resolved.json writes it.
    const json name_only = given[i].is_object() && given[i].size() == 1 ? given[i].value("name", json()) : given[i];
    if (source == "nbsz" && !name_only.is_string())
      throw PipelineError(path, "published scores take no options: give the proxy's name");
    json p = source == "nbsz" ? json{{"name", name_only}} : resolve_flat_plugin(given[i], reg, "proxy", path);
    for (const auto& q : proxies)
      if (q.at("name") == p.at("name")) throw PipelineError(path, "proxy \"" + q.at("name").get<std::string>() + "\" is listed twice");
    proxies.push_back(p);
  }
  out["proxies"] = proxies;

  // "none", one name, or a list of names; resolved to a list.
  json enc = raw.value("encoding", json("none"));
  if (enc.is_string()) enc = enc == "none" ? json::array() : json::array({enc});
  if (!enc.is_array()) throw PipelineError("/encoding", "expected \"none\", an encoding name or a list of them");
  for (std::size_t i = 0; i < enc.size(); ++i)
    if (!enc[i].is_string() || !find_encoding(enc[i].get<std::string>())) {
      const std::string name = enc[i].is_string() ? enc[i].get<std::string>() : enc[i].dump();
      const std::string guess = did_you_mean(name, encoding_names());
      std::string all = "none";
      for (const auto& e : encoding_names()) all += ", " + e;
      throw PipelineError("/encoding" + std::string(raw.at("encoding").is_array() ? "/" + std::to_string(i) : ""),
                          "unknown encoding \"" + name + "\"" + (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                              " (available: " + all + ")");
    }
  out["encoding"] = enc;
  out["metric"] = get_or<std::string>(raw, "metric", "val_acc", "/metric");

  for (const char* part : {"train", "test"}) {
    const std::string path = std::string("/") + part;
    const json block = raw.value(part, json::object());
    check_keys(block, {"sample"}, path);
    const json s = block.value("sample", part == std::string("train") ? json(400) : json("rest"));
    const bool ok = (s.is_number_integer() && s.get<int64_t>() >= 2) || (part == std::string("test") && s == "rest");
    if (!ok)
      throw PipelineError(path + "/sample", std::string("expected a number of archs >= 2") +
                                                (part == std::string("test") ? " or \"rest\"" : "") + ", got " + s.dump());
    out[part] = {{"sample", s}};
  }
  out["model"] = resolve_options(meta_model_options(), raw.value("model", json::object()), "/model");

  if (source == "compute") {
    resolve_scoring_context(raw, out);
  } else {
    for (const auto& key : kContextKeys)
      if (raw.contains(key))
        throw PipelineError(std::string("/") + key, "published scores are not computed, so \"" + std::string(key) +
                                                        "\" has no effect with \"source\": \"nbsz\"; remove it");
  }
  return out;
}

// evolve_proxy: labelled sets, GP settings, leaves and seed expressions
// (evolve_proxy.cpp, nas/proxy_expr.h).
json resolve_evolve_proxy(const json& raw, json out) {
  out["metric"] = get_or<std::string>(raw, "metric", "val_acc", "/metric");
  for (const char* part : {"search", "holdout"}) {
    const std::string path = std::string("/") + part;
    const bool search = part == std::string("search");
    const json block = raw.value(part, json::object());
    check_keys(block, {"sample"}, path);
    const json s = block.value("sample", search ? json(150) : json(1000));
    const bool ok = (s.is_number_integer() && s.get<int64_t>() >= (search ? 10 : 2)) || (!search && s == "rest");
    if (!ok)
      throw PipelineError(path + "/sample", std::string("expected a number of archs >= ") + (search ? "10" : "2") +
                                                (search ? "" : " or \"rest\"") + ", got " + s.dump());
    out[part] = {{"sample", s}};
  }
  out["evolution"] = resolve_options(evolve_options(), raw.value("evolution", json::object()), "/evolution");

  const auto& all = expr::leaf_names();
  json leaves = raw.value("leaves", json(all));
  if (!leaves.is_array() || leaves.empty())
    throw PipelineError("/leaves", "expected a non-empty list of leaves out of W, G, A, dA, J, K");
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const std::string name = leaves[i].is_string() ? leaves[i].get<std::string>() : leaves[i].dump();
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      const std::string guess = did_you_mean(name, all);
      throw PipelineError("/leaves/" + std::to_string(i), "unknown leaf \"" + name + "\"" +
                                                           (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                                                           " (leaves: W, G, A, dA, J, K)");
    }
  }
  out["leaves"] = leaves;
  const std::vector<std::string> allowed = leaves.get<std::vector<std::string>>();

  // Seeds: by default the hand-made proxies the leaves can express, and size.
  json seeds = json::array();
  if (raw.contains("seed_expressions")) {
    const json& given = raw.at("seed_expressions");
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
    for (const auto& text : default_seed_expressions()) {
      const auto used = expr::leaves_of(expr::parse(text));
      if (std::all_of(used.begin(), used.end(),
                      [&](const std::string& l) { return std::find(allowed.begin(), allowed.end(), l) != allowed.end(); }))
        seeds.push_back(text);
    }
  }
  out["seed_expressions"] = seeds;
  const json top = raw.value("top", json(5));
  if (!top.is_number_integer() || top.get<int64_t>() < 1)
    throw PipelineError("/top", "expected how many of the best expressions to judge on the held-out archs (>= 1), got " + top.dump());
  out["top"] = top;

  const json transfer = raw.value("transfer", json::array());
  if (!transfer.is_array() || !std::all_of(transfer.begin(), transfer.end(), [](const json& t) { return t.is_object() && !t.empty(); }))
    throw PipelineError("/transfer", "expected a list of space option overrides, e.g. [{\"dataset\": \"cifar100\"}]");
  out["transfer"] = transfer;

  if (raw.contains("cache"))
    throw PipelineError("/cache", "evolve_proxy keeps its probes in memory and caches no scores; remove \"cache\"");
  resolve_scoring_context(raw, out);
  out.erase("cache");
  return out;
}

}  // namespace

json resolve_pipeline(const json& raw, const Registry& reg, const PipelineOverrides& ov, const std::string& file) {
  if (!raw.is_object()) throw PipelineError("", "a pipeline is one JSON object");
  if (raw.contains("run") && !raw.at("run").is_string())
    throw PipelineError("/run", "expected \"search\", \"compare\", \"score\", \"correlate\", \"fit_meta\" or \"evolve_proxy\", got " +
                                    raw.at("run").dump());
  const std::string run = raw.contains("run") ? raw.at("run").get<std::string>() : "search";
  std::vector<std::string> allowed;
  const auto common = concat(kCommonKeys, kContextKeys);
  if (run == "search") allowed = concat(common, kSearchKeys);
  else if (run == "compare") allowed = concat(common, kCompareKeys);
  else if (run == "score") allowed = concat(common, kScoreKeys);
  else if (run == "correlate") allowed = concat(concat(common, kScoreKeys), kCorrelateKeys);
  else if (run == "fit_meta") allowed = concat(common, kFitMetaKeys);
  else if (run == "evolve_proxy") allowed = concat(common, kEvolveKeys);
  else
    throw PipelineError("/run", "unknown run kind \"" + run +
                                    "\" (available: \"search\", \"compare\", \"score\", \"correlate\", \"fit_meta\", \"evolve_proxy\")");
  check_keys(raw, allowed, "");

  json out = json::object();
  out["run"] = run;
  resolve_seed_device(raw, out, ov);
  if (!raw.contains("space")) throw PipelineError("/space", "missing: e.g. {\"name\": \"nb201\", \"dataset\": \"cifar10\"}");
  out["space"] = resolve_flat_plugin(raw.at("space"), reg, "space", "/space");
  std::string output = get_or<std::string>(raw, "output", default_output(file), "/output");
  if (!ov.output.empty()) output = ov.output;
  out["output"] = output;

  if (run == "search" || run == "compare") return resolve_search(raw, reg, out);
  if (run == "fit_meta") return resolve_fit_meta(raw, reg, out);
  if (run == "evolve_proxy") return resolve_evolve_proxy(raw, out);
  return resolve_scoring(raw, reg, out, run == "correlate");
}

}  // namespace nas
