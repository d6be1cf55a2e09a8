// The in-process executor: units one after another on the calling thread,
// or `jobs` at once on threads of their own, accepted in unit order on the
// calling thread as soon as the results before them are in.
//
// Why threads and not only MPI ranks: a GPU scoring one NB201 arch at a time
// waits on its host thread's kernel launches (batch 64, 16-64 channels: each
// kernel is tiny), and on the CPU one arch rarely keeps every intra-op
// thread busy. Several archs at once, each job on its own CUDA stream,
// overlap both, in one process and one copy of the space and the batch.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "nas/executor.h"
#include "nas/interrupt.h"

namespace nas {

namespace {

class LocalExecutor : public Executor {
 public:
  LocalExecutor(int jobs, JobScope scope)
      : jobs_(std::max(1, jobs)), scope_(std::move(scope)), computed_(static_cast<std::size_t>(jobs_), 0) {}

  bool is_writer() const override { return true; }
  int processes() const override { return 1; }
  int jobs() const override { return jobs_; }
  std::string describe() const override { return jobs_ == 1 ? "1 process" : std::to_string(jobs_) + " jobs"; }
  std::vector<int64_t> units_per_worker() const override { return jobs_ > 1 ? computed_ : std::vector<int64_t>{}; }

  void map(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) override {
    if (jobs_ == 1) {
      for (std::size_t u : units) {
        if (stop_requested()) return;
        accept(u, compute(u));
      }
      return;
    }
    map_on_jobs(units, compute, accept);
  }

 private:
  // What the jobs and the accepting thread share, under `mutex`.
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0;                    // the next position of `units` to hand out
    bool stop = false;                       // hand out no more
    std::map<std::size_t, std::string> done;  // computed, not yet accepted, by position
    std::exception_ptr failure;              // the first (lowest position) unit that threw
    std::size_t failed_at = 0;
    int running = 0;                         // jobs still in their loop
  };

  void run_job(int job, const std::vector<std::size_t>& units, const Compute& compute, State& s) {
    std::shared_ptr<void> scope;
    try {
      if (scope_) scope = scope_();
    } catch (...) {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (!s.failure) s.failure = std::current_exception(), s.failed_at = 0;
      s.stop = true;
    }
    for (;;) {
      std::size_t pos = 0;
      {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (stop_requested()) s.stop = true;
        if (s.stop || s.next == units.size()) break;
        pos = s.next++;
      }
      try {
        std::string result = compute(units[pos]);
        std::lock_guard<std::mutex> lock(s.mutex);
        s.done.emplace(pos, std::move(result));
        ++computed_[static_cast<std::size_t>(job)];
      } catch (...) {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (!s.failure || pos < s.failed_at) s.failure = std::current_exception(), s.failed_at = pos;
        s.stop = true;  // as one thread would: nothing after a failed unit is handed out
      }
      s.changed.notify_all();
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    --s.running;
    s.changed.notify_all();
  }

  void map_on_jobs(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) {
    State s;
    const int n_jobs = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(jobs_), units.size()));
    s.running = n_jobs;
    std::vector<std::thread> threads;
    // Joined on every way out, an exception from `accept` included.
    struct Joiner {
      State& s;
      std::vector<std::thread>& threads;
      ~Joiner() {
        {
          std::lock_guard<std::mutex> lock(s.mutex);
          s.stop = true;
        }
        for (auto& t : threads)
          if (t.joinable()) t.join();
      }
    } joiner{s, threads};
    for (int j = 0; j < n_jobs; ++j)
      threads.emplace_back([this, j, &units, &compute, &s] { run_job(j, units, compute, s); });

    std::unique_lock<std::mutex> lock(s.mutex);
    for (std::size_t pos = 0; pos < units.size(); ++pos) {
      s.changed.wait(lock, [&] { return s.done.count(pos) || (s.failure && s.failed_at <= pos) || s.running == 0; });
      auto it = s.done.find(pos);
      if (it == s.done.end()) break;  // this unit failed, or was never handed out (stopped)
      std::string result = std::move(it->second);
      s.done.erase(it);
      lock.unlock();
      accept(units[pos], result);
      lock.lock();
    }
    s.stop = true;
    const std::exception_ptr failure = s.failure;
    lock.unlock();
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
  }

  int jobs_;
  JobScope scope_;
  std::vector<int64_t> computed_;  // per job, over every map
};

}  // namespace

std::unique_ptr<Executor> local_executor(int jobs, JobScope scope) {
  return std::make_unique<LocalExecutor>(jobs, std::move(scope));
}

}  // namespace nas
