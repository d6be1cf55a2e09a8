// Declared options: every option a component takes is one line with its
// name, type, default and doc. The core fills defaults from this schema,
// rejects unknown keys by JSON path with a did-you-mean, checks types and
// ranges, and prints it for `nasrun --list`.
//
// A plugin declares its options once, typed, as LibTorch's TORCH_ARG structs:
//
//   struct Options : nas::OptionSet<Options> {
//     NAS_OPTION(int, population, 64, "individuals alive", nas::at_least(1));
//     NAS_OPTION(double, prior_weight, 1.0, "prior weight", nas::greater_than(0));
//     NAS_OPTION(std::string, expr, nas::required, "the expression");
//     NAS_OPTION(nas::json, voters, nas::optional_key, "absent: the owner's choice");
//   };
//
// Options::schema() is the OptionSchema (declaration order), Options::from(json)
// the checked, typed values (opts.population is an int), and
// Options().set_population(5) a chained setter for tests. The same structs
// declare a pipeline's own keys (the host's, each run kind's and their
// nested blocks), so `nasrun --list` and the code read one declaration.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace nas {

using json = nlohmann::json;

enum class OptionType { Int, Double, Bool, String, Json };

/// The values an option accepts: numeric bounds (Int/Double), each inclusive
/// unless marked exclusive, or a list of strings (String). The default
/// accepts anything of the option's type.
struct OptionBounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  std::vector<std::string> one_of;
};

/// x >= lo
inline OptionBounds at_least(double lo) {
  OptionBounds b;
  b.min = lo;
  return b;
}
/// x <= hi
inline OptionBounds at_most(double hi) {
  OptionBounds b;
  b.max = hi;
  return b;
}
/// lo <= x <= hi
inline OptionBounds between(double lo, double hi) {
  OptionBounds b = at_least(lo);
  b.max = hi;
  return b;
}
/// x > lo
inline OptionBounds greater_than(double lo) {
  OptionBounds b = at_least(lo);
  b.min_exclusive = true;
  return b;
}
/// One of these strings.
inline OptionBounds one_of(std::vector<std::string> choices) {
  OptionBounds b;
  b.one_of = std::move(choices);
  return b;
}

struct OptionSpec {
  std::string name;
  OptionType type;
  json default_value;  // null = required
  std::string doc;
  double min = -std::numeric_limits<double>::infinity();  // Int/Double only
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> one_of;  // String only; empty = any
  bool min_exclusive = false;       // x > min rather than x >= min
  bool max_exclusive = false;       // x < max rather than x <= max
  bool optional = false;            // Json only: may be absent, and stays absent when resolved

  OptionSpec& bounds(OptionBounds b) {
    min = b.min;
    max = b.max;
    min_exclusive = b.min_exclusive;
    max_exclusive = b.max_exclusive;
    one_of = std::move(b.one_of);
    return *this;
  }
};

using OptionSchema = std::vector<OptionSpec>;

const char* to_string(OptionType t);

/// Fills defaults and validates `given` against `schema`. Throws
/// PipelineError naming `path + "/" + key` for an unknown key (with a
/// did-you-mean), a wrong type, a value out of range, or a missing required
/// option. Returns the resolved object (every option present).
json resolve_options(const OptionSchema& schema, const json& given, const std::string& path);

/// The closest candidate by edit distance, or "" when nothing is close.
std::string did_you_mean(const std::string& key, const std::vector<std::string>& candidates);

/// The default of an option that must be given (NAS_OPTION's default).
struct RequiredOption {};
inline constexpr RequiredOption required{};

/// The default of a json option that may be left out: resolution leaves it
/// out, and its owner says (in the doc) and decides in one place what that
/// means. For a value that depends on other keys, e.g. data drawn for the
/// space's dataset.
struct OptionalKey {};
inline constexpr OptionalKey optional_key{};

