// The NAS-Bench-101 search space plugin `nb101`: a cell of up to 7 vertices
// as 26 categorical dimensions (21 edge bits, 5 interior ops), the official
// network, and the tables shipped in data/nb101/ (data/README.md): every one
// of the 423,624 valid cells in official hash order with its 108-epoch
// test_acc (first training run; the only label every cell has), and the 292
// cells with a one-seed val_acc and NASLib's proxy scores.
//
// Identity is the official graph hash, so a search never pays twice for two
// genomes that build one network. size(), index_of() and arch_at() cover all
// 423,624 cells in hash order (the `enumerate_labelled` option narrows them
// to the 292 val_acc cells in table order).
//
// sample() is NASLib's sampler (uniform edge bits and ops, redrawn until
// valid): uniform over genomes, not over the 423k distinct cells, so it
// favours small cells (200 samples give ~130 distinct hashes).
//
// Moves: neighbours() are the one-dimension edits that stay valid and change
// the hash, one per distinct hash (neutral edits to dangling vertices are
// dropped, so a local search moves). A cell with no such neighbour (the
// input->output-only cell) mutates NASLib's way instead: flip each edge bit
// with p = 1/7 and redraw each op with p = 1/3 (to another op), resampled
// until valid and of another hash.
#include <cctype>
#include <filesystem>
#include <set>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/plugin.h"
#include "nb101_all_cells.h"
#include "nb101_benchmark.h"
#include "nb101_encoding.h"
#include "nb101_network.h"

namespace {

class Nb101Space : public nas::SearchSpace {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(std::string, benchmark, "data",
               "\"data\": the labelled cells shipped in data/" + std::string(nb101::kBenchmarkFile) +
                   " (292 cells, one-seed validation accuracy); a CSV path with the same columns; "
                   "\"none\": no metrics");
    NAS_OPTION(std::string, all_cells, "data",
               "\"data\": every valid cell in hash order (data/" + std::string(nb101::kAllCellsFile) +
                   ") with its test_acc (data/" + std::string(nb101::kAllTestAccFile) +
                   "); a cells file path (test_acc then from all_test_acc); \"none\": no test_acc, no index");
    NAS_OPTION(std::string, all_test_acc, "data",
               "\"data\" or the path of a .npy of 423,624 float64 test accuracies in the cells' order");
    NAS_OPTION(bool, enumerate_labelled, false,
               "true: size(), arch_at() and index_of() cover the 292 val_acc cells only, in table order "
               "(so a score or correlate sample, a number or \"all\", takes them); a search's sampling and "
               "moves still cover the whole space");
    NAS_OPTION(double, bn_momentum, nb101::kNbszBnMomentum,
               "BatchNorm momentum (LibTorch convention): 0.1 as NAS-Bench-Suite-Zero's PyTorch port, "
               "0.003 as the official TF model (decay 0.997); changes zen, which reads running_var",
               nas::between(0, 1));
  };

  Nb101Space(const Options& options, const nas::PluginContext& ctx) : dimensions_(nb101::dimensions()) {
    const std::string& benchmark = options.benchmark;
    enumerate_ = options.enumerate_labelled;
    bn_momentum_ = options.bn_momentum;
    if (benchmark != "none") {
      const std::string dir = ctx.data_dir.empty() ? nas::default_data_dir() : ctx.data_dir;
      const std::string path =
          benchmark == "data" ? dir + "/" + nb101::kBenchmarkFile : nas::resolve_data_path(benchmark);
      if (!std::filesystem::is_regular_file(path))
        throw nas::Error(path + ": no such file (the nb101 benchmark option takes \"data\", \"none\" or a CSV path)");
      benchmark_ = nb101::load_benchmark(path);
    }
    if (enumerate_ && !benchmark_)
      throw nas::Error("nb101: enumerate_labelled needs a benchmark (benchmark is \"none\")");
    if (options.all_cells != "none") {
      const std::string dir = ctx.data_dir.empty() ? nas::default_data_dir() : ctx.data_dir;
      auto path_of = [&](const std::string& given, const char* shipped) {
        return given == "data" ? dir + "/" + shipped : nas::resolve_data_path(given);
      };
      all_ = nb101::load_all_cells(path_of(options.all_cells, nb101::kAllCellsFile),
                                   path_of(options.all_test_acc, nb101::kAllTestAccFile));
    }
  }

