// score and correlate runs, and the dispatcher.
//   score:     proxies for a list or a seeded sample of archs ->
//              scores.jsonl (appended per arch), scores.csv, summary.json
//   correlate: the same, plus Spearman/Kendall of each proxy against a
//              benchmark metric -> correlations.csv, scatter plots
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "nas/csv.h"
#include "nas/data.h"
#include "nas/errors.h"
#include "nas/executor.h"
#include "nas/interrupt.h"
#include "nas/plot.h"
#include "nas/progress.h"
#include "nas/registry.h"
#include "nas/run_dir.h"
#include "nas/runs.h"
#include "nas/evaluation.h"
#include "nas/stats.h"
#include "nas/population_scores.h"
#include "score.h"

namespace nas::score_run {

namespace {

// The archs a score/correlate run covers, in a fixed order.
std::vector<Arch> select_archs(const json& resolved, const SearchSpace& space) {
  std::vector<Arch> archs;
  if (resolved.contains("archs")) {
    const json& a = resolved.at("archs");
    for (std::size_t i = 0; i < a.size(); ++i) {
      try {
        archs.push_back(space.parse(a[i].get<std::string>()));
      } catch (const Error& e) {
        throw PipelineError("/archs/" + std::to_string(i), e.what());
      }
    }
    return archs;
  }
  const json& s = resolved.at("sample");
  const auto size = space.size();
  if (s == "all") {
    if (!size) throw PipelineError("/sample", "\"all\" needs a space that can enumerate its archs; give a number");
    for (int64_t i = 0; i < *size; ++i) archs.push_back(space.arch_at(i));
    return archs;
  }
  const int64_t n = s.get<int64_t>();
  if (size && n > *size)
    throw PipelineError("/sample", "asks for " + std::to_string(n) + " distinct archs but the space has " +
                                       std::to_string(*size) + " (use \"all\")");
  Rng rng(derive_seed(resolved.at("seed").get<uint64_t>(), 0x5a3b1e));
  if (size) {
    // Draw from the enumeration, not from sample(): an enumerate_labelled
    // NB101 or DARTS space enumerates its labelled archs only, while sample()
    // covers the whole space, where almost nothing has a label.
    std::set<int64_t> taken;
    while (static_cast<int64_t>(archs.size()) < n) {
      const auto i = static_cast<int64_t>(rng.below(static_cast<uint64_t>(*size)));
      if (taken.insert(i).second) archs.push_back(space.arch_at(i));
    }
    return archs;
  }
  std::set<std::string> seen;
  while (static_cast<int64_t>(archs.size()) < n) {
    Arch a = space.sample(rng);
    if (seen.insert(space.identity(a)).second) archs.push_back(std::move(a));
  }
  return archs;
}

std::string short_error(const std::string& e) { return e.size() > 300 ? e.substr(0, 300) + "..." : e; }

}  // namespace

json run(const json& resolved, const RunContext& ctx) {
  const Registry& reg = *ctx.registry;
  RunDir& dir = *ctx.dir;
  const bool correlate = resolved.at("run") == "correlate";
  auto space = make_pipeline_space(resolved, reg);
  const c10::Device device = resolve_device(resolved.at("device"));

  std::string metric;
  if (correlate) {
    metric = resolved.at("metric");
    require_metric(*space, metric, "/metric", "the space has no benchmark loaded to correlate against");
  }

  const json& data = resolved.at("data");
  if (data.at("name") == "synthetic" && ctx.verbosity != Verbosity::Quiet)
    std::cerr << "note: scoring on synthetic Gaussian data (no image sample is shipped for this dataset)\n";
  Evaluator evaluator(resolved, resolved.at("proxies"), list_paths("/proxies", resolved.at("proxies").size()), *space,
                      reg, device, /*write_cache=*/executor_of(ctx).is_writer());
  const std::vector<NamedProxy>& proxies = evaluator.proxies();

  const std::vector<Arch> archs = select_archs(resolved, *space);
  const bool stop_on_error = resolved.at("on_error") == "stop";
  const std::size_t np = proxies.size();
  std::vector<std::string> arch_strings;
  for (const auto& a : archs) arch_strings.push_back(space->to_string(a));

  // Resume: archs already in scores.jsonl are not scored again.
  std::unordered_map<std::string, json> done;
  for (auto& line : dir.read_lines("scores.jsonl")) done[line.at("arch").get<std::string>()] = line;

  // One arch is one work unit: its line, computed on any process (reading
  // the score cache, writing nothing), then appended here, on the writer, in
  // arch order, as one process appends them.
  const auto compute = [&](std::size_t k) {
    const ArchScores s = evaluator.score(archs[k]);
    json line = {{"arch", arch_strings[k]}};
    if (s.cached) line["cached"] = true;
    if (!s.note.empty()) line["note"] = s.note;
    if (auto idx = space->index_of(archs[k])) line["index"] = *idx;
    if (!s.cached) line["seconds_shared"] = s.shared_seconds;
    for (std::size_t p = 0; p < np; ++p) {
      line[proxies[p].name] = finite_or_string(s.scores[p]);
      line["seconds_" + proxies[p].name] = s.seconds[p];
      if (!s.errors[p].empty()) line["error_" + proxies[p].name] = short_error(s.errors[p]);
    }
    if (correlate) {
      const auto row = space->query(archs[k]);
      const auto it = row ? row->find(metric) : decltype(row->end()){};
      line[metric] = (row && it != row->end()) ? finite_or_string(it->second) : json(nullptr);
    }
    return line.dump();
  };
  std::vector<std::size_t> missing;
  for (std::size_t k = 0; k < archs.size(); ++k)
    if (!done.count(arch_strings[k])) missing.push_back(k);
  Progress progress("scored", static_cast<long long>(archs.size()), ctx.verbosity);
  long long finished = static_cast<long long>(archs.size() - missing.size());
  const auto accept = [&](std::size_t k, const std::string& text) {
    json line = json::parse(text);
    const std::string& arch_str = arch_strings[k];
    if (!line.contains("cached")) {  // another process may have computed it: the cache is written here
      std::vector<double> values;
      std::vector<std::string> failures;
      for (std::size_t p = 0; p < np; ++p) {
        values.push_back(number_from_json(line.at(proxies[p].name)));
        failures.push_back(line.value("error_" + proxies[p].name, ""));
      }
      evaluator.remember(archs[k], values, failures);
    }
    if (line.contains("note") && ctx.verbosity != Verbosity::Quiet)
      std::cerr << arch_str << ": " << line.at("note").get<std::string>() << "\n";
    for (std::size_t p = 0; p < np; ++p)
      if (line.contains("error_" + proxies[p].name) && ctx.verbosity != Verbosity::Quiet)
        std::cerr << "proxy '" << proxies[p].name << "' failed on " << arch_str << ": "
                  << line.at("error_" + proxies[p].name).get<std::string>() << "\n";
    dir.append_line("scores.jsonl", line);
    for (std::size_t p = 0; p < np; ++p)
      if (line.contains("error_" + proxies[p].name) && stop_on_error)
        throw Error("proxy '" + proxies[p].name + "' failed on " + arch_str + " (on_error is \"stop\"): " +
                    line.at("error_" + proxies[p].name).get<std::string>() + "; the " + std::to_string(k) +
                    " archs before it are in " + dir.file("scores.jsonl"));
    done[arch_str] = std::move(line);
    progress.update(++finished);
  };
  executor_of(ctx).map(missing, compute, accept);
  // A worker has no results (the writer accepted them all) and writes nothing.
  if (!executor_of(ctx).is_writer()) return json{{"run", resolved.at("run")}, {"complete", !stop_requested()}};

  // The archs scored, in order (a prefix of them when the run was stopped).
  std::vector<std::vector<double>> scores(np), seconds(np);
  std::vector<double> shared_seconds;  // NaN for archs taken from the cache or an earlier run
  std::vector<double> targets;
  std::vector<int64_t> nonfinite(np, 0), errors(np, 0);
  std::vector<json> rows;
  for (std::size_t k = 0; k < archs.size(); ++k) {
    const auto it = done.find(arch_strings[k]);
    if (it == done.end()) break;
    const json& line = it->second;
    rows.push_back(line);
    for (std::size_t p = 0; p < np; ++p) {
      const double v = number_from_json(line.at(proxies[p].name));
      scores[p].push_back(v);
      seconds[p].push_back(line.value("seconds_" + proxies[p].name, 0.0));
      if (!std::isfinite(v)) ++nonfinite[p];
      if (line.contains("error_" + proxies[p].name)) ++errors[p];
    }
    shared_seconds.push_back(line.contains("seconds_shared") ? line.at("seconds_shared").get<double>()
                                                             : std::numeric_limits<double>::quiet_NaN());
    if (correlate) targets.push_back(number_from_json(line.at(metric)));
  }

  progress.finish();
  // Population proxies (vote, aznas, ...): over the archs scored, once each
  // is scored (nas/population_scores.h).
  std::vector<std::string> names;
  for (const auto& p : proxies) names.push_back(p.name);
  const std::vector<Population> populations =
      make_populations(resolved.value("populations", json::array()), resolved.at("proxies"), *ctx.registry, "/populations");
  for (const Population& pop : populations) {
    names.push_back(pop.name);
    scores.push_back(pop.combine(std::vector<std::vector<double>>(scores.begin(), scores.begin() + np)));
    seconds.emplace_back(rows.size(), 0.0);
    nonfinite.push_back(std::count_if(scores.back().begin(), scores.back().end(), [](double v) { return !std::isfinite(v); }));
    errors.push_back(0);
  }
  const std::size_t nc = names.size();

  // scores.csv: arch, index, one column per proxy, then seconds_<proxy>, then
  // seconds_shared (network build and the passes the proxies share; a
  // proxy's own seconds come after it; all 0 / nan for cached archs).
  std::ostringstream csv;
  csv << "arch,index";
  for (const auto& n : names) csv << "," << n;
  for (const auto& n : names) csv << ",seconds_" << n;
  csv << ",seconds_shared";
  if (correlate) csv << "," << metric;
  csv << "\n";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    csv << csv_field(rows[k].at("arch").get<std::string>()) << ",";
    if (rows[k].contains("index")) csv << rows[k].at("index").get<int64_t>();
    for (std::size_t p = 0; p < nc; ++p) csv << "," << format_double(scores[p][k]);
    for (std::size_t p = 0; p < nc; ++p) csv << "," << format_double(seconds[p][k]);
    csv << "," << format_double(shared_seconds[k]);
    if (correlate) csv << "," << format_double(targets[k]);
    csv << "\n";
  }
  dir.write_text("scores.csv", csv.str());

