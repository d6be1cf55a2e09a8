// The NAS-Bench-201 search space plugin `nb201`: a cell of 4 nodes and 6
// edges, each edge one of 5 ops (15,625 archs), the official network, and the
// tabular benchmark shipped in data/ (see data/README.md).
//
// The official benchmark index (0..15624) is the row order of the shipped
// test-accuracy table; it cannot be computed. With benchmark "none" no
// metrics are loaded, and that table's arch column is read on first use of
// index_of()/arch_at() only, so building and scoring networks needs no data.
#include <filesystem>
#include <mutex>
#include <optional>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/plugin.h"
#include "nb201_benchmark.h"
#include "nb201_encoding.h"
#include "nb201_network.h"

namespace {

int count_ops(const nas::Arch& arch, nb201::Op op) {
  int n = 0;
  for (int c : arch.choices) n += c == op;
  return n;
}

// Parameters of the official network. With 10 classes the cell-free part
// (stem, both reduction blocks, lastact, classifier) has 73,306; a conv edge
// adds its conv + BN in all 15 cells: 5 * (16^2 + 32^2 + 64^2) * k^2 weights
// + 5 * 2 * (16 + 32 + 64) BN parameters.
double params_millions(const nas::Arch& arch, int num_classes) {
  const double classifier = 65.0 * num_classes;  // Linear(64, classes) with bias
  const double base = 73306.0 - 65.0 * 10 + classifier;
  return (base + 243040.0 * count_ops(arch, nb201::kConv3x3) + 28000.0 * count_ops(arch, nb201::kConv1x1)) / 1e6;
}

// FLOPs of an eval-mode forward of one image by tensorwatch's rules (as
// nas::Network counts them). With R = resolution^2, stage s has 16*2^s
// channels at R/4^s pixels, so a conv's multiply-adds are the same in every
// stage (C^2 * R / 4^s is constant) and each edge adds a fixed amount:
// conv kxk: 5 cells * (3 * 28R [ReLU + BN over the three stages] + 3 * 256 k^2 R);
// avg_pool_3x3: 5 * 9 * 28R; skip and none: 0. The rest (stem 464R,
// reductions 7276R, lastact 12R, global pool, classifier) is fixed.
double flops_millions(const nas::Arch& arch, int num_classes, int resolution) {
  const double r = static_cast<double>(resolution) * resolution;
  const double last = resolution / 4.0 + 1.0;  // AdaptiveAvgPool counts C * (H + 1) * (W + 1)
  const double base = 7752.0 * r + 64.0 * last * last + 64.0 * num_classes;
  return (base + 34980.0 * r * count_ops(arch, nb201::kConv3x3) + 4260.0 * r * count_ops(arch, nb201::kConv1x1) +
          1260.0 * r * count_ops(arch, nb201::kAvgPool3x3)) /
         1e6;
}

class Nb201Space : public nas::SearchSpace {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(std::string, dataset, "cifar10",
               "benchmark dataset; sets the classes (10, 100, 120) and which columns are read",
               nas::one_of({"cifar10", "cifar100", "imagenet16"}));
    NAS_OPTION(std::string, benchmark, "data",
               "\"data\": the tables shipped in data/ (data/README.md); a directory holding "
               "the same files; \"none\": no metrics (the official index order is still read "
               "from data/ on first use of an index)");
  };

  Nb201Space(const Options& options, const nas::PluginContext& ctx)
      : dataset_(nb201::dataset_info(options.dataset)), dimensions_(nb201::dimensions()) {
    const std::string& benchmark = options.benchmark;
    const std::string shipped = ctx.data_dir.empty() ? nas::default_data_dir() : ctx.data_dir;
    if (benchmark == "none") {
      data_dir_ = shipped;
      return;
    }
    data_dir_ = benchmark == "data" ? shipped : nas::resolve_data_path(benchmark);
    std::error_code ec;
    if (!std::filesystem::is_directory(data_dir_, ec))
      throw nas::Error(data_dir_ + ": no such directory (the nb201 benchmark option takes \"data\", \"none\" or "
                       "a directory holding " + std::string(nb201::kTestAccFile) + ", " + nb201::kValAccFile +
                       " and " + dataset_.train_time_file + ")");
    benchmark_ = nb201::load_benchmark(data_dir_, dataset_);
    order_ = benchmark_->order;
  }

