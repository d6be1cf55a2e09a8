// Scores architectures with a set of proxies: builds the network once per
// arch, initialises it (LibTorch's init under a per-arch seed, or the
// fixtures' hash), and lets every proxy read one shared Probes context.
// Runs reach it through an Evaluator (nas/evaluation.h), which adds the
// score cache; bench_proxies uses it bare.
#pragma once
#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <vector>

#include "nas/device.h"
#include "nas/probes.h"
#include "nas/proxy.h"
#include "nas/space.h"

namespace nas {

struct NamedProxy {
  std::string name;
  std::shared_ptr<Proxy> proxy;
};

struct ArchScores {
  std::vector<double> scores;         // per proxy, NaN/inf as computed
  std::vector<double> seconds;        // per proxy: its own work, after the shared part
  double shared_seconds = 0;          // building the network and the passes the proxies share
  std::vector<std::string> errors;    // per proxy, "" when it ran
  std::string note;                   // e.g. a CUDA out-of-memory retry on the CPU
  bool cached = false;                // every score came from the score cache (Evaluator)
};

class Scorer {
 public:
  Scorer(const SearchSpace& space, std::vector<NamedProxy> proxies, Batch batch, InitSpec init, c10::Device device);

  /// Scores one arch. A proxy that throws gets NaN and its message in
  /// errors (the caller decides whether to stop). When CUDA runs out of
  /// memory on an arch, that arch is scored again on the CPU (same values,
  /// within the fixtures' tolerances) and `note` says so. The reference
  /// instead splits the batch, which changes BatchNorm statistics and so
  /// the scores themselves.
  ArchScores score(const Arch& arch) const;

  const std::vector<NamedProxy>& proxies() const { return proxies_; }

 private:
  ArchScores score_on(const Arch& arch, c10::Device device, const Batch& batch) const;

  const SearchSpace& space_;
  std::vector<NamedProxy> proxies_;
  Batch batch_;
  InitSpec init_;
  c10::Device device_;
  ProbeSet needs_ = 0;
};

}  // namespace nas
