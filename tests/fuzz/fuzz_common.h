// Shared by the libFuzzer targets: the registry of the real plugins built in
// this tree, and the one rule every target checks. Bad input may only ever
// end in nas::Error (one line naming the fault); anything else -- another
// exception, a crash, a sanitizer report, a hang -- is a bug and aborts.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "nas/errors.h"
#include "nas/registry.h"

namespace nas_fuzz {

/// The registry over the build tree's plugin folder (NASRUN_PLUGIN_DIR), or
/// NASRUN_PLUGIN_PATH when set. Aborts when `needed_kind` has no plugin, so a
/// broken build never fuzzes nothing.
inline const nas::Registry& registry(const char* needed_kind) {
  static const nas::Registry reg = [] {
    nas::Registry r;
    const char* env = std::getenv("NASRUN_PLUGIN_PATH");
    r.scan(env && *env ? nas::plugin_search_path({}) : std::vector<std::string>{NASRUN_PLUGIN_DIR});
    for (const std::string& line : r.refusals()) std::fprintf(stderr, "fuzz: plugin refused: %s\n", line.c_str());
    return r;
  }();
  if (reg.names(needed_kind).empty()) {
    std::fprintf(stderr, "fuzz: no %s plugin found in %s; build the plugins first\n", needed_kind,
                 NASRUN_PLUGIN_DIR);
    std::abort();
  }
  return reg;
}

[[noreturn]] inline void fail(const std::string& what, const std::string& input) {
  std::fprintf(stderr, "fuzz: %s\ninput: %s\n", what.c_str(), input.c_str());
  std::abort();
}

/// Runs `body`; nas::Error is the clean refusal, anything else aborts.
template <class Body>
void expect_clean(const std::string& input, Body&& body) {
  try {
    body();
  } catch (const nas::Error&) {
    // A refusal with a message: what bad input must get.
  } catch (const std::exception& e) {
    fail(std::string("escaped as a non-nas::Error exception: ") + e.what(), input);
  } catch (...) {
    fail("escaped as a non-std::exception", input);
  }
}

}  // namespace nas_fuzz
