// A run directory: resolved.json, append-only JSON-lines logs flushed one
// complete line at a time, and summaries written to a temporary file and
// renamed, so a killed run never leaves a half-written file behind.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "nas/options.h"

namespace nas {

class RunDir {
 public:
  /// Opens `path` for a run of `resolved`. A folder that already holds a
  /// run is refused unless `resume` (continue it; its resolved.json must
  /// equal `resolved`, else the differing key is named) or `overwrite`.
  RunDir(std::string path, const json& resolved, bool resume, bool overwrite);
  ~RunDir();

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;

  /// Complete lines of a JSON-lines file already in the folder; a torn last
  /// line (a kill mid-write) is dropped and truncated away.
  std::vector<json> read_lines(const std::string& name);

  /// Appends one line and flushes it to the OS.
  void append_line(const std::string& name, const json& line);

  /// Writes `name` atomically (temporary file + rename).
  void write_json(const std::string& name, const json& value);
  void write_text(const std::string& name, const std::string& text);

 private:
  std::string path_;
  std::vector<std::pair<std::string, std::FILE*>> open_;
};

/// The first JSON path where a and b differ ("" when equal).
std::string first_difference(const json& a, const json& b, const std::string& path = "");

/// A double as JSON: NaN and +-inf become the strings "nan", "inf", "-inf"
/// (JSON has no such numbers; pandas reads these strings back).
json finite_or_string(double v);

/// The inverse of finite_or_string, for every log and cache read back: a
/// number, or "nan" / "inf" / "-inf"; anything else (null, a missing value)
/// is NaN.
double number_from_json(const json& v);

/// Formats a double for CSV: shortest round-trip, or nan / inf / -inf.
std::string format_double(double v);

}  // namespace nas
