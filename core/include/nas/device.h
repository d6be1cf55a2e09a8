// Which device a run scores on: the pipeline's "device" key (or --device)
// resolved once, for the driver's first log line and the evaluation path.
#pragma once
#include <c10/core/Device.h>

#include <string>

namespace nas {

/// "auto" -> CUDA when available, else CPU; "auto" and "cuda" pick the GPU
/// of the process's local MPI rank (rank mod GPUs). On CUDA, TF32 is
/// switched off so scores match the CPU path to the fixtures' tolerances.
c10::Device resolve_device(const std::string& name);

}  // namespace nas
