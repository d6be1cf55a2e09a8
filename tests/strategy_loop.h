// The ask/tell loop the strategy tests drive a strategy with (header-only;
// CMake globs only test_*.cpp).
#pragma once
#include <optional>
#include <vector>

#include "nas/strategy.h"

namespace nas_test {

/// Asks up to n archs, telling each its objective; stops at nullopt.
template <class Objective>
std::vector<nas::Arch> ask_and_tell(nas::Strategy& s, int n, Objective objective) {
  std::vector<nas::Arch> asked;
  for (int i = 0; i < n; ++i) {
    std::optional<nas::Arch> a = s.ask();
    if (!a) break;
    asked.push_back(*a);
    s.tell(*a, objective(*a));
  }
  return asked;
}

}  // namespace nas_test
