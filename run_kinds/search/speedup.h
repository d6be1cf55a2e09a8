// How a compare states what a zero-cost variant buys, as Zero-Cost-NAS
// (Abdelfattah et al. 2021) presents it: the target is the plain
// algorithm's mean best-so-far test accuracy at its final query; each entry
// needs some number of queries for its mean curve to reach that target; the
// speed-up is the plain algorithm's count over the variant's.
//
// A variant's plain algorithm is the entry with the same strategy name and
// the same options and neither warmup nor move_proposal ("tpe+warmup" ->
// "tpe"; "reinforce" with other options is another algorithm). An entry
// with no such entry has no target and no speed-up.
// Header-only and free of I/O, so a test can check it on a hand-made case.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nas::search_run {

struct CompareEntry {
  std::string label;
  std::string strategy;  // the plugin name
  std::string options;   // the resolved options, serialised: equal strings = equal options
  bool plain = true;     // neither warmup nor move_proposal
  std::vector<double> mean_curve;  // mean best-so-far test accuracy after query 1, 2, ...
};

struct Speedup {
  std::optional<std::string> plain_label;    // the entry it is measured against
  double target = 0;                         // that entry's final mean
  std::optional<int64_t> queries_to_target;  // first query whose mean reaches the target
  std::optional<int64_t> plain_queries_to_target;
  std::optional<double> speedup;             // plain's queries / this entry's
};

/// The first query (counted from 1) at which `curve` reaches `target`, or
/// nullopt when it never does. Best-so-far test accuracy need not grow (a
/// better objective can have a worse test accuracy), hence "first".
inline std::optional<int64_t> queries_to_reach(const std::vector<double>& curve, double target) {
  for (std::size_t i = 0; i < curve.size(); ++i)
    if (curve[i] >= target) return static_cast<int64_t>(i + 1);
  return std::nullopt;
}

/// One Speedup per entry, in the entries' order.
inline std::vector<Speedup> speedups(const std::vector<CompareEntry>& entries) {
  std::vector<Speedup> out(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const CompareEntry* plain = nullptr;
    for (const CompareEntry& e : entries)
      if (e.plain && e.strategy == entries[i].strategy && e.options == entries[i].options) {
        plain = &e;
        break;
      }
    if (!plain || plain->mean_curve.empty()) continue;
    Speedup& s = out[i];
    s.plain_label = plain->label;
    s.target = plain->mean_curve.back();
    s.queries_to_target = queries_to_reach(entries[i].mean_curve, s.target);
    s.plain_queries_to_target = queries_to_reach(plain->mean_curve, s.target);
    if (s.queries_to_target && s.plain_queries_to_target)
      s.speedup = static_cast<double>(*s.plain_queries_to_target) / static_cast<double>(*s.queries_to_target);
  }
  return out;
}

}  // namespace nas::search_run
