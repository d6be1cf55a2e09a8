// Which device a run scores on: the pipeline's "device" key (or --device)
// resolved once, for the driver's first log line and the evaluation path.
#pragma once
#include <c10/core/Device.h>

#include <memory>
#include <string>

namespace nas {

/// "auto" -> CUDA when available, else CPU; "auto" and "cuda" pick the GPU
/// of the process's local MPI rank (rank mod GPUs). On CUDA, TF32 is
/// switched off so scores match the CPU path to the fixtures' tolerances.
c10::Device resolve_device(const std::string& name);

/// What a job thread of `nasrun --jobs` holds while it scores (the
/// executor's JobScope): on CUDA, `device` current and a stream of its own
/// from LibTorch's pool, so that the jobs' kernels overlap on the GPU
/// instead of queueing on one stream; on the CPU, nothing. Until the result
/// is released.
std::shared_ptr<void> enter_job(c10::Device device);

}  // namespace nas