  const std::vector<nas::Dimension>& dimensions() const override { return dimensions_; }

  std::string to_string(const nas::Arch& arch) const override {
    check(arch);
    return nb201::to_string(arch);
  }

  nas::Arch parse(const std::string& text) const override { return nb201::parse(text); }

  std::shared_ptr<nas::Network> build(const nas::Arch& arch, const nas::BuildOptions& options) const override {
    check(arch);
    if (options.num_classes < 1)
      throw nas::Error("nb201: num_classes must be at least 1, got " + std::to_string(options.num_classes));
    return std::make_shared<nb201::Network>(arch, options.num_classes);
  }

  std::optional<nas::ArchGraph> graph(const nas::Arch& arch) const override {
    check(arch);
    return nb201::graph(arch);
  }
  nas::GraphVocabulary graph_vocabulary() const override { return nb201::graph_vocabulary(); }

  int num_classes() const override { return dataset_.num_classes; }

  std::optional<int64_t> size() const override { return nb201::kNumArchs; }

  std::optional<int64_t> index_of(const nas::Arch& arch) const override {
    if (!is_valid(arch)) return std::nullopt;
    return index_order().index_of_code[nb201::code_of(arch)];
  }

  nas::Arch arch_at(int64_t index) const override {
    if (index < 0 || index >= nb201::kNumArchs)
      throw nas::Error("NB201 index " + std::to_string(index) + " is out of range [0, " +
                       std::to_string(nb201::kNumArchs) + ")");
    return nb201::arch_of_code(index_order().code_at[index]);
  }

  std::vector<std::string> metrics() const override {
    if (!benchmark_) return {};
    return {"test_acc", "val_acc", "train_time", "params", "flops"};
  }

  std::optional<nas::Metrics> query(const nas::Arch& arch) const override {
    if (!benchmark_ || !is_valid(arch)) return std::nullopt;
    const int index = benchmark_->order.index_of_code[nb201::code_of(arch)];
    return nas::Metrics{
        {"test_acc", benchmark_->test_acc[index]},
        {"val_acc", benchmark_->val_acc[index]},
        {"train_time", benchmark_->train_time[index]},
        {"params", params_millions(arch, dataset_.num_classes)},
        {"flops", flops_millions(arch, dataset_.num_classes, dataset_.resolution)},
    };
  }

  std::string benchmark_source() const override {
    if (!benchmark_) return "";
    const auto& f = benchmark_->files;
    return "NAS-Bench-201 " + dataset_.name + ": test_acc " + f[0] + " (NATS-Bench TSS, 200 epochs), val_acc " + f[1] +
           " (NAS-Bench-Suite-Zero), train_time " + f[2] +
           " (NATS TrainingTime(total), s); params/flops computed for the official network";
  }

 private:
  void check(const nas::Arch& arch) const {
    const std::string why = invalid_reason(arch);
    if (!why.empty()) throw nas::ArchError("bad NB201 arch: " + why);
  }

  const nb201::IndexOrder& index_order() const {
    std::lock_guard<std::mutex> lock(order_mutex_);
    if (!order_) order_ = nb201::read_index_order(data_dir_);
    return *order_;
  }

  const nb201::DatasetInfo& dataset_;
  std::vector<nas::Dimension> dimensions_;
  std::string data_dir_;
  std::optional<nb201::Benchmark> benchmark_;
  mutable std::mutex order_mutex_;
  mutable std::optional<nb201::IndexOrder> order_;
};

}  // namespace

NAS_PLUGIN(space, "nb201", Nb201Space, "1.0",
           "NAS-Bench-201: 6 edges x 5 ops (15,625 cells), the official network, and its tabular benchmark")
