// Declared options: every option a component takes is one line with its
// name, type, default and doc. The core fills defaults from this schema,
// rejects unknown keys by JSON path with a did-you-mean, checks types and
// ranges, and prints it for `nasrun --list`.
#pragma once
#include <nlohmann/json.hpp>

#include <limits>
#include <string>
#include <vector>

namespace nas {

using json = nlohmann::json;

enum class OptionType { Int, Double, Bool, String, Json };

struct OptionSpec {
  std::string name;
  OptionType type;
  json default_value;  // null = required
  std::string doc;
  double min = -std::numeric_limits<double>::infinity();  // Int/Double only
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> one_of;  // String only; empty = any

  OptionSpec& range(double lo, double hi) { min = lo; max = hi; return *this; }
  OptionSpec& choices(std::vector<std::string> c) { one_of = std::move(c); return *this; }
};

using OptionSchema = std::vector<OptionSpec>;

inline OptionSpec int_option(std::string name, long long def, std::string doc) {
  return {std::move(name), OptionType::Int, def, std::move(doc)};
}
inline OptionSpec double_option(std::string name, double def, std::string doc) {
  return {std::move(name), OptionType::Double, def, std::move(doc)};
}
inline OptionSpec bool_option(std::string name, bool def, std::string doc) {
  return {std::move(name), OptionType::Bool, def, std::move(doc)};
}
inline OptionSpec string_option(std::string name, std::string def, std::string doc) {
  return {std::move(name), OptionType::String, std::move(def), std::move(doc)};
}
inline OptionSpec json_option(std::string name, json def, std::string doc) {
  return {std::move(name), OptionType::Json, std::move(def), std::move(doc)};
}

const char* to_string(OptionType t);

/// Fills defaults and validates `given` against `schema`. Throws
/// PipelineError naming `path + "/" + key` for an unknown key (with a
/// did-you-mean), a wrong type, a value out of range, or a missing required
/// option. Returns the resolved object (every option present).
json resolve_options(const OptionSchema& schema, const json& given, const std::string& path);

/// The closest candidate by edit distance, or "" when nothing is close.
std::string did_you_mean(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace nas
