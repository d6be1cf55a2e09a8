#include "nas/threads.h"

#include <ATen/Parallel.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace nas {

int local_process_count() {
  // The first variable a launcher sets wins: Open MPI, MPICH/Hydra, Slurm.
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"}) {
    const char* v = std::getenv(name);
    if (!v) continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);  // SLURM_NTASKS_PER_NODE may read "2(x3)": the leading count
    if (end != v && n >= 1) return static_cast<int>(n);
  }
  return 1;
}

int local_process_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "PMI_LOCAL_RANK", "SLURM_LOCALID"})
    if (const char* v = std::getenv(name)) return std::max(0, std::atoi(v));
  return 0;
}

int default_thread_count() {
  int cores = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = CPU_COUNT(&set);
  if (cores < 1) cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  return std::max(1, cores / local_process_count());
}

int apply_thread_count(int requested, int jobs) {
  const int process = requested > 0 ? requested : default_thread_count();
  const int n = std::max(1, process / std::max(1, jobs));
  at::set_num_threads(n);
  return at::get_num_threads();
}

}  // namespace nas
