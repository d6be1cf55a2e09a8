// Progress people can read. On a terminal: one live line, redrawn in place
// at most a few times a second. Anywhere else (CI, a pipe, a batch job):
// a plain line every `interval` seconds and at the end, with no control
// characters. Quiet prints nothing.
#pragma once
#include <chrono>
#include <string>

namespace nas {

enum class Verbosity;

class Progress {
 public:
  Progress(std::string what, long long total, Verbosity verbosity, double interval_seconds = 10.0);
  ~Progress();

  /// `done` of `total` finished; `detail` is appended (e.g. "best 91.2").
  void update(long long done, const std::string& detail = "");
  /// Ends a live line (a newline on a terminal).
  void finish();

 private:
  std::string line(long long done, const std::string& detail) const;

  std::string what_;
  long long total_;
  bool enabled_, tty_, open_ = false;
  double interval_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace nas
