#include "nas/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas/data.h"
#include "nas/errors.h"
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
const std::vector<std::string> kCommonKeys = {"run", "seed", "device", "space", "output"};
const std::vector<std::string> kSearchKeys = {"objective", "strategy", "budget", "repeats"};
const std::vector<std::string> kScoreKeys = {"proxies", "archs", "sample", "data", "init", "on_error"};
const std::vector<std::string> kCorrelateKeys = {"metric"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

template <class T>
T get_or(const json& j, const char* key, T def) {
  return j.contains(key) ? j.at(key).get<T>() : def;
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
  std::string device = get_or<std::string>(raw, "device", "auto");
  if (!ov.device.empty()) device = ov.device;
  if (device != "auto" && device != "cpu" && device != "cuda" && device.rfind("cuda:", 0) != 0)
    throw PipelineError("/device", "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"" + device + "\"");
  out["device"] = device;
}

std::string default_output(const std::string& file) {
  const std::string stem = file.empty() ? "pipeline" : std::filesystem::path(file).stem().string();
  return "runs/" + stem;
}

json resolve_search(const json& raw, const Registry& reg, json out) {
  // objective
  json obj = raw.contains("objective") ? raw.at("objective") : json{{"kind", "tabular"}};
  check_keys(obj, {"kind", "metric"}, "/objective");
  const std::string kind = get_or<std::string>(obj, "kind", "tabular");
  if (kind != "tabular")
    throw PipelineError("/objective/kind", "\"" + kind + "\" is not an objective (available: \"tabular\")");
  out["objective"] = {{"kind", kind}, {"metric", get_or<std::string>(obj, "metric", "val_acc")}};

  // strategy: {"name", "options"}
  if (!raw.contains("strategy")) throw PipelineError("/strategy", "missing: a search needs {\"name\": \"random\"} or another strategy");
  const json& s = raw.at("strategy");
  check_keys(s, {"name", "options"}, "/strategy");
  if (!s.contains("name") || !s.at("name").is_string())
    throw PipelineError("/strategy/name", "missing: name the strategy plugin (`nasrun --list` shows them)");
  const std::string sname = s.at("name");
  const LoadedPlugin* p = nullptr;
  try {
    p = &reg.require("strategy", sname);
  } catch (const Error& e) {
    throw PipelineError("/strategy/name", e.what());
  }
  out["strategy"] = {{"name", sname},
                     {"options", resolve_options(p->options, s.value("options", json::object()), "/strategy/options")}};

  json budget = raw.contains("budget") ? raw.at("budget") : json::object();
  check_keys(budget, {"queries"}, "/budget");
  const json q = budget.value("queries", json(100));
  if (!q.is_number_integer() || q.get<int64_t>() < 1)
    throw PipelineError("/budget/queries", "expected an integer >= 1, got " + q.dump());
  out["budget"] = {{"queries", q}};

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
  for (std::size_t i = 0; i < given.size(); ++i)
    proxies.push_back(resolve_flat_plugin(given[i], reg, "proxy", "/proxies/" + std::to_string(i)));
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

  const std::string dataset = out["space"].value("dataset", "cifar10");
  json data = raw.contains("data") ? raw.at("data") : default_data_block(dataset);
  json d = resolve_options(data_options(), data, "/data");
  if (d.at("seed").get<int64_t>() < 0) d["seed"] = out["seed"];
  out["data"] = d;

  json init = raw.value("init", json::object());
  check_keys(init, {"kind", "seed"}, "/init");
  const std::string ik = get_or<std::string>(init, "kind", "torch");
  if (ik != "torch" && ik != "hash")
    throw PipelineError("/init/kind", "must be \"torch\" (LibTorch's own initialisation) or \"hash\" (the "
                                      "fixtures' deterministic weights), got \"" + ik + "\"");
  out["init"] = {{"kind", ik}, {"seed", init.value("seed", out["seed"])}};

  const std::string on_error = get_or<std::string>(raw, "on_error", "skip");
  if (on_error != "skip" && on_error != "stop")
    throw PipelineError("/on_error", "must be \"skip\" (record NaN and go on) or \"stop\", got \"" + on_error + "\"");
  out["on_error"] = on_error;

  if (correlate) out["metric"] = get_or<std::string>(raw, "metric", "val_acc");
  return out;
}

}  // namespace

json resolve_pipeline(const json& raw, const Registry& reg, const PipelineOverrides& ov, const std::string& file) {
  if (!raw.is_object()) throw PipelineError("", "a pipeline is one JSON object");
  if (raw.contains("run") && !raw.at("run").is_string())
    throw PipelineError("/run", "expected \"search\", \"score\" or \"correlate\", got " + raw.at("run").dump());
  const std::string run = raw.contains("run") ? raw.at("run").get<std::string>() : "search";
  std::vector<std::string> allowed;
  if (run == "search") allowed = concat(kCommonKeys, kSearchKeys);
  else if (run == "score") allowed = concat(kCommonKeys, kScoreKeys);
  else if (run == "correlate") allowed = concat(concat(kCommonKeys, kScoreKeys), kCorrelateKeys);
  else
    throw PipelineError("/run", "unknown run kind \"" + run + "\" (available: \"search\", \"score\", \"correlate\")");
  check_keys(raw, allowed, "");

  json out = json::object();
  out["run"] = run;
  resolve_seed_device(raw, out, ov);
  if (!raw.contains("space")) throw PipelineError("/space", "missing: e.g. {\"name\": \"nb201\", \"dataset\": \"cifar10\"}");
  out["space"] = resolve_flat_plugin(raw.at("space"), reg, "space", "/space");
  std::string output = raw.contains("output") ? raw.at("output").get<std::string>() : default_output(file);
  if (!ov.output.empty()) output = ov.output;
  out["output"] = output;

  if (run == "search") return resolve_search(raw, reg, out);
  return resolve_scoring(raw, reg, out, run == "correlate");
}

}  // namespace nas
