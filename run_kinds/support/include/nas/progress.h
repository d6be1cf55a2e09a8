// Progress people can read. On a terminal: one live line, redrawn in place
// at most a few times a second. Anywhere else (CI, a pipe, a batch job):
// a plain line every `interval` seconds and at the end, with no control
// characters. Quiet prints nothing.
#pragma once
#include <chrono>
#include <string>

namespace nas {

enum class Verbosity;

/// "2.5/s, ETA 40 s" for fast work; slow work (under one a second, as
/// scoring big networks on a CPU is) gives seconds each instead of "0.0/s",
/// and an ETA over two minutes reads in minutes or hours ("31.2 s each, ETA
/// 1 h 14 min"). No ETA once done == total or before anything is done.
std::string rate_and_eta(long long done, long long total, double elapsed_seconds);

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
