// Scaffolding the GoogleTest suites share: plugins loaded from the build's
// plugin folder as nasrun loads them, and small helpers around networks,
// arch strings and errors. Header-only (each tests/test_*.cpp is its own
// executable; CMake globs only test_*.cpp, so this header is no test).
#pragma once
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nas/device.h"
#include "nas/errors.h"
#include "nas/network.h"
#include "nas/pipeline.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "temp_root.h"

namespace nas_test {

/// The shipped benchmark data (data/ of the source tree).
inline const std::string kDataDir = std::string(NASRUN_SOURCE_DIR) + "/data";

/// The devices a device-parametrised suite runs on: the CPU, and the GPU
/// where LibTorch sees one (resolved as the scorer does, so TF32 is off).
/// The GPU script (tools/gpu/build_and_test.sh) runs the "cuda" cases.
inline std::vector<c10::Device> devices() {
  std::vector<c10::Device> d{c10::Device(c10::kCPU)};
  if (torch::cuda::is_available()) d.push_back(nas::resolve_device("cuda"));
  return d;
}

/// Every plugin of the build, scanned once per executable.
inline const nas::Registry& all_plugins() {
  static const nas::Registry r = [] {
    nas::Registry reg;
    reg.scan({NASRUN_PLUGIN_DIR});
    return reg;
  }();
  return r;
}

/// Resolves `raw` as nasrun does on the CPU, with every plugin of the build.
/// run_on_cpu then runs it quietly in its "output" folder (a fresh one, or
/// with `resume` the one already there) and returns run_pipeline's result.
inline nas::json resolve_on_cpu(const nas::json& raw) {
  return nas::resolve_pipeline(raw, all_plugins(), {"", "cpu"}, "x.json");
}
inline nas::json run_on_cpu(const nas::json& raw, bool resume = false) {
  const nas::json resolved = resolve_on_cpu(raw);
  nas::RunDir dir(resolved.at("output"), resolved, resume, !resume);
  nas::RunContext ctx{&all_plugins(), &dir, nas::Verbosity::Quiet};
  return nas::run_pipeline(resolved, ctx);
}

/// The build's nas_<name>.so alone in a registry, loaded once per executable.
inline const nas::Registry& plugin_registry(const std::string& name) {
  static std::map<std::string, nas::Registry> loaded;
  const auto [it, fresh] = loaded.try_emplace(name);
  if (fresh) it->second.add(std::string(NASRUN_PLUGIN_DIR) + "/nas_" + name + ".so");
  return it->second;
}

/// The space plugin `name` made from `options` as a pipeline's "/space" block makes it.
inline std::shared_ptr<nas::SearchSpace> make_space(const std::string& name, const nas::json& options) {
  return plugin_registry(name).make_space(name, options, nas::PluginContext{}, "/space");
}

/// make_space(name, options), made once per executable and kept.
inline const nas::SearchSpace& cached_space(const std::string& name, const nas::json& options) {
  static std::map<std::pair<std::string, std::string>, std::shared_ptr<nas::SearchSpace>> spaces;
  auto& s = spaces[{name, options.dump()}];
  if (!s) s = make_space(name, options);
  return *s;
}

inline int64_t count_parameters(torch::nn::Module& net) {
  int64_t n = 0;
  for (const auto& p : net.parameters()) n += p.numel();
  return n;
}

/// FLOPs the hooks count for one eval-mode 1x3xRxR forward.
inline double counted_flops(nas::Network& net, int resolution = 32) {
  torch::NoGradGuard no_grad;
  net.eval();
  double flops = 0;
  net.hooks.flops = &flops;
  net.forward(torch::randn({1, 3, resolution, resolution}));
  net.hooks.flops = nullptr;
  return flops;
}

/// What a network's hooks see: attach() points them at this object, which
/// must outlive every forward made after it.
struct HookCounts {
  int relus = 0, layers = 0;
  std::vector<int64_t> feature_shape;

  void attach(nas::Network& net) {
    net.hooks.relu_input = [this](const torch::Tensor&) { ++relus; };
    net.hooks.layer_output = [this](torch::nn::Module&, const torch::Tensor& y) {
      ++layers;
      return y;
    };
    net.hooks.features = [this](const torch::Tensor& f) { feature_shape = f.sizes().vec(); };
  }
};

/// The nas::Error message `make` throws, or "" when it throws none.
template <class F>
std::string error_of(F make) {
  try {
    make();
  } catch (const nas::Error& e) {
    return e.what();
  }
  return "";
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// `net` on a random [2, 3, 32, 32] batch (a built network is in train
/// mode). Its time is bench_spaces' business, not a test's.
inline torch::Tensor random_forward(nas::Network& net) { return net.forward(torch::randn({2, 3, 32, 32})); }

/// The integer in environment variable `env` (e.g. NASRUN_NB101_TABLE_STRIDE), else `fallback`.
inline std::size_t table_stride(const char* env, std::size_t fallback) {
  const char* value = std::getenv(env);
  return value ? std::stoul(value) : fallback;
}

/// Each (text, problem) case must fail to parse with a one-line nas::ArchError
/// "bad <label> arch '<text>': ..." that contains `problem`.
inline void expect_parse_errors(const nas::SearchSpace& space, const std::string& label,
                                const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [text, problem] : cases) {
    try {
      space.parse(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const nas::ArchError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind("bad " + label + " arch '" + text + "': ", 0), 0u) << msg;
      EXPECT_NE(msg.find(problem), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
}

}  // namespace nas_test
