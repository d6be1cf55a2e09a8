// bench_spaces: the speed figures of the spaces and strategies, kept out of
// the tests (these machines are shared and noisy).
//   bench_spaces [--archs 50] [--seed 0] [--threads N]
// Prints, per space: the benchmark load time, ms per network build and per
// eval-mode forward of a [1, 3, 32, 32] batch over `archs` sampled archs;
// then each strategy's own ask+tell cost per query over 1,000 queries on
// NB201's tabular val_acc (no network is built); the predictor strategies
// (bananas, brp), which retrain a network as they go, over one 150-query
// repeat, with that repeat's total.
#include <ATen/Parallel.h>
#include <boost/program_options.hpp>
#include <torch/torch.h>

#include <chrono>
#include <iomanip>
#include <iostream>

#include "nas/network.h"
#include "nas/registry.h"
#include "nas/threads.h"

namespace po = boost::program_options;
using nas::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

class RandomNeighbour : public nas::Mutator {
 public:
  explicit RandomNeighbour(const nas::SearchSpace& s) : space_(s) {}
  nas::Arch mutate(const nas::Arch& a, nas::Rng& rng) const override { return space_.mutate(a, rng); }

 private:
  const nas::SearchSpace& space_;
};

}  // namespace

int main(int argc, char** argv) {
  int archs = 50, threads = 0;
  uint64_t seed = 0;
  po::options_description opts("bench_spaces options");
  opts.add_options()("help,h", "show this help")("archs", po::value(&archs), "archs built per space (default 50)")(
      "seed", po::value(&seed), "sampling seed (default 0)")("threads", po::value(&threads),
                                                             "intra-op threads (0 = the cores of the CPU affinity)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "bench_spaces: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  try {
    std::cout << "threads " << nas::apply_thread_count(threads) << "\n" << std::fixed << std::setprecision(2);
    nas::Registry reg;
    reg.scan(nas::plugin_search_path({}));
    torch::NoGradGuard no_grad;
    const std::vector<std::pair<std::string, json>> spaces = {
        {"nb201", {{"dataset", "cifar10"}}}, {"nb201", {{"dataset", "cifar100"}}},
        {"nb201", {{"dataset", "imagenet16"}}}, {"nb101", json::object()}, {"darts", json::object()}};
    std::cout << "space                  load ms  build ms/arch  forward ms/arch\n";
    for (const auto& [name, options] : spaces) {
      auto t0 = Clock::now();
      auto space = reg.make_space(name, options, nas::PluginContext{}, "/space");
      const double load = ms_since(t0);
      nas::Rng rng(seed);
      double build = 0, forward = 0;
      for (int i = 0; i < archs; ++i) {
        const nas::Arch a = space->sample(rng);
        t0 = Clock::now();
        auto net = space->build(a, {space->num_classes()});
        build += ms_since(t0);
        net->eval();
        t0 = Clock::now();
        net->forward(torch::randn({1, 3, 32, 32}));
        forward += ms_since(t0);
      }
      std::cout << std::left << std::setw(22) << (name + " " + options.value("dataset", "")) << std::right
                << std::setw(8) << load << std::setw(15) << build / archs << std::setw(17) << forward / archs << "\n";
    }

    auto nb201 = reg.make_space("nb201", json::object(), nas::PluginContext{}, "/space");
    RandomNeighbour mutator(*nb201);
    std::cout << "\nstrategy          ask+tell ms/query  queries  s/repeat (NB201 val_acc)\n";
    for (const auto& name : reg.names("strategy")) {
      nas::PluginContext ctx;
      ctx.seed = seed;
      ctx.space = nb201.get();
      ctx.mutator = &mutator;
      auto strategy = reg.make_strategy(name, json::object(), ctx, "/strategy");
      const int queries = name == "bananas" || name == "brp" ? 150 : 1000;
      double own = 0;
      int asked = 0;
      for (; asked < queries; ++asked) {
        auto t0 = Clock::now();
        const auto a = strategy->ask();
        own += ms_since(t0);
        if (!a) break;
        const double value = nb201->query(*a)->at("val_acc");
        t0 = Clock::now();
        strategy->tell(*a, value);
        own += ms_since(t0);
      }
      std::cout << std::left << std::setw(18) << name << std::right << std::setw(17) << std::setprecision(4)
                << own / std::max(asked, 1) << std::setw(9) << asked << std::setw(10) << std::setprecision(1)
                << own / 1000 << "\n"
                << std::setprecision(2);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_spaces: " << e.what() << "\n";
    return 1;
  }
}
