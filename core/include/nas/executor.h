// Where a run's independent work units are computed: in this process (the
// default; one at a time, or several at once on `jobs` threads), or spread
// over the ranks of an MPI job (libnasmpi, opened only when an MPI launcher
// started the process). Every process resolves the
// same pipeline and runs the same run kind; the writer (the only process,
// or rank 0) hands units out on demand, receives every unit's result in
// unit order and alone writes the run directory, so the logs are those of
// one process. A unit must be deterministic: its result may not depend on
// which process computed it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nas {

class Executor {
 public:
  virtual ~Executor() = default;

  /// Whether this process writes the run directory (rank 0).
  virtual bool is_writer() const = 0;
  /// How many processes compute units (1 without MPI).
  virtual int processes() const = 0;
  /// How many units this process computes at once, each on a thread of its
  /// own (1: one after another on the calling thread). A run kind whose
  /// units write as they go (a search streaming its log) does so only when
  /// processes() and jobs() are both 1; `compute` must be safe to call
  /// from several threads at once when jobs() > 1.
  virtual int jobs() const { return 1; }

  using Compute = std::function<std::string(std::size_t unit)>;
  using Accept = std::function<void(std::size_t unit, const std::string& result)>;

  /// Computes `compute(u)` once for every u in `units`, on any process, and
  /// on the writer calls `accept(u, result)` for each in the order of
  /// `units`, as soon as the results before it are in. Only the writer's
  /// `units` count; the others serve what the writer hands out until it is
  /// done. An interrupt (stop_requested) or an exception thrown by
  /// `accept` on the writer stops the handing out; units in flight are
  /// finished (an exception is then rethrown).
  virtual void map(const std::vector<std::size_t>& units, const Compute& compute, const Accept& accept) = 0;

  /// The writer's `message`, on every process. A run kind whose units
  /// depend on results of earlier maps (evolve_proxy's next generation)
  /// sends the others what they need to compute them; their own argument is
  /// ignored. Every process calls it at the same point of the run, between
  /// maps.
  virtual std::string share(const std::string& message) { return message; }

  /// What the log's first line says, e.g. "3 MPI ranks".
  virtual std::string describe() const = 0;

  /// Units computed by each MPI rank (rank order) or each job so far, on
  /// the writer; empty when one computes them all. `nasrun` prints it, so a
  /// user (and a test) sees that the workers really took part and how
  /// evenly.
  virtual std::vector<int64_t> units_per_worker() const { return {}; }

  /// Ends every process of the job with `exit_code` (the writer failed
  /// where the others cannot know it, e.g. its run directory already holds
  /// a run). In-process: returns, and the caller exits.
  virtual void abandon(int /*exit_code*/) {}
};

/// The executor of this process: MPI when it was started by an MPI launcher
/// (OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_RANK or Slurm's SLURM_NTASKS > 1
/// under srun) and libnasmpi can be opened, else in-process, one unit at a
/// time (main() makes it a jobs executor once the pipeline says how many).
/// Throws nas::Error naming libnasmpi when MPI was asked for but cannot be
/// used.
std::unique_ptr<Executor> make_executor(int* argc, char*** argv);

/// What a job thread holds while it computes units (a CUDA stream of its
/// own: nas/device.h's enter_job): called once on each job thread before
/// its first unit, the result released when the thread ends.
using JobScope = std::function<std::shared_ptr<void>()>;

/// The in-process executor: `jobs` units at once, each job thread under
/// `scope` (when set); jobs 1 computes on the calling thread.
std::unique_ptr<Executor> local_executor(int jobs = 1, JobScope scope = {});

/// Whether an MPI launcher started this process with more than one rank.
bool launched_by_mpi();

/// The entry libnasmpi exports (extern "C", Boost.DLL alias "nas_mpi_executor").
using MpiExecutorEntry = Executor*(int* argc, char*** argv);

}  // namespace nas