namespace detail {

template <class T>
constexpr OptionType option_type_of() {
  if constexpr (std::is_same_v<T, bool>) return OptionType::Bool;
  else if constexpr (std::is_integral_v<T>) return OptionType::Int;
  else if constexpr (std::is_floating_point_v<T>) return OptionType::Double;
  else if constexpr (std::is_same_v<T, std::string>) return OptionType::String;
  else {
    static_assert(std::is_same_v<T, json>, "an option is an integer, a floating point, bool, std::string or nas::json");
    return OptionType::Json;
  }
}

/// The field's initial value: the default, or T{} for a required option.
template <class T, class D>
T initial_value(const D& def) {
  if constexpr (std::is_same_v<D, RequiredOption> || std::is_same_v<D, OptionalKey>) return T{};
  else return T(def);
}

template <class T, class D>
OptionSpec option_spec(std::string name, const D& def, std::string doc, OptionBounds bounds = {}) {
  json default_value;  // null = required
  if constexpr (std::is_same_v<D, OptionalKey>)
    static_assert(std::is_same_v<T, json>, "only a json option may be optional_key");
  else if constexpr (!std::is_same_v<D, RequiredOption>)
    default_value = T(def);
  OptionSpec spec{std::move(name), option_type_of<T>(), std::move(default_value), std::move(doc)};
  spec.bounds(std::move(bounds));
  spec.optional = std::is_same_v<D, OptionalKey>;
  return spec;
}

/// `value` (checked against its spec) as a T; throws PipelineError at `path`
/// for an integer that does not fit in T.
[[noreturn]] void throw_does_not_fit(const std::string& path, const json& value, int bits);
template <class T>
T option_value(const json& value, const std::string& path) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const long long x = value.get<long long>();
    if (static_cast<long long>(static_cast<T>(x)) != x || (x < 0) != (static_cast<T>(x) < 0))
      throw_does_not_fit(path, value, static_cast<int>(8 * sizeof(T)));
    return static_cast<T>(x);
  } else {
    return value.get<T>();
  }
}

}  // namespace detail

/// Base of a typed options struct (CRTP): its NAS_OPTION fields make its
/// schema and are filled by from(). See the top of this file.
template <class Derived>
class OptionSet {
 public:
  /// The options in declaration order, as a plugin's options() returns them.
  static OptionSchema schema() {
    OptionSchema out;
    for (const auto& f : fields()) out.push_back(f.spec);
    return out;
  }

  /// `given` resolved against schema() (defaults filled; unknown keys, wrong
  /// types and values out of bounds are PipelineErrors at `path` + "/" +
  /// key) as typed values. Resolved options pass through unchanged.
  static Derived from(const json& given, const std::string& path = "") {
    const json resolved = resolve_options(schema(), given, path);
    Derived out;
    for (const auto& f : fields())
      if (resolved.contains(f.spec.name)) f.read(out, resolved.at(f.spec.name), path + "/" + f.spec.name);
    return out;
  }

  /// The keys of `object` this set declares: a pipeline's top level holds
  /// the keys of several sets (the host has rejected any other).
  static json pick(const json& object) {
    json out = json::object();
    for (const auto& f : fields())
      if (object.contains(f.spec.name)) out[f.spec.name] = object.at(f.spec.name);
    return out;
  }

  /// The values as resolved JSON (an absent optional_key left out), for
  /// resolved.json.
  json to_json() const {
    json out = json::object();
    for (const auto& f : fields()) f.write(static_cast<const Derived&>(*this), out);
    return out;
  }

 protected:
  using OptionSetSelf = Derived;

  /// One per NAS_OPTION field: adds it to fields() during static
  /// initialisation, in declaration order.
  template <class T>
  struct Registrar {
    Registrar(T Derived::*member, OptionSpec spec) {
      const std::string name = spec.name;
      fields().push_back({std::move(spec),
                          [member](Derived& d, const json& v, const std::string& path) {
                            d.*member = detail::option_value<T>(v, path);
                          },
                          [member, name](const Derived& d, json& out) {
                            const json v = d.*member;
                            if (!v.is_null()) out[name] = v;
                          }});
    }
  };

 private:
  struct Field {
    OptionSpec spec;
    std::function<void(Derived&, const json&, const std::string&)> read;
    std::function<void(const Derived&, json&)> write;
  };
  static std::vector<Field>& fields() {
    static std::vector<Field> f;
    return f;
  }
};

}  // namespace nas

#define NAS_OPTION_FIRST_(first, ...) first

/// NAS_OPTION(type, name, default, doc[, bounds]) inside an OptionSet: the
/// field `type name` (= default; nas::required for an option without one),
/// its chained setter set_name(value), and its OptionSpec.
#define NAS_OPTION(type, name, ...)                                                                    \
  type name = ::nas::detail::initial_value<type>(NAS_OPTION_FIRST_(__VA_ARGS__, ~));                  \
  OptionSetSelf& set_##name(type value) {                                                              \
    name = std::move(value);                                                                           \
    return static_cast<OptionSetSelf&>(*this);                                                         \
  }                                                                                                    \
  static inline const Registrar<type> name##_option_registrar_ {                                       \
    &OptionSetSelf::name, ::nas::detail::option_spec<type>(#name, __VA_ARGS__)                         \
  }
