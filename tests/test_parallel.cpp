// Past one unit at a time: `mpirun -n 3 nasrun` and `nasrun --jobs 3` on
// score, correlate, compare, fit_meta and evolve_proxy pipelines leave the
// same run directory as `nasrun` alone, timing columns aside, also after a
// worker is killed and the run resumed on other ranks; the in-process
// executor's own contract (unit order, failures, real concurrency).
// The MPI cases are skipped where Open MPI (mpirun) or libnasmpi is not
// installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/options.h"
#include "temp_root.h"

namespace {

namespace fs = std::filesystem;
using nas::json;

fs::path temp_dir(const std::string& name) { return nas_test::fresh_temp_dir("parallel", name); }

// Returns stderr, then stdout: mpirun forwards the two streams separately, so
// merged with 2>&1 their lines may interleave mid-line.
std::string run(const std::string& command, const fs::path& cwd, int* code) {
  const fs::path out = cwd / "stdout.txt", err = cwd / "stderr.txt";
  const int status = std::system(
      ("cd '" + cwd.string() + "' && " + command + " > '" + out.string() + "' 2> '" + err.string() + "'").c_str());
  *code = WEXITSTATUS(status);
  std::stringstream ss;
  for (const fs::path& f : {err, out}) {
    std::ifstream in(f);
    ss << in.rdbuf();
  }
  return ss.str();
}

bool mpi_available() {
  return std::system("command -v mpirun > /dev/null 2>&1") == 0 &&
         fs::exists(fs::path(NASRUN_BINARY_DIR) / "lib/libnasmpi.so");
}

// mpirun as root in a container, more ranks than cores. Under the ASan build
// the leak check is off for MPI runs: Open MPI keeps memory until exit.
std::string mpirun(int ranks) {
  return "env ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" mpirun --allow-run-as-root --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none -n " + std::to_string(ranks) + " ";
}

std::string nasrun() { return std::string("'") + NASRUN_EXE + "' "; }

std::vector<json> lines_without_times(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    for (auto it = j.begin(); it != j.end();) it = it.key().rfind("seconds", 0) == 0 ? j.erase(it) : std::next(it);
    out.push_back(j);
  }
  return out;
}

json without(json j, const std::vector<std::string>& keys) {
  if (j.is_object()) {
    for (const auto& k : keys) j.erase(k);
    for (auto& v : j) v = without(v, keys);
  } else if (j.is_array()) {
    for (auto& v : j) v = without(v, keys);
  }
  return j;
}

json json_of(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

void write_json(const fs::path& p, const json& j) { std::ofstream(p) << j.dump(2); }

void expect_same_run(const fs::path& one, const fs::path& many) {
  EXPECT_EQ(lines_without_times(many / "scores.jsonl"), lines_without_times(one / "scores.jsonl"));
  EXPECT_EQ(without(json_of(many / "summary.json"), {"seconds", "mean_seconds"}),
            without(json_of(one / "summary.json"), {"seconds", "mean_seconds"}));
  // Less how it ran: where to, and in how many jobs.
  EXPECT_EQ(without(json_of(many / "resolved.json"), {"output", "jobs"}),
            without(json_of(one / "resolved.json"), {"output", "jobs"}));
}

// The worker scratch folders (nasrun-worker-<pid> in the temp folder) of
// processes that have ended: a worker must remove its own however it ends,
// unless killed. Folders of live processes (another test's) do not count.
std::set<fs::path> dead_workers_scratch() {
  std::set<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path())) {
    const std::string name = e.path().filename().string(), prefix = "nasrun-worker-";
    if (name.rfind(prefix, 0) != 0) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) out.insert(e.path());
  }
  return out;
}

// How a pipeline runs besides alone: on MPI ranks, or as jobs of one process.
struct Parallel {
  std::string name;     // for the test's name
  std::string prefix;   // before nasrun: the launcher
  std::string flags;    // after the pipeline
  int workers;          // ranks or jobs
  std::string first_line;  // what nasrun's first line says of them
  std::string per;      // "units computed per <per>:"
  bool mpi;
};

// CTest's test names show it: "ranks" or "jobs", not the struct's bytes.
void PrintTo(const Parallel& how, std::ostream* os) { *os << how.name; }

Parallel on_ranks(int n) {
  return {"ranks", mpirun(n), "", n, std::to_string(n) + " MPI ranks", "rank", true};
}
Parallel as_jobs(int n) {
  return {"jobs", "", " --jobs " + std::to_string(n), n, std::to_string(n) + " jobs of", "job", false};
}

