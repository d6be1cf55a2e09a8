// The one way every run scores archs with computed proxies (score and
// correlate, a search's warmup, move proposal and proxy objective, the
// meta-proxy's features): built once from a resolved pipeline's device,
// data, init and cache blocks and a list of resolved proxy blocks, it holds
// the proxies, the batch, the Scorer and one score cache per proxy.
#pragma once
#include <c10/core/Device.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nas/options.h"
#include "nas/score_cache.h"
#include "nas/scorer.h"

namespace nas {

class Registry;

/// The score-cache context of a resolved proxy block ({"name", options})
/// under `scoring` (a resolved pipeline's space, init and data blocks) on
/// `device`: everything a score depends on (CUDA scores apart from CPU ones).
json score_cache_context(const json& proxy, const json& scoring, const Registry& registry, c10::Device device);

class Evaluator {
 public:
  /// `scoring`: a resolved pipeline, or any object with its "space", "data",
  /// "init" blocks, "seed" (default 0) and "cache" (default true).
  /// `proxies`: resolved proxy blocks; `paths[i]` is the JSON path errors
  /// about proxy i name.
  /// `write_cache` false: the score cache is read but not written (an MPI
  /// worker's; rank 0 remembers what the workers computed).
  Evaluator(const json& scoring, const json& proxies, const std::vector<std::string>& paths, const SearchSpace& space,
            const Registry& registry, c10::Device device, bool write_cache = true);

  /// Every proxy's score of `arch`: from the score cache when every proxy is
  /// there (`cached`, no network built), else computed on one network and
  /// the scores that did not fail put in the cache. Safe to call from
  /// several threads at once (`nasrun --jobs`): each computes its own arch.
  ArchScores score(const Arch& arch);

  /// Puts scores computed elsewhere (by another process) in the cache.
  void remember(const Arch& arch, const std::vector<double>& scores, const std::vector<std::string>& errors);

  const std::vector<NamedProxy>& proxies() const { return scorer_->proxies(); }
  c10::Device device() const { return device_; }
  /// Wall seconds spent computing (not reading the cache), by every thread.
  double seconds() const;

 private:
  const SearchSpace& space_;
  c10::Device device_;
  std::unique_ptr<Scorer> scorer_;
  mutable std::mutex mutex_;  // the caches and seconds_; the Scorer needs none
  std::vector<std::unique_ptr<ScoreCache>> caches_;
  double seconds_ = 0;
};

/// Where a search gets one proxy's scores from (warmup, move proposal, the
/// proxy objective): computed through an Evaluator, published, or a learned
/// model (libnasruns' make_proxy_source builds them).
class ProxySource {
 public:
  virtual ~ProxySource() = default;
  /// The score of `arch`; NaN/inf as computed or published (missing = NaN).
  virtual double score(const Arch& arch) = 0;
  /// The scores of archs compared with each other (a warmup pool, a move
  /// proposal's candidates). A per-arch proxy scores each alone; a
  /// population proxy (nas/population.h) scores them as a set.
  virtual std::vector<double> score_set(const std::vector<Arch>& archs) {
    std::vector<double> out;
    for (const Arch& a : archs) out.push_back(score(a));
    return out;
  }
  /// e.g. "synflow (computed)".
  virtual std::string describe() const = 0;
  /// Wall seconds spent computing scores on the calling thread so far: a
  /// search's units may run on several threads at once (`jobs`), each
  /// timing its own warmup and queries by the difference.
  double seconds() const;

 protected:
  /// Adds `seconds` to the calling thread's.
  void spent(double seconds);
  /// `evaluator.score(arch)`, its computing time (not a cache read) spent.
  ArchScores timed_score(Evaluator& evaluator, const Arch& arch);

 private:
  mutable std::mutex seconds_mutex_;
  std::map<std::thread::id, double> seconds_;
};

/// Paths "<list_path>/0", "<list_path>/1", ... for `n` proxies of a list.
std::vector<std::string> list_paths(const std::string& list_path, std::size_t n);

}  // namespace nas
