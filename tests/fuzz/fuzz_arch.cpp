// libFuzzer target: architecture strings through every space plugin found
// (nb201, and nb101 / darts when built). For each space:
//  - parse(text) either throws nas::Error or returns a valid arch whose
//    canonical string parses back to the same arch and is a fixed point;
//  - the input's bytes read as a choice vector (out-of-range values
//    included) are either reported invalid or round-trip through
//    to_string()/parse().
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.h"
#include "nas/plugin.h"

namespace {

std::vector<std::pair<std::string, std::shared_ptr<nas::SearchSpace>>> make_spaces() {
  const nas::Registry& reg = nas_fuzz::registry("space");
  std::vector<std::pair<std::string, std::shared_ptr<nas::SearchSpace>>> spaces;
  for (const std::string& name : reg.names("space")) {
    // No tabular benchmark: parsing needs none, and loading one per space
    // would only slow start-up. Spaces without that option get defaults.
    std::shared_ptr<nas::SearchSpace> space;
    try {
      space = reg.make_space(name, nas::json{{"benchmark", "none"}}, {}, "/space");
    } catch (const nas::Error&) {
      space = reg.make_space(name, nas::json::object(), {}, "/space");
    }
    std::fprintf(stderr, "fuzz: space %s (%zu dimensions)\n", name.c_str(), space->dimensions().size());
    spaces.emplace_back(name, std::move(space));
  }
  return spaces;
}

const std::vector<std::pair<std::string, std::shared_ptr<nas::SearchSpace>>>& spaces() {
  static const auto s = make_spaces();
  return s;
}

void round_trip(const std::string& space_name, const nas::SearchSpace& space, const nas::Arch& arch,
                const std::string& input) {
  const std::string why = space.invalid_reason(arch);
  if (!why.empty()) nas_fuzz::fail(space_name + ": parse() returned an invalid arch: " + why, input);
  const std::string canonical = space.to_string(arch);
  nas::Arch back;
  try {
    back = space.parse(canonical);
  } catch (const nas::Error& e) {
    nas_fuzz::fail(space_name + ": the canonical string '" + canonical + "' does not parse: " + e.what(), input);
  }
  // A space whose identity is its string has one choice vector per arch:
  // parsing gives it back. One with several per network (NB101: the op of a
  // pruned vertex, an edge to nowhere) gives its canonical vector, the same
  // network.
  const bool one_vector_per_arch = space.identity(arch) == canonical;
  if (one_vector_per_arch ? back != arch : space.identity(back) != space.identity(arch))
    nas_fuzz::fail(space_name + ": '" + canonical + "' parses to another arch", input);
  if (space.to_string(back) != canonical)
    nas_fuzz::fail(space_name + ": the canonical string is not a fixed point: '" + canonical + "'", input);
  (void)space.identity(arch);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spaces();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& entry : spaces()) {
    const std::string& name = entry.first;  // (a structured binding cannot be captured in C++17)
    const nas::SearchSpace& space = *entry.second;
    // 1. The text as an arch string.
    nas_fuzz::expect_clean(text, [&] { round_trip(name, space, space.parse(text), text); });

    // 2. The bytes as a choice vector: one signed byte per dimension (so
    //    negative and out-of-range choices occur), length as given.
    const std::size_t dims = space.dimensions().size();
    if (size > 4 * dims + 4) continue;
    nas::Arch arch;
    for (std::size_t i = 0; i < size; ++i) arch.choices.push_back(static_cast<int8_t>(data[i]));
    nas_fuzz::expect_clean(text, [&] {
      if (space.is_valid(arch)) round_trip(name, space, arch, text);
    });
  }
  return 0;
}
