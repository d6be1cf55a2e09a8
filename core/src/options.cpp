#include "nas/options.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>

#include "nas/errors.h"

namespace nas {

const char* to_string(OptionType t) {
  switch (t) {
    case OptionType::Int: return "int";
    case OptionType::Double: return "double";
    case OptionType::Bool: return "bool";
    case OptionType::String: return "string";
    case OptionType::Json: return "json";
  }
  return "?";
}

static std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(key, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

static std::string type_name_of(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// NaN is in no bounds.
static bool in_bounds(const OptionSpec& spec, double x) {
  return (spec.min_exclusive ? x > spec.min : x >= spec.min) && (spec.max_exclusive ? x < spec.max : x <= spec.max);
}

// The bounds: "in [1, 10]", ">= 1", "> 0.0", "in (0.0, 1.0]". At least one
// bound is finite.
template <class Format>
static std::string bounds_text(const OptionSpec& spec, Format format) {
  const bool has_min = std::isfinite(spec.min), has_max = std::isfinite(spec.max);
  if (has_min && has_max)
    return std::string("in ") + (spec.min_exclusive ? "(" : "[") + format(spec.min) + ", " + format(spec.max) +
           (spec.max_exclusive ? ")" : "]");
  if (has_min) return std::string(spec.min_exclusive ? "> " : ">= ") + format(spec.min);
  return std::string(spec.max_exclusive ? "< " : "<= ") + format(spec.max);
}
template <class Format>
static std::string rule(const OptionSpec& spec, Format format) {
  return "must be " + bounds_text(spec, format);
}
static std::string format_int(double b) { return std::to_string(static_cast<long long>(b)); }

static json check_value(const OptionSpec& spec, const json& v, const std::string& path) {
  auto fail = [&](const std::string& why) { throw PipelineError(path, why); };
  switch (spec.type) {
    case OptionType::Int: {
      const bool bounded = std::isfinite(spec.min) || std::isfinite(spec.max);
      const auto out_of_range = [&] {
        fail((bounded ? rule(spec, format_int) : std::string("must be a 64-bit integer")) + ", got " + v.dump());
      };
      long long x = 0;
      if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::floor(d) != d) fail("expected an integer, got " + v.dump());
        // Converting a double outside [-2^63, 2^63) is undefined behaviour
        // (e.g. "pool": 1.2e22).
        const double two_63 = std::ldexp(1.0, 63);
        if (!(d >= -two_63 && d < two_63)) out_of_range();
        x = static_cast<long long>(d);
      } else if (v.is_number_unsigned()) {
        const auto u = v.get<unsigned long long>();
        if (u > static_cast<unsigned long long>(LLONG_MAX)) out_of_range();
        x = static_cast<long long>(u);
      } else if (v.is_number_integer()) {
        x = v.get<long long>();
      } else {
        // The value itself: "3" (a string) reads differently from 3.
        fail("expected an integer" + (bounded ? " " + bounds_text(spec, format_int) : std::string()) + ", got " +
             v.dump());
      }
      if (!in_bounds(spec, static_cast<double>(x))) out_of_range();
      return x;
    }
    case OptionType::Double: {
      if (!v.is_number()) fail("expected a number, got " + type_name_of(v));
      const double x = v.get<double>();
      if (!in_bounds(spec, x)) fail(rule(spec, [](double b) { return json(b).dump(); }) + ", got " + v.dump());
      return x;
    }
    case OptionType::Bool:
      if (!v.is_boolean()) fail("expected true or false, got " + type_name_of(v));
      return v;
    case OptionType::String: {
      if (!v.is_string()) fail("expected a string, got " + type_name_of(v));
      if (!spec.one_of.empty() &&
          std::find(spec.one_of.begin(), spec.one_of.end(), v.get<std::string>()) == spec.one_of.end()) {
        std::string all;
        for (const auto& c : spec.one_of) all += (all.empty() ? "" : ", ") + ("\"" + c + "\"");
        fail("must be one of " + all + ", got " + v.dump());
      }
      return v;
    }
    case OptionType::Json: return v;
  }
  return v;
}

json resolve_options(const OptionSchema& schema, const json& given, const std::string& path) {
  if (!given.is_null() && !given.is_object())
    throw PipelineError(path, "expected an object of options, got " + type_name_of(given));
  std::vector<std::string> names;
  for (const auto& s : schema) names.push_back(s.name);
  json out = json::object();
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it) {
      if (std::find(names.begin(), names.end(), it.key()) == names.end()) {
        std::string msg = "unknown key";
        const std::string guess = did_you_mean(it.key(), names);
        if (!guess.empty()) msg += ", did you mean \"" + guess + "\"?";
        else if (names.empty()) msg += " (this component takes no options)";
        else {
          std::string all;
          for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
          msg += "; options are: " + all;
        }
        throw PipelineError(path + "/" + it.key(), msg);
      }
    }
  }
  for (const auto& s : schema) {
    const std::string p = path + "/" + s.name;
    if (given.is_object() && given.contains(s.name)) {
      out[s.name] = check_value(s, given.at(s.name), p);
    } else if (s.optional) {
      continue;
    } else if (s.default_value.is_null()) {
      throw PipelineError(p, "missing required option (" + s.doc + ")");
    } else {
      out[s.name] = s.default_value;
    }
  }
  return out;
}

namespace detail {
void throw_does_not_fit(const std::string& path, const json& value, int bits) {
  throw PipelineError(path, "must fit in a " + std::to_string(bits) + "-bit integer, got " + value.dump());
}
}  // namespace detail

}  // namespace nas
