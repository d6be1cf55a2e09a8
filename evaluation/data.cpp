#include "nas/data.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/init.h"
#include "nas/random.h"

namespace nas {
namespace fs = std::filesystem;

namespace {
constexpr int kCifarRecord = 1 + 3 * 32 * 32;
const float kCifarMean[3] = {0.4914f, 0.4822f, 0.4465f};
const float kCifarStd[3] = {0.2023f, 0.1994f, 0.2010f};
}  // namespace

CifarRecords read_cifar_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open CIFAR-10 file");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.size() % kCifarRecord != 0)
    throw Error(path + ": not CIFAR-10 binary format (size " + std::to_string(bytes.size()) +
                " is not a multiple of 3073-byte records)");
  CifarRecords r;
  const std::size_t n = bytes.size() / kCifarRecord;
  r.labels.resize(n);
  r.pixels.resize(n * (kCifarRecord - 1));
  for (std::size_t i = 0; i < n; ++i) {
    r.labels[i] = static_cast<uint8_t>(bytes[i * kCifarRecord]);
    if (r.labels[i] > 9) throw Error(path + ": record " + std::to_string(i) + " has label " +
                                     std::to_string(r.labels[i]) + " (CIFAR-10 labels are 0-9)");
    std::copy(bytes.begin() + i * kCifarRecord + 1, bytes.begin() + (i + 1) * kCifarRecord,
              reinterpret_cast<char*>(r.pixels.data()) + i * (kCifarRecord - 1));
  }
  return r;
}

namespace {
CifarRecords read_cifar(const std::string& given, const std::string& json_path) {
  const std::string path = resolve_data_path(given);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (int i = 1; i <= 5; ++i) {
      const auto f = fs::path(path) / ("data_batch_" + std::to_string(i) + ".bin");
      if (fs::exists(f, ec)) files.push_back(f.string());
    }
    if (files.empty())
      throw PipelineError(json_path + "/path", "'" + path +
                                                   "' holds no CIFAR-10 training files (expected data_batch_1.bin "
                                                   ".. data_batch_5.bin, the binary version of CIFAR-10)");
    CifarRecords all;
    for (const auto& f : files) {
      auto r = read_cifar_file(f);
      all.labels.insert(all.labels.end(), r.labels.begin(), r.labels.end());
      all.pixels.insert(all.pixels.end(), r.pixels.begin(), r.pixels.end());
    }
    return all;
  }
  if (!fs::exists(path, ec))
    throw PipelineError(json_path + "/path", "'" + path +
                                                 "' does not exist (give a CIFAR-10 binary file or a directory "
                                                 "with data_batch_1.bin .. data_batch_5.bin)");
  return read_cifar_file(path);
}
}  // namespace

Batch make_batch(const json& data, int num_classes, const std::string& json_path, c10::Device device) {
  const DataOptions d = DataOptions::from(data, json_path);
  const std::string& name = d.name;
  const int64_t n = d.batch_size;
  const uint64_t seed = d.seed < 0 ? 0 : static_cast<uint64_t>(d.seed);
  Batch b;
  b.num_classes = num_classes;
  if (name == "hash") {
    b.inputs = hash_symmetric("input", seed, {n, 3, 32, 32}, 1.0);
    b.targets = at::arange(n, at::kLong).remainder(num_classes);
  } else if (name == "synthetic") {
    Rng rng(derive_seed(seed, 0x5e7));
    b.inputs = hash_gaussian("synthetic:input", derive_seed(seed, 1), {n, 3, 32, 32});
    std::vector<int64_t> labels(n);
    for (auto& l : labels) l = static_cast<int64_t>(rng.below(num_classes));
    b.targets = at::tensor(labels, at::kLong);
  } else {
    if (num_classes != 10)
      throw PipelineError(json_path + "/name", "CIFAR-10 images have 10 classes but the space is configured for " +
                                                   std::to_string(num_classes) + "; use \"synthetic\" data");
    const CifarRecords r = read_cifar(d.path, json_path);
    const int64_t available = static_cast<int64_t>(r.labels.size());
    if (n > available)
      throw PipelineError(json_path + "/batch_size", "asks for " + std::to_string(n) + " images but '" +
                                                         d.path + "' holds " +
                                                         std::to_string(available));
    // Seeded draw without replacement: a partial Fisher-Yates shuffle.
    std::vector<int64_t> idx(available);
    for (int64_t i = 0; i < available; ++i) idx[i] = i;
    Rng rng(derive_seed(seed, 0xc1fa));
    for (int64_t i = 0; i < n; ++i) std::swap(idx[i], idx[i + static_cast<int64_t>(rng.below(available - i))]);
    at::Tensor x = at::empty({n, 3, 32, 32}, at::kFloat);
    at::Tensor y = at::empty({n}, at::kLong);
    float* xp = x.data_ptr<float>();
    int64_t* yp = y.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const uint8_t* px = r.pixels.data() + idx[i] * 3072;
      for (int c = 0; c < 3; ++c)
        for (int k = 0; k < 1024; ++k)
          xp[i * 3072 + c * 1024 + k] = (px[c * 1024 + k] / 255.0f - kCifarMean[c]) / kCifarStd[c];
      yp[i] = r.labels[idx[i]];
    }
    b.inputs = x;
    b.targets = y;
  }
  b.inputs = b.inputs.to(device);
  b.targets = b.targets.to(device);
  return b;
}

}  // namespace nas
