// bench_proxies: seconds per arch per proxy, all proxies together (shared
// probes) per arch, archs per second, peak memory and the device, for a
// seeded sample of architectures.
//
//   build/bin/bench_proxies [--space nb201] [--archs 10] [--device cpu]
//                           [--proxies grad_norm,snip,...] [--data hash|cifar10]
//                           [--seed 0] [--threads N] [--reference FILE]
//                           [--reference-2024 FILE] [--fixture-archs]
//
// For nb201 it prints next to each figure the reference Python code's
// seconds per arch (zero-cost-nas / NASLib, torch 1.13.1, one thread, median
// over 40 archs, from the fixtures' reference_timing_cpu_s) and the ratio;
// compare with --threads 1, as the reference was measured, and with
// --fixture-archs --init hash (the fixtures' 25 archs, which are 25 of the
// reference's 40; a random sample may hold heavier or lighter archs). The
// newer proxies (ZiCo, MeCo, SWAP, TE-NAS, ...) were timed by measure group
// (nb201_proxies_2024.json); each group is timed together against that.
//
// The 2022-2024 proxies' reference times (tests/data/nb201_proxies_2024.json)
// are per group of proxies the authors compute in one call (aznas = its three
// components, tenas = ntk + linear regions, meco = meco + meco_pt, swap =
// swap + swap_reg): each group present is also timed together, sharing
// probes, next to its reference.
//
// "alone" times each proxy with a fresh network and probe context, as the
// reference driver runs them (one deep copy and its own passes per proxy);
// "shared" times the whole set through one Scorer, the way `nasrun score`
// runs them. The first arch is a warm-up and is not counted.
#include <ATen/Parallel.h>
#include <boost/program_options.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nas/allocator.h"
#include "nas/data.h"
#include "nas/registry.h"
#include "nas/scorer.h"
#include "nas/threads.h"

