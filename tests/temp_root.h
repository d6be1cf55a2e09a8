// One temporary folder per test executable, removed when it ends, so that a
// test run leaves nothing in /tmp. Apart from test_support.h because the
// suites that only start nasrun as a process need it without LibTorch.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>

namespace nas_test {

/// The executable's folder for its run folders; `suite` names it (the first
/// call's name wins). Removed at exit, also when a test failed.
inline const std::filesystem::path& temp_root(const std::string& suite) {
  static const struct Root {
    std::filesystem::path path;
    ~Root() {
      std::error_code ec;  // never throw from a static's destructor
      std::filesystem::remove_all(path, ec);
    }
  } root{std::filesystem::temp_directory_path() / ("nasrun_test_" + suite + "_" + std::to_string(::getpid()))};
  return root.path;
}

/// A fresh, empty folder `name` under the executable's temp_root.
inline std::filesystem::path fresh_temp_dir(const std::string& suite, const std::string& name) {
  const std::filesystem::path d = temp_root(suite) / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace nas_test