  const std::vector<nas::Dimension>& dimensions() const override { return dimensions_; }

  std::string invalid_reason(const nas::Arch& arch) const override {
    const std::string range = nas::SearchSpace::invalid_reason(arch);
    return range.empty() ? nb101::invalid_reason(nb101::raw_spec(arch)) : range;
  }

  std::string to_string(const nas::Arch& arch) const override { return nb101::to_string(pruned(arch)); }

  nas::Arch parse(const std::string& text) const override {
    if (nb101::is_hash(text)) {
      if (all_) {
        std::string lower = text;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto i = all_->index_of_hash(lower)) return arch_at_all(*i);
        throw nas::ArchError("bad NB101 arch '" + text + "': no NAS-Bench-101 cell has this hash");
      }
      if (benchmark_) {
        auto it = benchmark_->cells.find(text);
        if (it != benchmark_->cells.end()) return nb101::embed(it->second.pruned);
      }
      throw nas::ArchError("bad NB101 arch '" + text + "': a bare hash names a cell only through the loaded "
                           "benchmark, which does not hold it; give the adjacency and ops");
    }
    const nb101::Parsed p = nb101::parse(text);
    const std::string why = nb101::invalid_reason(p.spec);
    if (!why.empty()) throw nas::ArchError("bad NB101 arch '" + text + "': invalid cell: " + why);
    if (!p.hash.empty()) {
      const std::string actual = nb101::graph_hash(*nb101::prune(p.spec));
      if (actual != p.hash)
        throw nas::ArchError("bad NB101 arch '" + text + "': the given hash " + p.hash +
                             " does not match the cell, whose hash is " + actual);
    }
    return nb101::embed(p.spec);
  }

  std::string identity(const nas::Arch& arch) const override { return nb101::graph_hash(pruned(arch)); }

  std::vector<nas::Arch> neighbours(const nas::Arch& arch) const override {
    std::set<std::string> seen{identity(arch)};
    std::vector<nas::Arch> out;
    for (nas::Arch& n : nas::SearchSpace::neighbours(arch))
      if (seen.insert(identity(n)).second) out.push_back(std::move(n));
    return out;
  }

  nas::Arch mutate(const nas::Arch& arch, nas::Rng& rng) const override {
    const auto n = neighbours(arch);
    if (!n.empty()) return n[rng.below(n.size())];
    const std::string self = identity(arch);
    for (int attempt = 0; attempt < 100000; ++attempt) {
      nas::Arch m = arch;
      for (int d = 0; d < nb101::kNumEdgeBits; ++d)
        if (rng.below(7) == 0) m.choices[d] = 1 - m.choices[d];
      for (int d = nb101::kNumEdgeBits; d < static_cast<int>(m.choices.size()); ++d)
        if (rng.below(3) == 0) m.choices[d] = (m.choices[d] + 1 + static_cast<int>(rng.below(2))) % nb101::kNumOps;
      if (is_valid(m) && identity(m) != self) return m;
    }
    throw nas::Error("nb101: no valid mutation of " + to_string(arch) + " in 100000 attempts");
  }

  std::shared_ptr<nas::Network> build(const nas::Arch& arch, const nas::BuildOptions& options) const override {
    if (options.num_classes < 1)
      throw nas::Error("nb101: num_classes must be at least 1, got " + std::to_string(options.num_classes));
    return std::make_shared<nb101::Network>(pruned(arch), options.num_classes, bn_momentum_);
  }

  std::optional<nas::ArchGraph> graph(const nas::Arch& arch) const override { return nb101::graph(pruned(arch)); }
  nas::GraphVocabulary graph_vocabulary() const override { return nb101::graph_vocabulary(); }

  std::optional<int64_t> size() const override {
    if (enumerate_) return static_cast<int64_t>(benchmark_->hashes.size());
    if (all_) return static_cast<int64_t>(all_->codes.size());
    return std::nullopt;
  }

  std::optional<int64_t> index_of(const nas::Arch& arch) const override {
    if ((!enumerate_ && !all_) || !is_valid(arch)) return std::nullopt;
    const std::string id = identity(arch);
    if (!enumerate_) return all_->index_of_hash(id);
    for (std::size_t i = 0; i < benchmark_->hashes.size(); ++i)
      if (benchmark_->hashes[i] == id) return static_cast<int64_t>(i);
    return std::nullopt;
  }

  nas::Arch arch_at(int64_t index) const override {
    if (!enumerate_ && all_) {
      const auto n = static_cast<int64_t>(all_->codes.size());
      if (index < 0 || index >= n)
        throw nas::Error("nb101 index " + std::to_string(index) + " is out of range [0, " + std::to_string(n) + ")");
      return arch_at_all(index);
    }
    if (!enumerate_) return nas::SearchSpace::arch_at(index);
    const auto n = static_cast<int64_t>(benchmark_->hashes.size());
    if (index < 0 || index >= n)
      throw nas::Error("nb101 labelled index " + std::to_string(index) + " is out of range [0, " + std::to_string(n) +
                       ")");
    return nb101::embed(benchmark_->cells.at(benchmark_->hashes[index]).pruned);
  }

  std::vector<std::string> metrics() const override {
    std::vector<std::string> m;
    if (all_) m.push_back("test_acc");
    if (benchmark_) {
      for (const char* name : {"val_acc", "val_acc_seeds"}) m.push_back(name);
      for (const auto& p : nb101::naslib_proxy_columns()) m.push_back("naslib_" + p);
    }
    if (!m.empty()) m.insert(m.end(), {"params", "flops"});
    return m;
  }

  std::optional<nas::Metrics> query(const nas::Arch& arch) const override {
    if ((!benchmark_ && !all_) || !is_valid(arch)) return std::nullopt;
    const nb101::Spec p = pruned(arch);
    const std::string hash = nb101::graph_hash(p);
    nas::Metrics m;
    if (all_)
      if (auto i = all_->index_of_hash(hash)) m["test_acc"] = all_->test_acc[static_cast<std::size_t>(*i)];
    if (benchmark_) {
      auto it = benchmark_->cells.find(hash);
      if (it != benchmark_->cells.end()) m.insert(it->second.metrics.begin(), it->second.metrics.end());
    }
    if (m.empty()) return std::nullopt;
    m["params"] = nb101::params_millions(p, 10);
    m["flops"] = nb101::flops_millions(p, 10);
    return m;
  }

  std::string benchmark_source() const override {
    std::string out;
    if (all_)
      out = "NAS-Bench-101 CIFAR-10, all " + std::to_string(all_->codes.size()) + " cells (" + all_->cells_path +
            ", hash order): test_acc is the 108-epoch final test accuracy of the FIRST of the three training runs (" +
            all_->test_acc_path + ") and the only label every cell has";
    if (benchmark_)
      out += (out.empty() ? "NAS-Bench-101 CIFAR-10, " : "; ") + std::to_string(benchmark_->hashes.size()) +
             " labelled cells from " + benchmark_->path +
             " (NASLib's early zero-cost table, 500 raw keys): val_acc is the 108-epoch validation accuracy of ONE "
             "random training seed per row (the mean of the distinct values where a cell repeats), naslib_* are "
             "NASLib's batch-32 proxy scores";
    if (!out.empty()) out += "; params/flops computed for the official network";
    return out;
  }

 private:
  nb101::Spec pruned(const nas::Arch& arch) const {
    const std::string why = invalid_reason(arch);
    if (!why.empty()) throw nas::ArchError("bad NB101 arch: " + why);
    return *nb101::prune(nb101::raw_spec(arch));
  }

  // Codes in the file are valid genomes (load_all_cells checked them).
  nas::Arch arch_at_all(int64_t index) const { return *nb101::decode(all_->codes[static_cast<std::size_t>(index)]); }

  std::vector<nas::Dimension> dimensions_;
  bool enumerate_ = false;
  std::optional<nb101::AllCells> all_;
  double bn_momentum_ = nb101::kNbszBnMomentum;
  std::optional<nb101::Benchmark> benchmark_;
};

}  // namespace

NAS_PLUGIN(space, "nb101", Nb101Space, "1.0",
           "NAS-Bench-101: 7-vertex cells as 26 dims (21 edges, 5 ops), official hash and network, test_acc of all "
           "423,624 cells, one-seed val_acc of 292")
