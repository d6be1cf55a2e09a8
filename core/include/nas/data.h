// The one minibatch a proxy run scores every network on.
//   cifar10:   the standard CIFAR-10 binary format (1 label byte + 3072
//              pixel bytes, CHW), from a directory holding data_batch_*.bin
//              or from one .bin file; normalised with the usual CIFAR-10
//              mean/std; `batch_size` images drawn without replacement with
//              the data seed.
//   hash:      the fixtures' deterministic batch (inputs from the hash named
//              "input", targets j % classes) -- reproduces the reference.
//   synthetic: seeded standard-normal images with seeded labels, for
//              datasets without shipped images (said in the run log).
#pragma once
#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <string>

#include "nas/options.h"
#include "nas/probes.h"

namespace nas {

/// The `data` block's schema (name, path, batch_size, seed).
const OptionSchema& data_options();

/// The default `data` block for a dataset: the shipped CIFAR-10 sample for
/// cifar10, synthetic otherwise.
json default_data_block(const std::string& dataset);

/// Builds the batch on `device`. Throws nas::Error naming a missing path and
/// the files expected there.
Batch make_batch(const json& data, int num_classes, const std::string& json_path, c10::Device device);

/// Reads CIFAR-10 binary records (labels, uint8 CHW images) from a file.
struct CifarRecords {
  std::vector<uint8_t> labels;
  std::vector<uint8_t> pixels;  // n * 3072
};
CifarRecords read_cifar_file(const std::string& path);

}  // namespace nas
