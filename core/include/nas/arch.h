// An architecture as the generic strategies see it: one chosen index per
// categorical dimension of its space. What the indices mean is the space's
// business; strategies only compare, copy and mutate them.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nas {

struct Arch {
  std::vector<int> choices;

  bool operator==(const Arch& o) const { return choices == o.choices; }
  bool operator!=(const Arch& o) const { return choices != o.choices; }
  bool operator<(const Arch& o) const { return choices < o.choices; }
};

/// One categorical dimension of a space: a name and its choices (by name).
struct Dimension {
  std::string name;
  std::vector<std::string> choices;
};

}  // namespace nas

template <>
struct std::hash<nas::Arch> {
  std::size_t operator()(const nas::Arch& a) const noexcept {
    std::size_t h = 1469598103934665603ull;
    for (int c : a.choices) h = (h ^ static_cast<std::size_t>(c + 1)) * 1099511628211ull;
    return h;
  }
};
