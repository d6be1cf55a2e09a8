// Generic defaults of SearchSpace: sampling, neighbours and mutation over
// categorical dimensions, so a space only overrides them where validity
// needs more than one dimension at a time.
#include "nas/space.h"

#include "nas/errors.h"

namespace nas {

std::string SearchSpace::invalid_reason(const Arch& arch) const {
  const auto& dims = dimensions();
  if (arch.choices.size() != dims.size())
    return "expected " + std::to_string(dims.size()) + " choices, got " + std::to_string(arch.choices.size());
  for (std::size_t d = 0; d < dims.size(); ++d) {
    const int c = arch.choices[d];
    if (c < 0 || c >= static_cast<int>(dims[d].choices.size()))
      return "choice " + std::to_string(c) + " of dimension '" + dims[d].name + "' is out of range [0, " +
             std::to_string(dims[d].choices.size()) + ")";
  }
  return "";
}

Arch SearchSpace::sample(Rng& rng) const {
  const auto& dims = dimensions();
  for (int attempt = 0; attempt < 100000; ++attempt) {
    Arch a;
    a.choices.reserve(dims.size());
    for (const auto& d : dims) a.choices.push_back(static_cast<int>(rng.below(d.choices.size())));
    if (is_valid(a)) return a;
  }
  throw Error("could not sample a valid architecture in 100000 attempts; the space's validity rule is too strict");
}

std::vector<Arch> SearchSpace::neighbours(const Arch& arch) const {
  const auto& dims = dimensions();
  std::vector<Arch> out;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    for (int c = 0; c < static_cast<int>(dims[d].choices.size()); ++c) {
      if (c == arch.choices[d]) continue;
      Arch n = arch;
      n.choices[d] = c;
      if (is_valid(n)) out.push_back(std::move(n));
    }
  }
  return out;
}

Arch SearchSpace::mutate(const Arch& arch, Rng& rng) const {
  auto n = neighbours(arch);
  if (n.empty()) throw Error("architecture " + to_string(arch) + " has no valid neighbour");
  return n[rng.below(n.size())];
}

Arch SearchSpace::arch_at(int64_t index) const {
  throw Error("this space has no benchmark index (asked for index " + std::to_string(index) + ")");
}

}  // namespace nas
