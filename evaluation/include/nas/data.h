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

/// The `data` block of a pipeline.
struct DataOptions : OptionSet<DataOptions> {
  NAS_OPTION(std::string, name, "cifar10", "cifar10 | hash | synthetic", one_of({"cifar10", "hash", "synthetic"}));
  NAS_OPTION(std::string, path, "data/cifar10_train_aug_640_freerea.bin",
             "cifar10: a CIFAR-10 binary file, or a directory with data_batch_*.bin (the shipped 640-image "
             "training sample by default)");
  NAS_OPTION(int64_t, batch_size, 64, "images in the one batch every network is scored on", between(1, 1 << 20));
  NAS_OPTION(int64_t, seed, -1, "seed for drawing the batch; -1 = the pipeline seed", at_least(-1));
};

/// Builds the batch of a `data` block on `device`. Throws nas::Error naming a missing path and
/// the files expected there.
Batch make_batch(const json& data, int num_classes, const std::string& json_path, c10::Device device);

/// Reads CIFAR-10 binary records (labels, uint8 CHW images) from a file.
struct CifarRecords {
  std::vector<uint8_t> labels;
  std::vector<uint8_t> pixels;  // n * 3072
};
CifarRecords read_cifar_file(const std::string& path);

}  // namespace nas