namespace po = boost::program_options;
using nas::json;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// expr and meta cannot be built without an expression or a model file, so
// the default set (every proxy) leaves out whatever has a required option.
bool needs_required_option(const nas::LoadedPlugin& plugin) {
  for (const auto& spec : plugin.options)
    if (spec.default_value.is_null()) return true;
  return false;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  nas::keep_freed_memory_in_heap();  // as nasrun does
  std::string space_name = "nb201", device_name = "cpu", proxy_list, data_name = "hash";
  std::string reference_file = std::string(NASRUN_SOURCE_DIR) + "/tests/data/nb201_proxies.json";
  std::string reference_2024 = std::string(NASRUN_SOURCE_DIR) + "/tests/data/nb201_proxies_2024.json";
  int archs = 10, threads = 0;
  bool fixture_archs = false;
  std::string init_kind = "torch";
  uint64_t seed = 0;
  po::options_description opts("bench_proxies");
  opts.add_options()("help", "this help")("space", po::value(&space_name), "space plugin")(
      "archs", po::value(&archs), "archs timed (after one warm-up)")("device", po::value(&device_name), "cpu | cuda")(
      "proxies", po::value(&proxy_list), "comma-separated (default: every proxy plugin)")(
      "data", po::value(&data_name), "hash | cifar10 | synthetic")("seed", po::value(&seed), "sample seed")(
      "threads", po::value(&threads), "intra-op threads (0 = the cores of the CPU affinity)")(
      "reference", po::value(&reference_file), "fixtures JSON with reference_timing_cpu_s (nb201 only)")(
      "reference-2024", po::value(&reference_2024),
      "the newer proxies' fixtures: reference_timing_cpu_s per measure group (nb201 only)")(
      "fixture-archs", po::bool_switch(&fixture_archs), "time the archs of the --reference file's cases (the first --archs of them when given) instead of a sample")(
      "init", po::value(&init_kind), "torch | hash (the fixtures' weights)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, opts), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  try {
    nas::apply_thread_count(threads);
    nas::Registry reg;
    reg.scan(nas::plugin_search_path({}));
    nas::PluginContext ctx;
    ctx.seed = seed;
    auto space = reg.make_space(space_name, json::object(), ctx, "/space");
    const std::vector<std::string> names = proxy_list.empty() ? reg.names("proxy") : split(proxy_list);
    std::vector<nas::NamedProxy> proxies;
    ctx.space = space.get();
    for (const auto& n : names) {
      if (proxy_list.empty() && (n == "my_proxy" || needs_required_option(reg.require("proxy", n)))) continue;
      proxies.push_back({n, reg.make_proxy(n, json::object(), ctx, "/proxies")});
    }
    const c10::Device device = nas::resolve_device(device_name);
    json data = nas::DataOptions().set_name(data_name).to_json();
    data["seed"] = seed;
    const nas::Batch batch = nas::make_batch(data, space->num_classes(), "/data", device);
    const nas::InitSpec init{init_kind, seed};

    nas::Rng rng(nas::derive_seed(seed, 0xbe7c));
    std::vector<nas::Arch> sample;
    if (fixture_archs) {
      std::ifstream in(reference_file);
      if (!in) throw std::runtime_error(reference_file + ": cannot read (--reference)");
      const json cases = json::parse(in).at("cases");
      // An explicit --archs takes the first cases: on a busy machine all 25
      // can take longer than the time one has.
      const int available = static_cast<int>(cases.size());
      archs = vm.count("archs") && !vm["archs"].defaulted() ? std::min(archs, available) : available;
      sample.push_back(space->parse(cases.at(0).at("arch")));  // the warm-up
      for (int i = 0; i < archs; ++i) sample.push_back(space->parse(cases.at(i).at("arch")));
    } else {
      for (int i = 0; i <= archs; ++i) sample.push_back(space->sample(rng));
    }

    std::vector<double> alone(proxies.size(), 0.0);
    for (std::size_t p = 0; p < proxies.size(); ++p) {
      nas::Scorer one(*space, {proxies[p]}, batch, init, device);
      for (int i = 0; i <= archs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        one.score(sample[i]);
        if (i > 0) alone[p] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
    }
    nas::Scorer all(*space, proxies, batch, init, device);
    double shared = 0;
    for (int i = 0; i <= archs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      all.score(sample[i]);
      if (i > 0) shared += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    json reference = json::object();
    if (space_name == "nb201") {
      std::ifstream in(reference_file);
      if (in) reference = json::parse(in).value("reference_timing_cpu_s", json::object());
    }
    const auto reference_of = [&](const std::string& proxy) {
      return reference.contains(proxy) ? reference.at(proxy).get<double>() : 0.0;
    };

    double alone_total = 0, reference_total = 0;
    std::cout << "device " << device.str() << ", threads " << at::get_num_threads() << ", space " << space_name
              << ", " << archs << " archs, batch " << batch.inputs.size(0) << " (" << data_name << ")\n";
    std::cout << std::fixed << std::setprecision(4);
    std::cout << std::left << std::setw(12) << "proxy" << std::setw(14) << "  s/arch alone"
              << (reference.empty() ? "" : "  reference s/arch (1 thread)  ratio") << "\n";
    for (std::size_t p = 0; p < proxies.size(); ++p) {
      const double mine = alone[p] / archs, ref = reference_of(proxies[p].name);
      std::cout << std::left << std::setw(12) << proxies[p].name << "  " << std::setw(12) << mine;
      if (ref > 0) std::cout << "  " << std::setw(28) << ref << std::setprecision(2) << ref / mine << "x" << std::setprecision(4);
      std::cout << "\n";
      alone_total += mine;
      reference_total += ref;
    }
    std::cout << "all proxies, each alone:   " << alone_total << " s/arch\n";
    std::cout << "all proxies, shared probes: " << shared / archs << " s/arch (" << archs / shared << " archs/s, "
              << std::setprecision(2) << alone_total / (shared / archs) << "x)\n";
    if (reference_total > 0)
      std::cout << std::setprecision(4) << "reference, these proxies: " << reference_total << " s/arch (one thread); "
                << "shared probes are " << std::setprecision(2) << reference_total / (shared / archs)
                << "x faster\n";
    // The newer proxies' reference was timed per measure group (meco =
    // meco + meco_pt, swap = swap + swap_reg, tenas = ntk + linear regions,
    // ...): each group, scored together through one Scorer, against it.
    json groups = json::object();
    if (space_name == "nb201") {
      std::ifstream in(reference_2024);
      if (in) groups = json::parse(in).value("reference_timing_cpu_s", json::object());
    }
    bool header = false;
    for (const auto& [group, ref] : groups.items()) {
      std::vector<nas::NamedProxy> members;
      for (const auto& p : proxies)
        if (p.name == group || p.name.rfind(group + "_", 0) == 0) members.push_back(p);
      if (members.empty()) continue;
      nas::Scorer together(*space, members, batch, init, device);
      // Process CPU seconds too: on a shared machine, wall time also counts
      // the other processes' turns (equal to it when the CPU is ours).
      double seconds = 0, cpu = 0;
      for (int i = 0; i <= archs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        together.score(sample[i]);
        if (i > 0) {
          seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
        }
      }
      if (!header)
        std::cout << "measure group (newer proxies)  s/arch together  CPU s/arch  reference s/arch (1 thread)  "
                     "ratio (wall)\n";
      header = true;
      std::string names;
      for (const auto& m : members) names += (names.empty() ? "" : "+") + m.name;
      std::cout << std::left << std::setw(31) << (group + " (" + names + ")").substr(0, 30) << " " << std::setprecision(4)
                << std::setw(17) << seconds / archs << std::setw(12) << cpu / archs << std::setw(28) << ref.get<double>()
                << std::setprecision(2)
                << ref.get<double>() / (seconds / archs) << "x" << std::endl;
    }
    std::cout << "peak memory " << std::setprecision(0) << peak_rss_mib() << " MiB\n";
  } catch (const std::exception& e) {
    std::cerr << "bench_proxies: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
