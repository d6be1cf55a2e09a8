#include "nas/progress.h"

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "nas/run_kind.h"

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

namespace {

std::string duration_text(double seconds) {
  const long long s = static_cast<long long>(seconds + 0.5);
  if (s < 120) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string((s + 30) / 60) + " min";
  const long long minutes = (s + 30) / 60;
  return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

}  // namespace

std::string rate_and_eta(long long done, long long total, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? done / elapsed_seconds : 0;
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  if (done > 0 && rate < 1)
    os << elapsed_seconds / done << " s each";
  else
    os << rate << "/s";
  if (rate > 0 && done < total) os << ", ETA " << duration_text((total - done) / rate);
  return os.str();
}

std::string Progress::line(long long done, const std::string& detail) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::ostringstream os;
  os << what_ << " " << done << "/" << total_;
  if (!detail.empty()) os << ", " << detail;
  os << ", " << rate_and_eta(done, total_, elapsed);
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
