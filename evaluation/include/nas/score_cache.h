// Proxy scores computed once are kept on disk and reused by later runs that
// ask for the same thing: same space (and options), proxy (and options and
// plugin version), init, data and seed. One JSON-lines file per such
// context under $NASRUN_CACHE_DIR (default ~/.cache/nasrun/scores), its
// first line the context itself, then {"arch": identity, "score": ...}.
#pragma once
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>

#include "nas/options.h"

namespace nas {

class ScoreCache {
 public:
  /// An empty `dir` means the default folder. A cache that is not
  /// `writable` reads the file and keeps new scores in memory only (the
  /// workers of an MPI job: rank 0 alone writes).
  ScoreCache(const json& context, std::string dir = "", bool writable = true);
  ~ScoreCache();
  ScoreCache(const ScoreCache&) = delete;
  ScoreCache& operator=(const ScoreCache&) = delete;

  std::optional<double> get(const std::string& arch_id) const;
  void put(const std::string& arch_id, double score);
  const std::string& path() const { return path_; }
  std::size_t size() const { return scores_.size(); }

 private:
  std::string path_;
  std::unordered_map<std::string, double> scores_;
  std::FILE* out_ = nullptr;
};

std::string default_cache_dir();

}  // namespace nas
