// How many intra-op threads LibTorch uses. Debian's LibTorch starts with one
// (at::get_num_threads() == 1), so a program that never sets it uses one
// core however many it was given.
#pragma once

namespace nas {

/// The processes sharing this node under an MPI or Slurm launcher
/// (OMPI_COMM_WORLD_LOCAL_SIZE, MPI_LOCALNRANKS, SLURM_NTASKS_PER_NODE...), 1
/// when started alone.
int local_process_count();

/// This process's rank among those on its node (OMPI_COMM_WORLD_LOCAL_RANK,
/// MPI_LOCALRANKID, SLURM_LOCALID...), 0 when started alone.
int local_process_rank();

/// The default: the cores of this process's CPU affinity divided among the
/// processes sharing the node, at least 1.
int default_thread_count();

/// Sets LibTorch's intra-op threads (and OpenMP's) to the process's
/// `requested` (default_thread_count() when 0) shared among its `jobs` (each
/// job thread gets requested / jobs, at least 1); returns the count in
/// effect, per job.
int apply_thread_count(int requested, int jobs = 1);

}  // namespace nas