  json summary = {{"run", resolved.at("run")},
                  {"complete", !stop_requested()},
                  {"space", resolved.at("space").at("name")},
                  {"archs", rows.size()},
                  {"data", data},
                  {"init", resolved.at("init")},
                  {"device", device.str()}};
  // Timings over the archs this run computed (not those from the cache).
  std::vector<std::size_t> computed;
  for (std::size_t k = 0; k < rows.size(); ++k)
    if (std::isfinite(shared_seconds[k])) computed.push_back(k);
  const auto mean_computed = [&](const std::vector<double>& v) {
    std::vector<double> c;
    for (std::size_t k : computed) c.push_back(v[k]);
    return finite_or_string(mean(c));
  };
  std::vector<double> per_arch(rows.size(), 0.0);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    per_arch[k] = shared_seconds[k];
    for (std::size_t p = 0; p < np; ++p) per_arch[k] += seconds[p][k];
  }
  summary["seconds"] = {{"archs_computed", computed.size()},
                        {"mean_shared", mean_computed(shared_seconds)},
                        {"mean_per_arch", mean_computed(per_arch)}};
  json per = json::object();
  for (std::size_t p = 0; p < nc; ++p)
    per[names[p]] = {{"nonfinite", nonfinite[p]}, {"errors", errors[p]},
                     {"mean_seconds", mean_computed(seconds[p])}};
  if (correlate) {
    summary["metric"] = metric;
    summary["benchmark_source"] = space->benchmark_source();
    std::ostringstream corr;
    corr << "proxy,spearman,kendall,n,nonfinite\n";
    const auto labelled = static_cast<std::size_t>(
        std::count_if(targets.begin(), targets.end(), [](double t) { return std::isfinite(t); }));
    summary["labelled_archs"] = labelled;
    if (labelled < 3 && ctx.verbosity != Verbosity::Quiet)
      std::cerr << "warning: only " << labelled << " of " << targets.size() << " archs have a " << metric
                << " label, so no correlation can be computed; for NB101 or DARTS set \"enumerate_labelled\": true "
                   "in /space\n";
    for (std::size_t p = 0; p < nc; ++p) {
      // Archs without a benchmark value cannot be ranked against it.
      std::vector<double> x, y;
      for (std::size_t k = 0; k < targets.size(); ++k)
        if (std::isfinite(targets[k])) x.push_back(scores[p][k]), y.push_back(targets[k]);
      const double rho = spearman(x, y), tau = kendall(x, y);
      per[names[p]]["spearman"] = finite_or_string(rho);
      per[names[p]]["kendall"] = finite_or_string(tau);
      per[names[p]]["n"] = x.size();
      if (p >= np) per[names[p]].update(populations[p - np].proxy->against(populations[p - np].rows(scores), targets));
      corr << names[p] << "," << format_double(rho) << "," << format_double(tau) << "," << x.size() << ","
           << nonfinite[p] << "\n";
      ScatterPlot plot{"scatter_" + names[p], names[p] + " vs " + metric + " (Spearman " +
                                                           format_double(std::round(rho * 1000) / 1000) + ")",
                       names[p], metric, x, y};
      const std::string msg = write_scatter_plot(dir, plot);
      if (!msg.empty() && p == 0 && ctx.verbosity != Verbosity::Quiet) std::cerr << msg << "\n";
    }
    dir.write_text("correlations.csv", corr.str());
  }
  summary["proxies"] = per;
  dir.write_json("summary.json", summary);
  return summary;
}

void report(const json& summary, std::ostream& out) {
  std::size_t width = 8;
  for (auto it = summary.at("proxies").begin(); it != summary.at("proxies").end(); ++it)
    width = std::max(width, it.key().size());
  for (auto it = summary.at("proxies").begin(); it != summary.at("proxies").end(); ++it) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << it.key();
    if (it->contains("spearman"))
      out << "  spearman " << fixed(it->at("spearman"), 3) << "  kendall " << fixed(it->at("kendall"), 3) << "  n "
          << it->at("n");
    out << "  nonfinite " << it->at("nonfinite");
    if (it->at("mean_seconds").is_number()) out << "  s/arch " << fixed(it->at("mean_seconds"), 3);
    out << "\n";
  }
  const json& seconds = summary.at("seconds");
  const int64_t computed = seconds.at("archs_computed").get<int64_t>();
  out << computed << " of " << summary.at("archs") << " archs computed (the rest from the score cache)";
  if (computed > 0)
    out << ": " << fixed(seconds.at("mean_per_arch"), 3) << " s/arch, of which " << fixed(seconds.at("mean_shared"), 3)
        << " s the network build and shared passes";
  out << "\n";
}

}  // namespace nas::score_run
