// The NAS-Bench-101 search space plugin `nb101`: a cell of up to 7 vertices
// as 26 categorical dimensions (21 edge bits, 5 interior ops), the official
// network, and the labelled cells shipped in data/nb101/ (data/README.md).
//
// Identity is the official graph hash, so a search never pays twice for two
// genomes that build one network. NB101 has no full table here (423k cells;
// only 292 labelled ones, one seed each), so size() is unknown unless the
// `enumerate_labelled` option asks for the labelled index, and searches use a
// proxy objective.
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
#include <filesystem>
#include <set>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/plugin.h"
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
    NAS_OPTION(bool, enumerate_labelled, false,
               "true: size(), arch_at() and index_of() cover the labelled cells only, in table order "
               "(so a score or correlate sample, a number or \"all\", takes labelled archs); a "
               "search's sampling and moves still cover the whole space");
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
  }

  const std::vector<nas::Dimension>& dimensions() const override { return dimensions_; }

  std::string invalid_reason(const nas::Arch& arch) const override {
    const std::string range = nas::SearchSpace::invalid_reason(arch);
    return range.empty() ? nb101::invalid_reason(nb101::raw_spec(arch)) : range;
  }

  std::string to_string(const nas::Arch& arch) const override { return nb101::to_string(pruned(arch)); }

  nas::Arch parse(const std::string& text) const override {
    if (nb101::is_hash(text)) {
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
    if (!enumerate_) return std::nullopt;
    return static_cast<int64_t>(benchmark_->hashes.size());
  }

  std::optional<int64_t> index_of(const nas::Arch& arch) const override {
    if (!enumerate_ || !is_valid(arch)) return std::nullopt;
    const std::string id = identity(arch);
    for (std::size_t i = 0; i < benchmark_->hashes.size(); ++i)
      if (benchmark_->hashes[i] == id) return static_cast<int64_t>(i);
    return std::nullopt;
  }

  nas::Arch arch_at(int64_t index) const override {
    if (!enumerate_) return nas::SearchSpace::arch_at(index);
    const auto n = static_cast<int64_t>(benchmark_->hashes.size());
    if (index < 0 || index >= n)
      throw nas::Error("nb101 labelled index " + std::to_string(index) + " is out of range [0, " + std::to_string(n) +
                       ")");
    return nb101::embed(benchmark_->cells.at(benchmark_->hashes[index]).pruned);
  }

  std::vector<std::string> metrics() const override {
    if (!benchmark_) return {};
    std::vector<std::string> m{"val_acc", "val_acc_seeds", "params", "flops"};
    for (const auto& p : nb101::naslib_proxy_columns()) m.push_back("naslib_" + p);
    return m;
  }

  std::optional<nas::Metrics> query(const nas::Arch& arch) const override {
    if (!benchmark_ || !is_valid(arch)) return std::nullopt;
    const nb101::Spec p = pruned(arch);
    auto it = benchmark_->cells.find(nb101::graph_hash(p));
    if (it == benchmark_->cells.end()) return std::nullopt;
    nas::Metrics m = it->second.metrics;
    m["params"] = nb101::params_millions(p, 10);
    m["flops"] = nb101::flops_millions(p, 10);
    return m;
  }

  std::string benchmark_source() const override {
    if (!benchmark_) return "";
    return "NAS-Bench-101 CIFAR-10, " + std::to_string(benchmark_->hashes.size()) + " labelled cells from " +
           benchmark_->path +
           " (NASLib's early zero-cost table, 500 raw keys): val_acc is the 108-epoch validation accuracy of ONE "
           "random training seed per row (the mean of the distinct values where a cell repeats), naslib_* are "
           "NASLib's batch-32 proxy scores; params/flops computed for the official network";
  }

 private:
  nb101::Spec pruned(const nas::Arch& arch) const {
    const std::string why = invalid_reason(arch);
    if (!why.empty()) throw nas::ArchError("bad NB101 arch: " + why);
    return *nb101::prune(nb101::raw_spec(arch));
  }

  std::vector<nas::Dimension> dimensions_;
  bool enumerate_ = false;
  double bn_momentum_ = nb101::kNbszBnMomentum;
  std::optional<nb101::Benchmark> benchmark_;
};

}  // namespace

NAS_PLUGIN(space, "nb101", Nb101Space, "1.0",
           "NAS-Bench-101: 7-vertex cells as 26 dims (21 edges, 5 ops), official hash and network, 292 labelled cells")
