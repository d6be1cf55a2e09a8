// nasrun: the front door.
//   nasrun PIPELINE.json [--output DIR] [--device auto|cpu|cuda] [--threads N]
//                        [--plugin-path DIR]... [--resume | --overwrite]
//                        [--quiet | --verbose]
//   nasrun --resume RUN_DIR        continue the run kept in RUN_DIR
//   nasrun --list [--json]         every plugin found, with its options
#include <boost/program_options.hpp>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nas/allocator.h"
#include "nas/errors.h"
#include "nas/interrupt.h"
#include "nas/pipeline.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/scorer.h"
#include "nas/threads.h"

namespace po = boost::program_options;
using nas::json;

namespace {

void print_list(const nas::Registry& reg, bool as_json) {
  const json plugins = nas::describe_plugins(reg);
  if (as_json) {
    std::cout << json{{"plugins", plugins}, {"refused", reg.refusals()}}.dump(2) << "\n";
    return;
  }
  const std::pair<const char*, const char*> kinds[] = {{"space", "spaces"}, {"proxy", "proxies"}, {"strategy", "strategies"}};
  for (const auto& [kind, heading] : kinds) {
    std::cout << heading << ":\n";
    for (const auto& p : plugins) {
      if (p["kind"] != kind) continue;
      std::cout << "  " << std::left << std::setw(18) << p["name"].get<std::string>() << " v"
                << p["version"].get<std::string>() << "  " << p["summary"].get<std::string>() << "\n";
      for (const auto& o : p["options"]) {
        std::cout << "      " << std::setw(18) << o["name"].get<std::string>() << std::setw(8)
                  << o["type"].get<std::string>() << " default " << o["default"].dump() << "  "
                  << o["doc"].get<std::string>() << "\n";
      }
    }
  }
  for (const auto& r : reg.refusals()) std::cout << "refused: " << r << "\n";
}

std::string fixed(const json& v, int digits) {
  if (!v.is_number()) return v.is_string() ? v.get<std::string>() : v.dump();
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v.get<double>();
  return os.str();
}
std::string fixed2(const json& v) { return fixed(v, 2); }

void print_result(const json& summary, const std::string& dir) {
  std::cout << "results: " << dir << "\n";
  if (summary.at("run") == "search") {
    // The best arch over all repeats by the objective, with its accuracies.
    const json* best = nullptr;
    for (const auto& r : summary.at("repeats"))
      if (r.at("best_objective").is_number() &&
          (!best || r.at("best_objective").get<double>() > best->at("best_objective").get<double>()))
        best = &r;
    if (best)
      std::cout << "best architecture (repeat " << best->at("repeat") << "): " << best->at("best_arch").get<std::string>()
                << "\n  val_acc " << fixed2(best->at("best_val_acc")) << "  test_acc " << fixed2(best->at("best_test_acc"))
                << "\n";
    std::cout << "over " << summary.at("repeats").size() << " repeats: mean best test_acc "
              << fixed2(summary.at("mean_best_test_acc")) << " (sd " << fixed2(summary.at("std_best_test_acc")) << ")\n";
  } else if (summary.at("run") == "compare") {
    std::cout << "mean final test_acc over " << summary.at("strategies").begin()->at("repeats").size()
              << " repeats:\n";
    for (auto it = summary.at("strategies").begin(); it != summary.at("strategies").end(); ++it)
      std::cout << "  " << std::left << std::setw(34) << it.key() << " " << fixed2(it->at("mean_final_test_acc"))
                << " (sd " << fixed2(it->at("std_final_test_acc")) << ")\n";
  } else if (summary.at("run") == "evolve_proxy") {
    std::cout << "held-out spearman on " << summary.at("holdout").at("n") << " archs (search set "
              << summary.at("search").at("n") << ", " << summary.at("evaluated") << " expressions evaluated):\n";
    for (const char* group : {"best", "baselines"})
      for (const auto& e : summary.at(group))
        std::cout << "  " << std::left << std::setw(9) << (group == std::string("best") ? "evolved" : "seed") << " search "
                  << fixed(e.at("search_spearman"), 3) << "  held-out " << fixed(e.at("holdout_spearman"), 3) << "  "
                  << e.at("expr").get<std::string>() << "\n";
  } else if (summary.at("run") == "fit_meta") {
    const json& t = summary.at("test");
    std::cout << "meta-proxy on " << t.at("n") << " test archs (" << summary.at("train").at("n")
              << " training): spearman " << t.at("spearman") << "  kendall " << t.at("kendall") << "\n";
  } else {
    for (auto it = summary.at("proxies").begin(); it != summary.at("proxies").end(); ++it) {
      std::cout << "  " << std::left << std::setw(12) << it.key();
      if (it->contains("spearman"))
        std::cout << " spearman " << it->at("spearman") << "  kendall " << it->at("kendall") << "  n " << it->at("n");
      std::cout << "  nonfinite " << it->at("nonfinite");
      if (it->at("mean_seconds").is_number()) std::cout << "  s/arch " << it->at("mean_seconds");
      std::cout << "\n";
    }
    const json& seconds = summary.at("seconds");
    const int64_t computed = seconds.at("archs_computed").get<int64_t>();
    std::cout << computed << " of " << summary.at("archs") << " archs computed (the rest from the score cache)";
    if (computed > 0)
      std::cout << ": " << seconds.at("mean_per_arch") << " s/arch, of which " << seconds.at("mean_shared")
                << " s the network build and shared passes";
    std::cout << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  nas::install_interrupt_handlers();
  nas::keep_freed_memory_in_heap();
  po::options_description opts("nasrun options");
  std::vector<std::string> plugin_paths;
  std::string output, device, resume_dir;
  int threads = 0;
  opts.add_options()("help,h", "show this help")("version", "print the version")(
      "list", "list every plugin found (kind, name, version, options with defaults)")(
      "json", "with --list: print JSON")("output,o", po::value(&output), "run directory (overrides \"output\")")(
      "device", po::value(&device), "auto | cpu | cuda (overrides \"device\")")(
      "threads", po::value(&threads),
      "LibTorch threads per process (overrides \"threads\"; default: the cores of the CPU affinity divided among "
      "the processes on this node)")(
      "plugin-path", po::value(&plugin_paths), "a folder of plugins, searched first (repeatable)")(
      "resume", po::value(&resume_dir)->implicit_value(""),
      "continue the run in the output folder (or in the RUN_DIR given) from its logs")(
      "overwrite", "replace a run already in the output folder")("quiet,q", "print only the result")(
      "verbose,v", "print more while running")("pipeline", po::value<std::string>(), "pipeline JSON file");
  po::positional_options_description pos;
  pos.add("pipeline", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "nasrun: " << e.what() << " (see nasrun --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "usage: nasrun PIPELINE.json [options]\n       nasrun --resume RUN_DIR\n       nasrun --list [--json]\n\n"
              << opts;
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "nasrun " << NASRUN_VERSION << " (plugin ABI " << nas::kNasPluginAbiVersion << ", LibTorch "
              << NAS_TORCH_VERSION << ")\n";
    return 0;
  }
  try {
    nas::Registry registry;
    registry.scan(nas::plugin_search_path(plugin_paths));
    if (vm.count("list")) {
      print_list(registry, vm.count("json") > 0);
      return 0;
    }
    const bool resume = vm.count("resume") > 0;
    std::string pipeline_file;
    if (vm.count("pipeline")) {
      pipeline_file = vm["pipeline"].as<std::string>();
    } else if (resume && !resume_dir.empty()) {
      pipeline_file = (std::filesystem::path(resume_dir) / "resolved.json").string();
      if (output.empty()) output = resume_dir;
    } else {
      std::cerr << "nasrun: no pipeline given (usage: nasrun PIPELINE.json; nasrun --help)\n";
      return 2;
    }
    if (resume && !resume_dir.empty() && vm.count("pipeline") && output.empty()) output = resume_dir;
    const auto verbosity = vm.count("quiet") ? nas::Verbosity::Quiet
                           : vm.count("verbose") ? nas::Verbosity::Verbose
                                                 : nas::Verbosity::Normal;
    if (verbosity != nas::Verbosity::Quiet)
      for (const auto& r : registry.refusals()) std::cerr << "warning: plugin refused: " << r << "\n";
    const json raw = nas::read_pipeline_file(pipeline_file);
    if (threads < 0) {
      std::cerr << "nasrun: --threads must be >= 1 (or 0 for the default), got " << threads << "\n";
      return 2;
    }
    const json resolved = nas::resolve_pipeline(raw, registry, {output, device, threads}, pipeline_file);
    nas::RunDir dir(resolved.at("output"), resolved, resume, vm.count("overwrite") > 0);
    const int threads_in_use = nas::apply_thread_count(resolved.at("threads").get<int>());
    if (verbosity != nas::Verbosity::Quiet)
      std::cerr << "nasrun: " << resolved.at("run").get<std::string>() << " run on "
                << nas::resolve_device(resolved.at("device")).str() << ", " << threads_in_use << " thread"
                << (threads_in_use == 1 ? "" : "s") << ", into " << dir.path() << "\n";
    nas::RunContext ctx{&registry, &dir, verbosity};
    const json summary = nas::run_pipeline(resolved, ctx);
    if (!summary.value("complete", true)) {
      std::cerr << "nasrun: interrupted; what was evaluated is in " << dir.path()
                << " (summary marked incomplete). Continue with: nasrun " << pipeline_file << " --output "
                << dir.path() << " --resume\n";
      return 130;
    }
    print_result(summary, dir.path());
    return 0;
  } catch (const nas::PipelineError& e) {
    std::cerr << "nasrun: pipeline error at " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::string msg = e.what();
    const auto nl = msg.find('\n');
    if (nl != std::string::npos) msg = msg.substr(0, nl);
    std::cerr << "nasrun: error: " << msg << "\n";
    return 1;
  }
}
