// Past one process: `mpirun -n 3 nasrun` on score, correlate and compare
// pipelines leaves the same run directory as `nasrun` alone, timing columns
// aside, also after a worker is killed and the run resumed on other ranks.
// Skipped where Open MPI (mpirun) or libnasmpi is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nas/options.h"
#include "temp_root.h"

namespace {

namespace fs = std::filesystem;
using nas::json;

fs::path temp_dir(const std::string& name) { return nas_test::fresh_temp_dir("mpi", name); }

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
  EXPECT_EQ(without(json_of(many / "resolved.json"), {"output"}), without(json_of(one / "resolved.json"), {"output"}));
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

// Runs pipeline `p` as one process into <d>/<name>_one and on `ranks` MPI
// ranks into <d>/<name>_many; every rank must have computed units (equal
// outputs alone would not show that the workers took part).
void run_alone_and_on_ranks(const fs::path& d, json p, const std::string& name, int ranks) {
  const std::set<fs::path> scratch_before = dead_workers_scratch();
  for (const char* how : {"_one", "_many"}) {
    p["output"] = name + how;
    write_json(d / (name + how + ".json"), p);
  }
  int code = 0;
  std::string out = run(nasrun() + name + "_one.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  out = run(mpirun(ranks) + nasrun() + name + "_many.json", d, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find(std::to_string(ranks) + " MPI ranks"), std::string::npos) << out;
  EXPECT_EQ(out.find("nasrun: error"), std::string::npos) << out;
  const std::string tag = "units computed per rank:";
  const auto at = out.find(tag);
  ASSERT_NE(at, std::string::npos) << out;
  std::istringstream counts(out.substr(at + tag.size(), out.find('\n', at) - at - tag.size()));
  int64_t n = 0;
  int seen = 0;
  while (counts >> n) {
    EXPECT_GT(n, 0) << "rank " << seen << " computed nothing: " << out;
    ++seen;
  }
  EXPECT_EQ(seen, ranks) << out;
  for (const fs::path& left : dead_workers_scratch())
    EXPECT_TRUE(scratch_before.count(left)) << "a worker left its scratch folder behind: " << left;
}

json score_pipeline(const std::string& run_kind, const std::string& output) {
  return {{"run", run_kind},  {"space", {{"name", "nb201"}}}, {"sample", 12},
          {"proxies", {"synflow", "jacov", "snip", "params"}}, {"data", {{"name", "hash"}, {"batch_size", 16}}},
          {"init", {{"kind", "hash"}}}, {"cache", false}, {"threads", 1}, {"output", output}};
}

TEST(Mpi, ScoreAndCorrelateOnThreeRanksEqualOneProcess) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("score");
  for (const std::string kind : {"score", "correlate"}) {
    ASSERT_NO_FATAL_FAILURE(run_alone_and_on_ranks(d, score_pipeline(kind, ""), kind, 3));
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
TEST(Mpi, CompareOnThreeRanksEqualsOneProcess) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("compare");
  json p = {{"run", "compare"}, {"seed", 3}, {"space", {{"name", "nb201"}}}, {"budget", {{"queries", 40}}},
            {"repeats", 4}, {"threads", 1},
            {"strategies", {{{"name", "random"}}, {{"name", "aging_evolution"}, {"options", {{"population", 10}, {"sample", 3}}}},
                            {{"name", "tpe"}}}}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_on_ranks(d, p, "run", 3));
  EXPECT_EQ(lines_without_times(d / "run_many/evaluations.jsonl"), lines_without_times(d / "run_one/evaluations.jsonl"));
  EXPECT_EQ(text_of(d / "run_many/curves.csv"), text_of(d / "run_one/curves.csv"));
  // Less what a clock measured: the run's wall time and the strategies' own.
  const std::vector<std::string> clock = {"wall_seconds", "ask_tell_seconds", "ask_tell_ms_per_query",
                                          "ask_tell_seconds_per_repeat"};
  EXPECT_EQ(without(json_of(d / "run_many/summary.json"), clock), without(json_of(d / "run_one/summary.json"), clock));
}

// fit_meta with computed scores: the feature rows are the units; the model,
// fitted on rank 0, is the one a single process fits.
TEST(Mpi, FitMetaOnThreeRanksEqualsOneProcess) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("fit_meta");
  json p = {{"run", "fit_meta"}, {"space", {{"name", "nb201"}}}, {"proxies", {"params", "l2_norm", "synflow"}},
            {"encoding", "counts"}, {"train", {{"sample", 30}}}, {"test", {{"sample", 20}}},
            {"model", {{"num_round", 20}, {"nthread", 1}}}, {"data", {{"name", "hash"}, {"batch_size", 8}}},
            {"init", {{"kind", "hash"}}}, {"cache", false}, {"threads", 1}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_on_ranks(d, p, "run", 3));
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
TEST(Mpi, EvolveProxyOnThreeRanksEqualsOneProcess) {
  if (!mpi_available()) GTEST_SKIP() << "mpirun or libnasmpi not installed";
  const fs::path d = temp_dir("evolve_proxy");
  json p = {{"run", "evolve_proxy"}, {"space", {{"name", "nb201"}}}, {"metric", "val_acc"},
            {"search", {{"sample", 12}}}, {"holdout", {{"sample", 10}}},
            {"evolution", {{"population", 8}, {"generations", 3}}}, {"top", 2},
            {"data", {{"name", "hash"}, {"batch_size", 8}}}, {"init", {{"kind", "hash"}}}, {"threads", 1}};
  ASSERT_NO_FATAL_FAILURE(run_alone_and_on_ranks(d, p, "run", 3));
  for (const char* f : {"expressions.csv", "holdout.csv"})
    EXPECT_EQ(text_of(d / "run_many" / f), text_of(d / "run_one" / f)) << f;
  for (const char* f : {"generations.jsonl", "holdout.jsonl"})
    EXPECT_EQ(lines_without_times(d / "run_many" / f), lines_without_times(d / "run_one" / f)) << f;
  EXPECT_EQ(lines_without_times(d / "run_many/generations.jsonl").size(), 4u);
  EXPECT_EQ(lines_without_times(d / "run_many/holdout.jsonl").size(), 10u);
  EXPECT_EQ(without(json_of(d / "run_many/summary.json"), {"seconds"}),
            without(json_of(d / "run_one/summary.json"), {"seconds"}));
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
  json p = score_pipeline("score", "alone");
  p["sample"] = 24;
  write_json(d / "alone.json", p);
  p["output"] = "killed";
  write_json(d / "killed.json", p);
  int code = 0;
  std::string out = run(nasrun() + "alone.json", d, &code);
  ASSERT_EQ(code, 0) << out;

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
