#include "nas/progress.h"

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "nas/runs.h"

namespace nas {

Progress::Progress(std::string what, long long total, Verbosity verbosity, double interval_seconds)
    : what_(std::move(what)),
      total_(total),
      enabled_(verbosity != Verbosity::Quiet),
      tty_(::isatty(STDERR_FILENO) == 1),
      interval_(tty_ ? 0.2 : interval_seconds),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() { finish(); }

std::string Progress::line(long long done, const std::string& detail) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  os << what_ << " " << done << "/" << total_;
  if (!detail.empty()) os << ", " << detail;
  os << ", " << rate << "/s";
  if (rate > 0 && done < total_) os << ", ETA " << static_cast<long long>((total_ - done) / rate) << " s";
  return os.str();
}

void Progress::update(long long done, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_) return;
  last_ = now;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line(done, detail).c_str());
    open_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line(done, detail).c_str());
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (open_) std::fputc('\n', stderr);
  open_ = false;
}

}  // namespace nas
