// The DARTS search space plugin `darts`, as NAS-Bench-301 and
// NAS-Bench-Suite-Zero use it: a normal and a reduction cell of 4 nodes,
// each reading two distinct earlier states through one of 7 ops; the
// network NBSZ scored (darts_network.h); and NASLib's early labelled tables
// in data/nb301/, whose accuracy is an NB301 SURROGATE prediction.
//
// Encoding (darts_encoding.h): 24 constraint-free dimensions, one choice
// vector per distinct network, so the generic sample/neighbours/mutate apply
// unchanged and never meet an invalid point. to_string() prints the NBSZ
// tuple of the canonical form (each node's pairs by ascending input), which
// is also the identity. Benchmark lookups use that canonical form, so a
// table row written in the other pair order is still found.
#include <filesystem>

#include "darts_benchmark.h"
#include "darts_encoding.h"
#include "darts_network.h"
#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/plugin.h"

namespace {

class DartsSpace : public nas::SearchSpace {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(std::string, benchmark, "naslib725",
               "labelled archs: \"naslib725\" (data/nb301/nb301_naslib725_zc.csv) or \"naslib500\" "
               "(data/nb301/nb301_naslib500_zc.csv), NASLib's early tables whose val_acc is an NB301 "
               "XGB surrogate prediction; a CSV path with the same columns; \"none\": no metrics");
    NAS_OPTION(bool, enumerate_labelled, false,
               "true: size(), arch_at() and index_of() cover the labelled archs only, in table order "
               "(so a score or correlate sample, a number or \"all\", takes labelled archs); a "
               "search's sampling and moves still cover the whole space");
  };

  DartsSpace(const Options& options, const nas::PluginContext& ctx) : dimensions_(darts::dimensions()) {
    const std::string& benchmark = options.benchmark;
    enumerate_ = options.enumerate_labelled;
    if (benchmark != "none") {
      const std::string dir = ctx.data_dir.empty() ? nas::default_data_dir() : ctx.data_dir;
      const std::string shipped = darts::benchmark_file(benchmark);
      const std::string path = shipped.empty() ? nas::resolve_data_path(benchmark) : dir + "/" + shipped;
      if (!std::filesystem::is_regular_file(path))
        throw nas::Error(path + ": no such file (the darts benchmark option takes \"naslib725\", \"naslib500\", "
                         "\"none\" or a CSV path)");
      benchmark_ = darts::load_benchmark(path);
    }
    if (enumerate_ && !benchmark_)
      throw nas::Error("darts: enumerate_labelled needs a benchmark (benchmark is \"none\")");
  }

  const std::vector<nas::Dimension>& dimensions() const override { return dimensions_; }

  std::string to_string(const nas::Arch& arch) const override { return darts::tuple_string(genome(arch)); }

  nas::Arch parse(const std::string& text) const override { return darts::arch_of(darts::parse(text)); }

  std::shared_ptr<nas::Network> build(const nas::Arch& arch, const nas::BuildOptions& options) const override {
    if (options.num_classes < 1)
      throw nas::Error("darts: num_classes must be at least 1, got " + std::to_string(options.num_classes));
    return std::make_shared<darts::Network>(genome(arch), options.num_classes);
  }

  std::optional<nas::ArchGraph> graph(const nas::Arch& arch) const override { return darts::graph(genome(arch)); }
  nas::GraphVocabulary graph_vocabulary() const override { return darts::graph_vocabulary(); }

  std::optional<int64_t> size() const override {
    if (!enumerate_) return std::nullopt;
    return static_cast<int64_t>(benchmark_->keys.size());
  }

  std::optional<int64_t> index_of(const nas::Arch& arch) const override {
    if (!enumerate_ || !is_valid(arch)) return std::nullopt;
    const std::string key = to_string(arch);
    for (std::size_t i = 0; i < benchmark_->keys.size(); ++i)
      if (benchmark_->keys[i] == key) return static_cast<int64_t>(i);
    return std::nullopt;
  }

  nas::Arch arch_at(int64_t index) const override {
    if (!enumerate_) return nas::SearchSpace::arch_at(index);
    const auto n = static_cast<int64_t>(benchmark_->keys.size());
    if (index < 0 || index >= n)
      throw nas::Error("darts labelled index " + std::to_string(index) + " is out of range [0, " + std::to_string(n) +
                       ")");
    return darts::arch_of(benchmark_->archs.at(benchmark_->keys[index]).genome);
  }

  std::vector<std::string> metrics() const override {
    if (!benchmark_) return {};
    std::vector<std::string> m = benchmark_->metric_names;
    m.insert(m.begin() + 1, {"params", "flops"});
    return m;
  }

  std::optional<nas::Metrics> query(const nas::Arch& arch) const override {
    if (!benchmark_ || !is_valid(arch)) return std::nullopt;
    const darts::Genome g = genome(arch);
    auto it = benchmark_->archs.find(darts::tuple_string(g));
    if (it == benchmark_->archs.end()) return std::nullopt;
    nas::Metrics m = it->second.metrics;
    m["params"] = darts::params_millions(g);
    m["flops"] = darts::flops_millions(g);
    return m;
  }

  std::string benchmark_source() const override {
    if (!benchmark_) return "";
    return "NAS-Bench-301 (DARTS space) CIFAR-10, " + std::to_string(benchmark_->keys.size()) +
           " labelled archs from " + benchmark_->path +
           " (NASLib's early zero-cost table): val_acc is an NB301 v1.0 XGBoost SURROGATE prediction (noisy), "
           "not a trained accuracy; naslib_* are NASLib's batch-32 proxy scores; params/flops computed for the "
           "network NAS-Bench-Suite-Zero scored";
  }

 private:
  darts::Genome genome(const nas::Arch& arch) const {
    const std::string why = invalid_reason(arch);
    if (!why.empty()) throw nas::ArchError("bad DARTS arch: " + why);
    return darts::genome_of(arch);
  }

  std::vector<nas::Dimension> dimensions_;
  bool enumerate_ = false;
  std::optional<darts::Benchmark> benchmark_;
};

}  // namespace

NAS_PLUGIN(space, "darts", DartsSpace, "1.0",
           "DARTS / NAS-Bench-301 cells as 24 constraint-free dims, the network NAS-Bench-Suite-Zero scored, "
           "725 labelled archs (surrogate accuracy)")
