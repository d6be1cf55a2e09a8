#include "nas/device.h"

#include <ATen/Context.h>
#include <c10/core/DeviceGuard.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#include <torch/cuda.h>

#include "nas/errors.h"
#include "nas/threads.h"

namespace nas {

c10::Device resolve_device(const std::string& name) {
  const bool cuda_available = torch::cuda::is_available();
  if (name == "cpu" || (name == "auto" && !cuda_available)) return c10::Device(c10::kCPU);
  if (!cuda_available)
    throw PipelineError("/device", "\"" + name + "\" asked for, but no CUDA device is available to this LibTorch "
                                                 "(use \"cpu\" or \"auto\")");
  // cuDNN/cuBLAS would otherwise use TF32 on Ampere and newer, which alone
  // moves proxy scores by more than the parity tolerance.
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  // One GPU per MPI rank on a node: "cuda" and "auto" pick the local rank's.
  const auto gpus = static_cast<int>(torch::cuda::device_count());
  if ((name == "auto" || name == "cuda") && gpus > 0)
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(local_process_rank() % gpus));
  return c10::Device(name);
}

std::shared_ptr<void> enter_job(c10::Device device) {
  if (!device.is_cuda()) return nullptr;
  struct OnItsOwnStream {
    c10::DeviceGuard device;
    c10::StreamGuard stream;
    explicit OnItsOwnStream(c10::Device d)
        : device(d), stream(c10::impl::VirtualGuardImpl(c10::kCUDA).getStreamFromGlobalPool(d)) {}
  };
  // The batch was copied to the GPU on the default stream: done before any
  // job reads it on another.
  c10::impl::VirtualGuardImpl(c10::kCUDA).getDefaultStream(device).synchronize();
  return std::make_shared<OnItsOwnStream>(device);
}

}  // namespace nas
