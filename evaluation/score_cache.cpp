#include "nas/score_cache.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

#include "nas/init.h"
#include "nas/run_dir.h"

namespace nas {
namespace fs = std::filesystem;

std::string default_cache_dir() {
  if (const char* d = std::getenv("NASRUN_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME")) return (fs::path(x) / "nasrun/scores").string();
  if (const char* h = std::getenv("HOME")) return (fs::path(h) / ".cache/nasrun/scores").string();
  return ".nasrun-cache";
}


ScoreCache::ScoreCache(const json& context, std::string dir, bool writable) {
  if (dir.empty()) dir = default_cache_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ostringstream name;
  name << std::hex << std::setw(16) << std::setfill('0') << fnv1a64(context.dump()) << ".jsonl";
  path_ = (fs::path(dir) / name.str()).string();
  std::ifstream in(path_);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    try {
      const json j = json::parse(line);
      if (first) {
        first = false;
        if (j.value("context", json()) != context) break;  // a hash collision: ignore the file
        continue;
      }
      scores_[j.at("arch").get<std::string>()] = number_from_json(j.at("score"));
    } catch (const std::exception&) {
      break;  // a torn last line
    }
  }
  if (!writable) return;
  const bool fresh = !fs::exists(path_, ec) || fs::file_size(path_, ec) == 0;
  out_ = std::fopen(path_.c_str(), "ab");
  if (out_ && fresh) {
    const std::string head = json{{"context", context}}.dump() + "\n";
    std::fwrite(head.data(), 1, head.size(), out_);
    std::fflush(out_);
  }
}

ScoreCache::~ScoreCache() {
  if (out_) std::fclose(out_);
}

std::optional<double> ScoreCache::get(const std::string& arch_id) const {
  auto it = scores_.find(arch_id);
  if (it == scores_.end()) return std::nullopt;
  return it->second;
}

void ScoreCache::put(const std::string& arch_id, double score) {
  if (!scores_.emplace(arch_id, score).second) return;
  if (!out_) return;  // an unwritable cache folder only costs recomputation
  const std::string line = json{{"arch", arch_id}, {"score", finite_or_string(score)}}.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace nas
