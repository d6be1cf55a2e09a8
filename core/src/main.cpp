// nasrun: the front door.
//   nasrun PIPELINE.json [--output DIR] [--device auto|cpu|cuda] [--threads N] [--jobs N]
//                        [--plugin-path DIR]... [--resume | --overwrite]
//                        [--quiet | --verbose]
//   nasrun --resume RUN_DIR        continue the run kept in RUN_DIR
//   nasrun --list [--json]         every plugin found, with its options
#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <signal.h>
#include <unistd.h>

#include "nas/allocator.h"
#include "nas/device.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"
#include "nas/pipeline.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/run_kind.h"
#include "nas/threads.h"

namespace po = boost::program_options;
using nas::json;

namespace {

void print_options(const json& options, std::size_t width) {
  for (const auto& o : options)
    std::cout << "      " << std::left << std::setw(static_cast<int>(width)) << o["name"].get<std::string>() << "  "
              << std::setw(7) << o["type"].get<std::string>()
              << (o.value("optional", false) ? std::string(" optional")
                  : o["default"].is_null()   ? std::string(" required")
                                             : " default " + o["default"].dump())
              << "  "
              << o["doc"].get<std::string>() << "\n";
}

void print_list(const nas::Registry& reg, bool as_json) {
  const json plugins = nas::describe_plugins(reg);
  const std::string default_run = nas::default_run_kind(reg);
  json common = json::array();
  for (const auto& k : nas::PipelineKeys::schema())
    common.push_back({{"name", k.name},
                      {"type", nas::to_string(k.type)},
                      {"default", k.name == "run" ? json(default_run) : k.default_value},
                      {"doc", k.doc}});
  if (as_json) {
    std::cout << json{{"plugins", plugins}, {"pipeline_keys", common}, {"refused", reg.refusals()}}.dump(2) << "\n";
    return;
  }
  // Columns sized to the longest name, so no name runs into its type.
  std::size_t name_width = 0, option_width = 0;
  for (const auto& p : plugins) {
    name_width = std::max(name_width, p["name"].get<std::string>().size());
    for (const auto& o : p["options"]) option_width = std::max(option_width, o["name"].get<std::string>().size());
  }
  for (const auto& k : common) option_width = std::max(option_width, k["name"].get<std::string>().size());
  std::cout << "pipeline keys (every run kind):\n";
  print_options(common, option_width);
  const std::pair<const char*, const char*> kinds[] = {
      {"run", "run kinds (their pipeline keys)"}, {"space", "spaces"}, {"proxy", "proxies"},
      {"population", "population proxies (score a set of archs from per-arch proxies)"}, {"strategy", "strategies"}};
  for (const auto& [kind, heading] : kinds) {
    std::cout << heading << ":\n";
    for (const auto& p : plugins) {
      if (p["kind"] != kind) continue;
      std::cout << "  " << std::left << std::setw(static_cast<int>(name_width)) << p["name"].get<std::string>() << "  v"
                << p["version"].get<std::string>() << "  " << p["summary"].get<std::string>()
                << (kind == std::string("run") && p["name"] == default_run ? " (default)" : "") << "\n";
      print_options(p["options"], option_width);
    }
  }
  for (const auto& r : reg.refusals()) std::cout << "refused: " << r << "\n";
}

// A worker's scratch folder: only the writer writes the run directory, so a
// worker's RunDir points here. A worker removes its own on the way out; one
// that was killed cannot, so each worker first removes those of processes
// that no longer exist (another user's live process answers EPERM: kept).
std::filesystem::path worker_scratch() {
  const std::string prefix = "nasrun-worker-";
  const std::filesystem::path tmp = std::filesystem::temp_directory_path();
  std::error_code ec;
  for (std::filesystem::directory_iterator it(tmp, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::atol(name.c_str() + prefix.size());
    std::error_code ignored;
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      std::filesystem::remove_all(it->path(), ignored);
  }
  return tmp / (prefix + std::to_string(::getpid()));
}

}  // namespace

int main(int argc, char** argv) {
  nas::install_interrupt_handlers();
  nas::keep_freed_memory_in_heap();
  // First, before the options: MPI_Init may take its own arguments out of argv.
  std::unique_ptr<nas::Executor> executor;
  try {
    executor = nas::make_executor(&argc, &argv);
  } catch (const std::exception& e) {
    std::cerr << "nasrun: error: " << e.what() << "\n";
    return 1;
  }
  const bool writer = executor->is_writer();
  // A failure the writer alone sees (its run directory, say) would leave the
  // workers waiting for work: it ends the whole job.
  const auto fail = [&](int code) {
    std::cerr.flush();
    if (writer) executor->abandon(code);
    return code;
  };
  po::options_description opts("nasrun options");
  std::vector<std::string> plugin_paths;
  std::string output, device, resume_dir;
  int threads = 0, jobs = 0;
  opts.add_options()("help,h", "show this help")("version", "print the version")(
      "list", "list every plugin found (kind, name, version, options with defaults)")(
      "json", "with --list: print JSON")("output,o", po::value(&output), "run directory (overrides \"output\")")(
      "device", po::value(&device), "auto | cpu | cuda (overrides \"device\")")(
      "threads", po::value(&threads),
      "LibTorch threads per process, shared among its jobs (overrides \"threads\"; default: the cores of the CPU "
      "affinity divided among the processes on this node)")(
      "jobs", po::value(&jobs),
      "work units computed at once in this process, sharing its threads (overrides \"jobs\"; default 1)")(
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
      if (writer) print_list(registry, vm.count("json") > 0);
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
    const auto verbosity = vm.count("quiet") || !writer ? nas::Verbosity::Quiet
                           : vm.count("verbose") ? nas::Verbosity::Verbose
                                                 : nas::Verbosity::Normal;
    if (verbosity != nas::Verbosity::Quiet)
      for (const auto& r : registry.refusals()) std::cerr << "warning: plugin refused: " << r << "\n";
    const json raw = nas::read_pipeline_file(pipeline_file);
    if (threads < 0) {
      std::cerr << "nasrun: --threads must be >= 1 (or 0 for the default), got " << threads << "\n";
      return 2;
    }
    if (jobs < 0 || (vm.count("jobs") && jobs == 0)) {
      std::cerr << "nasrun: --jobs must be >= 1, got " << jobs << "\n";
      return 2;
    }
    const json resolved = nas::resolve_pipeline(raw, registry, {output, device, threads, jobs}, pipeline_file);
    const int jobs_in_use = resolved.at("jobs").get<int>();
    if (jobs_in_use > 1 && executor->processes() > 1) {
      // Every rank is one job: threads inside ranks would need a thread-safe
      // MPI, which the executor does not ask for.
      if (writer)
        std::cerr << "nasrun: jobs is " << jobs_in_use << ", but under an MPI launcher each rank computes one unit at "
                  << "a time: start more ranks instead (--jobs 1 here)\n";
      return fail(2);
    }
    const c10::Device run_device = nas::resolve_device(resolved.at("device"));
    const auto run_kind = registry.make_run(resolved.at("run"));
    if (jobs_in_use > 1 && run_kind->distributes())
      executor = nas::local_executor(jobs_in_use, [run_device] { return nas::enter_job(run_device); });
    if (!writer && !run_kind->distributes()) return 0;  // the writer runs it alone
    // Only the writer writes the run directory; a worker's is a scratch folder.
    const std::filesystem::path scratch = writer ? std::filesystem::path() : worker_scratch();
    // Removed on every way out of this scope (a failed unit throws).
    const struct ScratchRemover {
      const std::filesystem::path* path;
      bool active;
      ~ScratchRemover() {
        std::error_code ec;
        if (active) std::filesystem::remove_all(*path, ec);
      }
    } remove_scratch{&scratch, !writer};
    nas::RunDir dir(writer ? resolved.at("output").get<std::string>() : scratch.string(), resolved,
                    writer && resume, writer ? vm.count("overwrite") > 0 : true);
    const int threads_in_use = nas::apply_thread_count(resolved.at("threads").get<int>(), executor->jobs());
    if (verbosity != nas::Verbosity::Quiet)
      std::cerr << "nasrun: " << resolved.at("run").get<std::string>() << " run on " << run_device.str() << ", "
                << (executor->jobs() > 1 ? std::to_string(executor->jobs()) + " jobs of " : std::string()) << threads_in_use
                << " thread" << (threads_in_use == 1 ? "" : "s")
                << (executor->processes() > 1 ? " per process, " + executor->describe() : std::string())
                << (executor->processes() > 1 && !run_kind->distributes() ? " (this run kind runs on rank 0 alone)" : "")
                << (jobs_in_use > 1 && !run_kind->distributes() ? " (this run kind computes one unit at a time)" : "")
                << ", into " << dir.path() << "\n";
    const nas::RunContext ctx{&registry, &dir, verbosity, executor.get()};
    const json summary = run_kind->run(resolved, ctx);
    if (!writer) return 0;
    const std::vector<int64_t> per_worker = executor->units_per_worker();
    if (verbosity != nas::Verbosity::Quiet && !per_worker.empty()) {
      // One write: under mpirun, stderr and stdout reach the terminal through
      // separate forwarders, and a line written in pieces can be split by stdout.
      std::string line = std::string("nasrun: units computed per ") + (executor->processes() > 1 ? "rank:" : "job:");
      for (const int64_t n : per_worker) line += " " + std::to_string(n);
      std::cerr << line + "\n" << std::flush;
    }
    if (!summary.value("complete", true)) {
      std::cerr << "nasrun: interrupted; what was evaluated is in " << dir.path()
                << " (summary marked incomplete). Continue with: nasrun " << pipeline_file << " --output "
                << dir.path() << " --resume\n";
      return 130;
    }
    std::cout << "results: " << dir.path() << "\n";
    run_kind->report(summary, std::cout);
    return 0;
  } catch (const nas::PipelineError& e) {
    // Every process resolves the same pipeline: the writer alone says so.
    if (writer) std::cerr << "nasrun: pipeline error at " << e.what() << "\n";
    return fail(1);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    const auto nl = msg.find('\n');
    if (nl != std::string::npos) msg = msg.substr(0, nl);
    std::cerr << "nasrun: error: " << (writer ? "" : "(a worker) ") << msg << "\n";
    return fail(1);
  }
}
