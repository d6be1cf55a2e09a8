#include "nas/interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace nas {

namespace {
std::atomic<bool> g_stop{false};

extern "C" void on_signal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

}  // namespace nas
