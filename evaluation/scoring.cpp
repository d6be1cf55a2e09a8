#include "nas/scorer.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "nas/errors.h"
#include "nas/init.h"
#include "nas/network.h"

namespace nas {

Scorer::Scorer(const SearchSpace& space, std::vector<NamedProxy> proxies, Batch batch, InitSpec init,
               c10::Device device)
    : space_(space), proxies_(std::move(proxies)), batch_(std::move(batch)), init_(std::move(init)), device_(device) {
  for (const auto& p : proxies_) {
    needs_ |= p.proxy->needs();
    if ((p.proxy->needs() & kLabels) && !batch_.labelled())
      throw Error("proxy '" + p.name + "' needs labels but the data has none; use labelled data");
  }
}

namespace {

bool out_of_memory(const std::string& message) { return message.find("out of memory") != std::string::npos; }

// A network's default initialisation draws from LibTorch's one global
// generator, seeded per arch: jobs scoring archs at once (nasrun --jobs)
// take turns to seed and build, so each arch gets its own weights whatever
// the others do.
std::mutex& global_generator_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

ArchScores Scorer::score(const Arch& arch) const {
  if (!device_.is_cuda()) return score_on(arch, device_, batch_);
  // Out of memory can come from a proxy (caught per proxy) or from moving
  // the network itself onto the device (thrown): either way the arch is
  // scored again on the CPU and the run goes on.
  try {
    ArchScores out = score_on(arch, device_, batch_);
    if (std::none_of(out.errors.begin(), out.errors.end(), out_of_memory)) return out;
  } catch (const std::exception& e) {
    if (!out_of_memory(e.what())) throw;
  }
  Batch cpu_batch = batch_;
  cpu_batch.inputs = batch_.inputs.cpu();
  cpu_batch.targets = batch_.targets.defined() ? batch_.targets.cpu() : batch_.targets;
  ArchScores out = score_on(arch, c10::Device(c10::kCPU), cpu_batch);
  out.note = "CUDA out of memory; scored on the CPU instead";
  return out;
}

ArchScores Scorer::score_on(const Arch& arch, c10::Device device, const Batch& batch) const {
  // The per-arch seed depends only on (init seed, arch), so an arch gets the
  // same weights in any run, order or process.
  const uint64_t arch_seed = derive_seed(init_.seed, fnv1a64(space_.identity(arch)));
  const BuildOptions build{batch.num_classes};
  auto make = [&, this] {
    std::shared_ptr<Network> net;
    {
      std::lock_guard<std::mutex> lock(global_generator_mutex());
      net = space_.build(arch, build);
    }
    net->to(device);
    net->train();
    return net;
  };
  const auto t_shared = std::chrono::steady_clock::now();
  std::shared_ptr<Network> net;
  {
    std::lock_guard<std::mutex> lock(global_generator_mutex());
    torch::manual_seed(arch_seed);
    net = space_.build(arch, build);
  }
  if (init_.kind == "hash") hash_init(*net, init_.seed);
  net->to(device);
  net->train();

  Probes probes(net, batch, make, init_);
  probes.plan(needs_);
  ArchScores out;
  try {
    probes.record_planned();
  } catch (const std::exception&) {
    // Each proxy that reads the shared probes meets the error itself below.
  }
  out.shared_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_shared).count();
  for (const auto& p : proxies_) {
    const auto t0 = std::chrono::steady_clock::now();
    double s = std::numeric_limits<double>::quiet_NaN();
    std::string error;
    try {
      s = p.proxy->score(probes);
    } catch (const std::exception& e) {
      error = e.what();
      const auto nl = error.find('\n');  // LibTorch messages carry a backtrace
      if (nl != std::string::npos) error = error.substr(0, nl);
    }
    out.scores.push_back(s);
    out.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    out.errors.push_back(error);
  }
  return out;
}

}  // namespace nas