// Runs pipeline `p` as one process into <d>/<name>_one and as `how` says
// into <d>/<name>_many; every rank must have computed units (equal outputs
// alone would not show that the workers took part). A job thread may start
// after the others took every fast unit: jobs are only counted (that they
// run at once is LocalExecutor.ComputesJobsUnitsAtOnce's to show).
void run_alone_and_in_parallel(const fs::path& d, json p, const std::string& name, const Parallel& how) {
  const std::set<fs::path> scratch_before = dead_workers_scratch();
  for (const char* suffix : {"_one", "_many"}) {
    p["output"] = name + suffix;
    write_json(d / (name + suffix + ".json"), p);
  }
  int code = 0;
  std::string out = run(nasrun() + name + "_one.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  out = run(how.prefix + nasrun() + name + "_many.json" + how.flags, d, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find(how.first_line), std::string::npos) << out;
  EXPECT_EQ(out.find("nasrun: error"), std::string::npos) << out;
  const std::string tag = "units computed per " + how.per + ":";
  const auto at = out.find(tag);
  ASSERT_NE(at, std::string::npos) << out;
  std::istringstream counts(out.substr(at + tag.size(), out.find('\n', at) - at - tag.size()));
  int64_t n = 0;
  int seen = 0;
  int64_t total = 0;
  while (counts >> n) {
    if (how.mpi) EXPECT_GT(n, 0) << "rank " << seen << " computed nothing: " << out;
    total += n;
    ++seen;
  }
  EXPECT_GT(total, 0) << out;
  EXPECT_EQ(seen, how.workers) << out;
  if (how.mpi)  // jobs are threads of one process: they have no scratch folder
    for (const fs::path& left : dead_workers_scratch())
      EXPECT_TRUE(scratch_before.count(left)) << "a worker left its scratch folder behind: " << left;
}

json score_pipeline(const std::string& run_kind, const std::string& output) {
  return {{"run", run_kind},  {"space", {{"name", "nb201"}}}, {"sample", 12},
          {"proxies", {"synflow", "jacov", "snip", "params"}}, {"data", {{"name", "hash"}, {"batch_size", 16}}},
          {"init", {{"kind", "hash"}}}, {"cache", false}, {"threads", 1}, {"output", output}};
}

// Each run kind that hands out units, run on 3 MPI ranks or as 3 jobs of one
// process (each job with the one thread the pipeline gives the process, so
// every unit computes as alone).
class InParallel : public ::testing::TestWithParam<Parallel> {
 protected:
  void SetUp() override {
    if (GetParam().mpi && !mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  }
  fs::path dir(const std::string& name) const { return temp_dir(name + "_" + GetParam().name); }
};

TEST_P(InParallel, ScoreAndCorrelateEqualOneProcess) {
  const fs::path d = dir("score");
  for (const std::string kind : {"score", "correlate"}) {
    ASSERT_NO_FATAL_FAILURE(run_alone_and_in_parallel(d, score_pipeline(kind, ""), kind, GetParam()));
    expect_same_run(d / (kind + "_one"), d / (kind + "_many"));
  }
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A compare of 3 strategies x 4 repeats: each (strategy, repeat) is a unit.
TEST_P(InParallel, CompareEqualsOneProcess) {
  const fs::path d = dir("compare");
  json p = {{"run", "compare"}, {"seed", 3}, {"space", {{"name", "nb201"}}}, {"budget", {{"queries", 40}}},
            {"repeats", 4}, {"threads", 1},
            {"strategies", {{{"name", "random"}}, {{"name", "aging_evolution"}, {"options", {{"population", 10}, {"sample", 3}}}},
                            {{"name", "tpe"}}}}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_in_parallel(d, p, "run", GetParam()));
  EXPECT_EQ(lines_without_times(d / "run_many/evaluations.jsonl"), lines_without_times(d / "run_one/evaluations.jsonl"));
  EXPECT_EQ(text_of(d / "run_many/curves.csv"), text_of(d / "run_one/curves.csv"));
  // Less what a clock measured: the run's wall time and the strategies' own.
  const std::vector<std::string> clock = {"wall_seconds", "ask_tell_seconds", "ask_tell_ms_per_query",
                                          "ask_tell_seconds_per_repeat"};
  EXPECT_EQ(without(json_of(d / "run_many/summary.json"), clock), without(json_of(d / "run_one/summary.json"), clock));
}

// fit_meta with computed scores: the feature rows are the units; the model,
// fitted on rank 0, is the one a single process fits.
TEST_P(InParallel, FitMetaEqualsOneProcess) {
  const fs::path d = dir("fit_meta");
  json p = {{"run", "fit_meta"}, {"space", {{"name", "nb201"}}}, {"proxies", {"params", "l2_norm", "synflow"}},
            {"encoding", "counts"}, {"train", {{"sample", 30}}}, {"test", {{"sample", 20}}},
            {"model", {{"num_round", 20}, {"nthread", 1}}}, {"data", {{"name", "hash"}, {"batch_size", 8}}},
            {"init", {{"kind", "hash"}}}, {"cache", false}, {"threads", 1}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_in_parallel(d, p, "run", GetParam()));
  EXPECT_EQ(text_of(d / "run_many/predictions.csv"), text_of(d / "run_one/predictions.csv"));
  EXPECT_EQ(text_of(d / "run_many/meta.json"), text_of(d / "run_one/meta.json"));
  EXPECT_EQ(without(json_of(d / "run_many/summary.json"), {"seconds"}),
            without(json_of(d / "run_one/summary.json"), {"seconds"}));
}

// The scores workers compute reach rank 0's score cache: a second run of
// the same pipeline computes nothing.
TEST(Mpi, FitMetaWorkersScoresReachTheCache) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("fit_meta_cache");
  json p = {{"run", "fit_meta"}, {"space", {{"name", "nb201"}}}, {"proxies", {"params", "synflow"}},
            {"encoding", "counts"}, {"train", {{"sample", 12}}}, {"test", {{"sample", 8}}},
            {"model", {{"num_round", 5}, {"nthread", 1}}}, {"data", {{"name", "hash"}, {"batch_size", 8}}},
            {"init", {{"kind", "hash"}}}, {"threads", 1}, {"output", "first"}};
  write_json(d / "first.json", p);
  p["output"] = "second";
  write_json(d / "second.json", p);
  const std::string cache = "NASRUN_CACHE_DIR='" + (d / "cache").string() + "' ";
  int code = 0;
  std::string out = run(cache + mpirun(3) + nasrun() + "first.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  out = run(cache + nasrun() + "second.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  // Every proxy's cache file: its context line and the 20 archs, whichever rank computed them.
  int files = 0;
  for (const auto& f : fs::directory_iterator(d / "cache")) {
    std::ifstream in(f.path());
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    EXPECT_EQ(lines, 21) << f.path();
    ++files;
  }
  EXPECT_EQ(files, 2);
  EXPECT_EQ(text_of(d / "second/predictions.csv"), text_of(d / "first/predictions.csv"));
}

// evolve_proxy: the search set's probes, each generation's new expressions
// and the held-out archs are units; every rank evaluates on leaves other
// ranks read, and the logs are those of one process.
TEST_P(InParallel, EvolveProxyEqualsOneProcess) {
  const fs::path d = dir("evolve_proxy");
  json p = {{"run", "evolve_proxy"}, {"space", {{"name", "nb201"}}}, {"metric", "val_acc"},
            {"search", {{"sample", 12}}}, {"holdout", {{"sample", 10}}},
            {"evolution", {{"population", 8}, {"generations", 3}}}, {"top", 2},
            {"data", {{"name", "hash"}, {"batch_size", 8}}}, {"init", {{"kind", "hash"}}}, {"threads", 1}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_in_parallel(d, p, "run", GetParam()));
  for (const char* f : {"expressions.csv", "holdout.csv"})
    EXPECT_EQ(text_of(d / "run_many" / f), text_of(d / "run_one" / f)) << f;
  for (const char* f : {"generations.jsonl", "holdout.jsonl"})
    EXPECT_EQ(lines_without_times(d / "run_many" / f), lines_without_times(d / "run_one" / f)) << f;
  EXPECT_EQ(lines_without_times(d / "run_many/generations.jsonl").size(), 4u);
  EXPECT_EQ(lines_without_times(d / "run_many/holdout.jsonl").size(), 10u);
  EXPECT_EQ(without(json_of(d / "run_many/summary.json"), {"seconds"}),
            without(json_of(d / "run_one/summary.json"), {"seconds"}));
}

INSTANTIATE_TEST_SUITE_P(ThreeWorkers, InParallel, ::testing::Values(on_ranks(3), as_jobs(3)),
                         [](const ::testing::TestParamInfo<Parallel>& info) { return info.param.name; });

// Jobs share the process's score cache: what every job computed is there
// for the next run, which computes nothing.
TEST(Jobs, EveryJobsScoresReachTheCache) {
  const fs::path d = temp_dir("jobs_cache");
  json p = score_pipeline("score", "first");
  p.erase("cache");
  write_json(d / "first.json", p);
  p["output"] = "second";
  write_json(d / "second.json", p);
  const std::string cache = "NASRUN_CACHE_DIR='" + (d / "cache").string() + "' ";
  int code = 0;
  std::string out = run(cache + nasrun() + "first.json --jobs 3", d, &code);
  ASSERT_EQ(code, 0) << out;
  out = run(cache + nasrun() + "second.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  const auto lines = lines_without_times(d / "second/scores.jsonl");
  ASSERT_EQ(lines.size(), 12u);
  for (const json& line : lines) EXPECT_TRUE(line.value("cached", false)) << line.dump();
  auto first = lines_without_times(d / "first/scores.jsonl");
  for (std::size_t k = 0; k < lines.size(); ++k)
    for (const std::string proxy : {"synflow", "jacov", "snip", "params"})
      EXPECT_EQ(lines[k].at(proxy), first.at(k).at(proxy)) << proxy << " of " << lines[k].at("arch");
}

// LibTorch's default initialisation draws from one global generator,
// seeded per arch: jobs building networks at once must not draw from each
// other's seeds (l2_norm and synflow read the weights themselves).
TEST(Jobs, TorchInitWeightsDoNotDependOnOtherJobs) {
  const fs::path d = temp_dir("jobs_torch_init");
  json p = score_pipeline("score", "");
  p["init"] = {{"kind", "torch"}};
  p["proxies"] = {"l2_norm", "synflow", "params"};
  p["sample"] = 24;
  ASSERT_NO_FATAL_FAILURE(run_alone_and_in_parallel(d, p, "run", as_jobs(4)));
  expect_same_run(d / "run_one", d / "run_many");
}

// Writes a 24-arch score pipeline as alone.json and <name>.json (into
// "alone" and <name>) and runs alone.json: what a cut run of <name>.json
// must end equal to.
void score_24_archs_alone(const fs::path& d, const std::string& name) {
  json p = score_pipeline("score", "alone");
  p["sample"] = 24;
  write_json(d / "alone.json", p);
  p["output"] = name;
  write_json(d / (name + ".json"), p);
  int code = 0;
  const std::string out = run(nasrun() + "alone.json", d, &code);
  ASSERT_EQ(code, 0) << out;
}

// Whether process `pid` runs (a zombie that no init reaped does not).
bool running(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// Ctrl-C in the middle of a run of 3 jobs: the units in flight end, what
// was accepted stays, and a resume with another count of jobs ends with the
// logs of an uninterrupted run.
TEST(Jobs, AnInterruptedRunResumesWithOtherJobs) {
  const fs::path d = temp_dir("jobs_interrupt");
  ASSERT_NO_FATAL_FAILURE(score_24_archs_alone(d, "cut"));
  int code = 0;
  std::string out;
  const std::string background =
      "cd '" + d.string() + "' && (" + nasrun() + "cut.json --jobs 3 > cut.log 2>&1 & echo $! > cut.pid)";
  ASSERT_EQ(std::system(background.c_str()), 0);
  int pid = 0;
  std::ifstream(d / "cut.pid") >> pid;
  ASSERT_GT(pid, 0);
  bool sent = false;
  for (int wait = 0; wait < 600 && !sent; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream log(d / "cut/scores.jsonl");
    const auto lines = std::count(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>(), '\n');
    if (lines >= 3) sent = ::kill(pid, SIGINT) == 0;
  }
  ASSERT_TRUE(sent) << "the run ended before it could be interrupted";
  for (int wait = 0; wait < 600 && running(pid); ++wait) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_FALSE(running(pid)) << "the run did not stop";
  EXPECT_NE(text_of(d / "cut.log").find("interrupted"), std::string::npos) << text_of(d / "cut.log");
  EXPECT_LT(lines_without_times(d / "cut/scores.jsonl").size(), 24u) << "interrupted too late to test a resume";
  out = run(nasrun() + "cut.json --resume --jobs 2", d, &code);
  ASSERT_EQ(code, 0) << out;
  expect_same_run(d / "alone", d / "cut");
}

// Under an MPI launcher every rank is one job: asking for more is refused
// in one line, before anything is written.
TEST(Jobs, MoreThanOneJobPerRankIsRefused) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("jobs_mpi");
  write_json(d / "p.json", score_pipeline("score", "out"));
  int code = 0;
  const std::string out = run("timeout 120 " + mpirun(2) + nasrun() + "p.json --jobs 2", d, &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(code, 124) << "the job hung: " << out;
  EXPECT_NE(out.find("start more ranks instead"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(d / "out/scores.jsonl"));
}

// ---- The in-process executor's contract ---------------------------------

std::vector<std::size_t> first_units(std::size_t n) {
  std::vector<std::size_t> units(n);
  for (std::size_t u = 0; u < n; ++u) units[u] = 10 * u;  // units are ids, not positions
  return units;
}

// Results are accepted in the order of `units`, on the calling thread,
// whatever order the jobs finish them in.
TEST(LocalExecutor, AcceptsInUnitOrderOnTheCallingThread) {
  for (const int jobs : {1, 4}) {
    auto executor = nas::local_executor(jobs);
    const auto units = first_units(40);
    std::vector<std::size_t> accepted;
    const auto caller = std::this_thread::get_id();
    executor->map(
        units,
        [](std::size_t u) {
          // Later units finish first.
          std::this_thread::sleep_for(std::chrono::microseconds(400 - u));
          return std::to_string(u * u);
        },
        [&](std::size_t u, const std::string& result) {
          EXPECT_EQ(std::this_thread::get_id(), caller);
          EXPECT_EQ(result, std::to_string(u * u));
          accepted.push_back(u);
        });
    EXPECT_EQ(accepted, units) << jobs << " jobs";
    EXPECT_EQ(executor->jobs(), jobs);
  }
}

// Jobs really compute at once: each of the first three units waits until
// all three have started (with one thread this would time out).
TEST(LocalExecutor, ComputesJobsUnitsAtOnce) {
  auto executor = nas::local_executor(3);
  std::mutex m;
  std::condition_variable cv;
  int started = 0;
  std::atomic<bool> all_met{true};
  executor->map(first_units(3),
                [&](std::size_t u) {
                  std::unique_lock<std::mutex> lock(m);
                  ++started;
                  cv.notify_all();
                  if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return started == 3; })) all_met = false;
                  return std::to_string(u);
                },
                [](std::size_t, const std::string&) {});
  EXPECT_TRUE(all_met) << "the three units did not run at the same time";
  const std::vector<int64_t> per_job = executor->units_per_worker();
  ASSERT_EQ(per_job.size(), 3u);
  for (const int64_t n : per_job) EXPECT_EQ(n, 1);
}

// A unit that throws: the units before it are accepted, none after it, and
// its exception reaches the caller, as with one thread.
TEST(LocalExecutor, AFailedUnitEndsTheMapAfterTheUnitsBeforeIt) {
  for (const int jobs : {1, 4}) {
    auto executor = nas::local_executor(jobs);
    const auto units = first_units(30);
    std::vector<std::size_t> accepted;
    try {
      executor->map(
          units,
          [](std::size_t u) -> std::string {
            if (u == 120) throw nas::Error("unit 120 failed");
            return std::to_string(u);
          },
          [&](std::size_t u, const std::string&) { accepted.push_back(u); });
      ADD_FAILURE() << "no exception with " << jobs << " jobs";
    } catch (const nas::Error& e) {
      EXPECT_STREQ(e.what(), "unit 120 failed");
    }
    EXPECT_EQ(accepted, std::vector<std::size_t>(units.begin(), units.begin() + 12)) << jobs << " jobs";
  }
}

// An exception from `accept` (the writer could not write) stops the handing
// out, waits for the units in flight and reaches the caller.
TEST(LocalExecutor, AFailedAcceptStopsTheMap) {
  auto executor = nas::local_executor(4);
  std::atomic<int> computed{0};
  std::vector<std::size_t> accepted;
  try {
    executor->map(
        first_units(200),
        [&](std::size_t u) {
          ++computed;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          return std::to_string(u);
        },
        [&](std::size_t u, const std::string&) {
          if (u == 50) throw nas::Error("disk full");
          accepted.push_back(u);
        });
    ADD_FAILURE() << "no exception";
  } catch (const nas::Error& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_EQ(accepted, first_units(5));
  EXPECT_LT(computed.load(), 200) << "the jobs went on after accept failed";
}

// A resume may use another number of ranks: half a run on one process,
// the rest on two, ends as the uninterrupted run.
TEST(Mpi, AResumeMayUseAnotherNumberOfRanks) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("resume");
  json p = score_pipeline("score", "whole");
  write_json(d / "whole.json", p);
  int code = 0;
  std::string out = run(nasrun() + "whole.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  // The first 5 archs' lines, as a run stopped there leaves them.
  fs::create_directories(d / "part");
  {
    std::ifstream in(d / "whole/scores.jsonl");
    std::ofstream part(d / "part/scores.jsonl");
    std::string line;
    for (int i = 0; i < 5 && std::getline(in, line); ++i) part << line << "\n";
  }
  p["output"] = "part";
  {
    std::ifstream in(d / "whole/resolved.json");
    json resolved = json::parse(in);
    resolved["output"] = "part";
    write_json(d / "part/resolved.json", resolved);
  }
  write_json(d / "part.json", p);
  out = run(mpirun(2) + nasrun() + "part.json --resume", d, &code);
  ASSERT_EQ(code, 0) << out;
  expect_same_run(d / "whole", d / "part");
}

// The pid of the nasrun process of MPI rank `rank` running `pipeline`, or 0.
int pid_of_rank(const std::string& pipeline, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (cmdline.find(NASRUN_EXE) != 0 || cmdline.find(pipeline) == std::string::npos) continue;
    std::ifstream env(entry.path() / "environ");
    std::string vars((std::istreambuf_iterator<char>(env)), std::istreambuf_iterator<char>());
    if (vars.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos)
      return std::stoi(name);
  }
  return 0;
}

// kill -9 of a worker in the middle of a 3-rank run ends the job; a resume
// on 2 ranks ends with the logs of an uninterrupted one-process run.
TEST(Mpi, AKilledWorkerLosesNothingAfterAResume) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("kill");
  ASSERT_NO_FATAL_FAILURE(score_24_archs_alone(d, "killed"));
  int code = 0;
  std::string out;

  const std::string background = "cd '" + d.string() + "' && (" + mpirun(3) + nasrun() +
                                 "killed.json > killed.log 2>&1 &)";
  ASSERT_EQ(std::system(background.c_str()), 0);
  // Once a few archs are in the log, kill rank 1.
  int victim = 0;
  for (int wait = 0; wait < 600 && !victim; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream log(d / "killed/scores.jsonl");
    const auto lines = std::count(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>(), '\n');
    if (lines >= 3) victim = pid_of_rank("killed.json", 1);
  }
  ASSERT_NE(victim, 0) << "no worker to kill";
  ::kill(victim, SIGKILL);
  for (int wait = 0; wait < 600 && pid_of_rank("killed.json", 0); ++wait)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(pid_of_rank("killed.json", 0), 0) << "the job went on after a worker died";
  EXPECT_LT(lines_without_times(d / "killed/scores.jsonl").size(), 24u) << "killed too late to test a resume";

  // A killed worker cannot remove its scratch folder: the next worker does.
  const fs::path victims_scratch = fs::temp_directory_path() / ("nasrun-worker-" + std::to_string(victim));
  EXPECT_TRUE(fs::exists(victims_scratch)) << victims_scratch;

  out = run(mpirun(2) + nasrun() + "killed.json --resume", d, &code);
  ASSERT_EQ(code, 0) << out;
  expect_same_run(d / "alone", d / "killed");
  EXPECT_FALSE(fs::exists(victims_scratch)) << "left behind: " << victims_scratch;
}

// A failure only the writer sees (its run directory already holds a run)
// ends every rank with one line, not a job that waits forever.
TEST(Mpi, AWriterOnlyFailureEndsTheJob) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("fail");
  write_json(d / "p.json", score_pipeline("score", "out"));
  fs::create_directories(d / "out");
  std::ofstream(d / "out/resolved.json") << "{}";
  int code = 0;
  const std::string out = run("timeout 120 " + mpirun(3) + nasrun() + "p.json", d, &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(code, 124) << "the job hung: " << out;
  EXPECT_NE(out.find("already holds a run"), std::string::npos) << out;
}

}  // namespace
