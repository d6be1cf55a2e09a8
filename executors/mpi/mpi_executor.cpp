// libnasmpi: the Executor of an MPI job (nas/executor.h), opened by nasrun
// only when an MPI launcher (mpirun, srun) started it, so a plain nasrun
// never loads MPI. Rank 0 is the writer: it hands units out on demand (an
// NB201 arch costs 0.1 s to 5 s, so no static split), two in flight per
// worker so none waits for its next, computes units itself between
// messages, and accepts results in unit order through a reorder buffer.
// What crosses the network: unit numbers and result bytes (JSON text).
#include <mpi.h>

#include <boost/dll/alias.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"

namespace {

constexpr int kWorkTag = 1;    // writer -> worker: int64 unit position, -1 = this map is done
constexpr int kResultTag = 2;  // worker -> writer: int64 position, uint8 ok, then the result or the error text
constexpr int kInFlightPerWorker = 2;

class MpiExecutor : public nas::Executor {
 public:
  MpiExecutor(int* argc, char*** argv) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    computed_.assign(static_cast<std::size_t>(size_), 0);
  }
  ~MpiExecutor() override {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
  }

  bool is_writer() const override { return rank_ == 0; }
  int processes() const override { return size_; }
  std::string describe() const override { return std::to_string(size_) + " MPI ranks"; }
  std::vector<int64_t> units_per_worker() const override { return rank_ == 0 ? computed_ : std::vector<int64_t>{}; }
  void abandon(int exit_code) override {
    if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  }

  std::string share(const std::string& message) override {
    uint64_t size = rank_ == 0 ? message.size() : 0;
    MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    std::string out = rank_ == 0 ? message : std::string(size, '\0');
    // MPI counts are int: a leaf set of a few hundred archs can pass 2 GB.
    constexpr uint64_t kChunk = uint64_t{1} << 30;
    for (uint64_t at = 0; at < size; at += kChunk)
      MPI_Bcast(&out[at], static_cast<int>(std::min(kChunk, size - at)), MPI_BYTE, 0, MPI_COMM_WORLD);
    return out;
  }

  void map(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) override {
    if (rank_ == 0) lead(units, compute, accept);
    else serve(compute);
  }

 private:
  // A worker: compute what the writer sends until it says the map is done.
  void serve(const Compute& compute) {
    for (;;) {
      int64_t msg[2];
      MPI_Recv(msg, 2, MPI_INT64_T, 0, kWorkTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const int64_t pos = msg[0], unit = msg[1];
      if (pos < 0) return;
      std::string body;
      uint8_t ok = 1;
      try {
        body = compute(static_cast<std::size_t>(unit));
      } catch (const std::exception& e) {
        ok = 0;
        body = "rank " + std::to_string(rank_) + ": " + e.what();
      }
      std::string packet(sizeof pos + 1, '\0');
      std::memcpy(&packet[0], &pos, sizeof pos);
      packet[sizeof pos] = static_cast<char>(ok);
      packet += body;
      MPI_Send(packet.data(), static_cast<int>(packet.size()), MPI_BYTE, 0, kResultTag, MPI_COMM_WORLD);
    }
  }

  void lead(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) {
    const std::size_t n = units.size();
    std::size_t next = 0;      // the next position to hand out
    std::size_t accepted = 0;  // positions accepted, in order
    bool failed = false;
    std::exception_ptr failure;
    std::map<std::size_t, std::string> ready;  // results waiting for the ones before them
    const auto can_hand_out = [&] { return !failed && next < n && !nas::stop_requested(); };
    const auto send = [&](int worker, int64_t pos) {
      const int64_t msg[2] = {pos, pos < 0 ? -1 : static_cast<int64_t>(units[static_cast<std::size_t>(pos)])};
      MPI_Send(msg, 2, MPI_INT64_T, worker, kWorkTag, MPI_COMM_WORLD);
    };
    const auto give = [&](int worker) {
      if (can_hand_out()) send(worker, static_cast<int64_t>(next++));
    };
    const auto fail = [&](std::exception_ptr e) {
      if (!failed) failure = e;
      failed = true;
    };
    const auto flush = [&] {
      while (!failed && ready.count(accepted)) {
        try {
          accept(units[accepted], ready[accepted]);
        } catch (...) {
          fail(std::current_exception());
          return;
        }
        ready.erase(accepted++);
      }
    };
    // Takes one result (waiting for it when `block`); false when none came.
    const auto receive = [&](bool block) {
      int flag = 1;
      MPI_Status st;
      if (block) MPI_Probe(MPI_ANY_SOURCE, kResultTag, MPI_COMM_WORLD, &st);
      else MPI_Iprobe(MPI_ANY_SOURCE, kResultTag, MPI_COMM_WORLD, &flag, &st);
      if (!flag) return false;
      int bytes = 0;
      MPI_Get_count(&st, MPI_BYTE, &bytes);
      std::string packet(static_cast<std::size_t>(bytes), '\0');
      MPI_Recv(&packet[0], bytes, MPI_BYTE, st.MPI_SOURCE, kResultTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      int64_t pos = 0;
      std::memcpy(&pos, packet.data(), sizeof pos);
      std::string body = packet.substr(sizeof pos + 1);
      if (packet[sizeof pos] == 0) fail(std::make_exception_ptr(nas::Error(body)));
      ready[static_cast<std::size_t>(pos)] = std::move(body);
      ++computed_[static_cast<std::size_t>(st.MPI_SOURCE)];
      give(st.MPI_SOURCE);
      return true;
    };
    for (int round = 0; round < kInFlightPerWorker; ++round)
      for (int w = 1; w < size_; ++w) give(w);
    // Until every handed-out unit is back: take results as they come, and
    // compute one unit here whenever there is one left to hand out.
    while (accepted + ready.size() < next || can_hand_out()) {
      while (receive(false)) {
      }
      flush();
      if (can_hand_out()) {
        const std::size_t pos = next++;
        try {
          ready[pos] = compute(units[pos]);
          ++computed_[0];
        } catch (...) {
          fail(std::current_exception());
          ready[pos] = std::string();  // back, though never accepted
        }
      } else if (accepted + ready.size() < next) {
        receive(true);
      }
      flush();
    }
    for (int w = 1; w < size_; ++w) send(w, -1);
    if (failure) std::rethrow_exception(failure);
  }

  int rank_ = 0, size_ = 1;
  std::vector<int64_t> computed_;  // rank 0: units each rank computed
};

}  // namespace

extern "C" nas::Executor* nas_mpi_executor_impl(int* argc, char*** argv) { return new MpiExecutor(argc, argv); }
BOOST_DLL_ALIAS(nas_mpi_executor_impl, nas_mpi_executor)
