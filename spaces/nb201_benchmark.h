// The NAS-Bench-201 tabular benchmark as shipped in data/ (sources in
// data/README.md): the official index order, 200-epoch test accuracy,
// NAS-Bench-Suite-Zero validation accuracy and NATS training time, for one
// dataset. Torch-free.
#pragma once
#include <string>
#include <vector>

namespace nb201 {

/// The dataset names the space accepts, and what each file calls them.
struct DatasetInfo {
  std::string name;            // option value: cifar10 | cifar100 | imagenet16
  int num_classes;             // 10 | 100 | 120
  int resolution;              // input height = width: 32 | 32 | 16
  std::string test_column;     // in nb201_tss_test_acc_200ep.csv
  std::string val_column;      // in nbsz_nb201_val_acc_and_zen_all.csv
  std::string train_time_file; // freerea_nb201_<x>_test_acc_traintime.txt
};
const std::vector<DatasetInfo>& datasets();
/// Throws nas::Error naming the choices for an unknown name.
const DatasetInfo& dataset_info(const std::string& name);

constexpr const char* kTestAccFile = "nb201_tss_test_acc_200ep.csv";
constexpr const char* kValAccFile = "nbsz_nb201_val_acc_and_zen_all.csv";

/// Official index order: the row order of the test-accuracy table (it is not
/// computable). `code_at[i]` is the nb201::code_of of the arch at index i;
/// `index_of_code` is its inverse.
struct IndexOrder {
  std::vector<int> code_at;
  std::vector<int> index_of_code;
};

/// Reads only the arch column of <dir>/nb201_tss_test_acc_200ep.csv.
IndexOrder read_index_order(const std::string& dir);

struct Benchmark {
  IndexOrder order;
  // Per official index, for the configured dataset.
  std::vector<double> test_acc;    // percent
  std::vector<double> val_acc;     // percent
  std::vector<double> train_time;  // seconds, NATS TrainingTime(total)
  std::vector<std::string> files;  // the paths read, for benchmark_source()
};

/// Loads the three files of `dataset` from `dir`. Throws nas::Error naming
/// the path (and the column, line or arch) when a file is missing or does
/// not match the official order.
Benchmark load_benchmark(const std::string& dir, const DatasetInfo& dataset);

}  // namespace nb201
