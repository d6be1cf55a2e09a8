#include "nas/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas/registry.h"
#include "nas/run_kind.h"

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
    // "number overflow parsing '1e400'".
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

json resolve_plugin_block(const json& block, const Registry& reg, const std::string& kind, const std::string& path) {
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

namespace {

std::string default_output(const std::string& file) {
  const std::string stem = file.empty() ? "pipeline" : std::filesystem::path(file).stem().string();
  return "runs/" + stem;
}

}  // namespace

std::string default_run_kind(const Registry& reg) {
  for (const auto& name : reg.names("run"))
    if (reg.make_run(name)->is_default()) return name;
  return "";
}

json resolve_pipeline(const json& raw, const Registry& reg, const PipelineOverrides& ov, const std::string& file) {
  if (!raw.is_object()) throw PipelineError("", "a pipeline is one JSON object");
  std::string available;
  for (const auto& n : reg.names("run")) available += (available.empty() ? "\"" : ", \"") + n + "\"";
  if (raw.contains("run") && !raw.at("run").is_string())
    throw PipelineError("/run", "expected a run kind (" + available + "), got " + raw.at("run").dump());
  const std::string run = raw.contains("run") ? raw.at("run").get<std::string>() : default_run_kind(reg);
  const LoadedPlugin* plugin = reg.find("run", run);
  if (!plugin) {
    const std::string guess = did_you_mean(run, reg.names("run"));
    throw PipelineError("/run", "unknown run kind \"" + run + "\"" + (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                                    (available.empty() ? " (no run plugins were found; check --plugin-path / NASRUN_PLUGIN_PATH)"
                                                       : " (available: " + available + ")"));
  }
  std::vector<std::string> allowed;
  for (const auto& k : PipelineKeys::schema()) allowed.push_back(k.name);
  for (const auto& k : plugin->options) allowed.push_back(k.name);
  check_keys(raw, allowed, "");

  json given = PipelineKeys::pick(raw);
  given["run"] = run;
  if (!given.contains("output")) given["output"] = default_output(file);
  if (!ov.output.empty()) given["output"] = ov.output;
  if (!ov.device.empty()) given["device"] = ov.device;
  if (ov.threads > 0) given["threads"] = ov.threads;
  if (ov.jobs > 0) given["jobs"] = ov.jobs;
  const PipelineKeys keys = PipelineKeys::from(given);
  if (keys.device != "auto" && keys.device != "cpu" && keys.device != "cuda" && keys.device.rfind("cuda:", 0) != 0)
    throw PipelineError("/device", "must be \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"" + keys.device + "\"");
  json out = keys.to_json();
  out["space"] = resolve_plugin_block(keys.space, reg, "space", "/space");
  reg.make_run(run)->resolve(raw, out, reg);
  return out;
}

json run_pipeline(const json& resolved, const RunContext& context) {
  return context.registry->make_run(resolved.at("run"))->run(resolved, context);
}

}  // namespace nas
