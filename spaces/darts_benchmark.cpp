#include "darts_benchmark.h"

#include <algorithm>

#include "nas/csv.h"
#include "nas/errors.h"

namespace darts {

std::string benchmark_file(const std::string& name) {
  if (name == "naslib725") return "nb301/nb301_naslib725_zc.csv";
  if (name == "naslib500") return "nb301/nb301_naslib500_zc.csv";
  return "";
}

Benchmark load_benchmark(const std::string& path) {
  // params and flops are not read: the space computes them for any arch.
  static const std::vector<std::string> kProxies{"epe_nas", "fisher", "grad_norm", "grasp", "jacov",  "l2_norm",
                                                 "nwot",    "plain",  "snip",      "synflow", "zen"};
  const nas::CsvTable table = nas::read_csv(path);
  const std::size_t arch_col = table.column("arch");
  const std::size_t val_col = table.column("val_accuracy_nb301_xgb_v1_noisy");
  Benchmark b;
  b.path = path;
  b.metric_names.push_back("val_acc");
  std::vector<std::size_t> cols{val_col};
  for (const auto& p : kProxies) {
    const auto it = std::find(table.header.begin(), table.header.end(), p);
    if (it == table.header.end()) continue;
    b.metric_names.push_back("naslib_" + p);
    cols.push_back(static_cast<std::size_t>(it - table.header.begin()));
  }
  std::unordered_map<std::string, int> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string where = path + ":" + std::to_string(r + 2);
    Genome g;
    try {
      g = canonical(parse(row[arch_col]));
    } catch (const nas::ArchError& e) {
      throw nas::Error(where + ": " + e.what());
    }
    const std::string key = tuple_string(g);
    auto [it, fresh] = b.archs.try_emplace(key);
    if (fresh) {
      b.keys.push_back(key);
      it->second.genome = g;
    }
    ++rows[key];
    for (std::size_t m = 0; m < cols.size(); ++m)
      it->second.metrics[b.metric_names[m]] += nas::parse_double(row[cols[m]], where);
  }
  for (auto& [key, arch] : b.archs)
    for (auto& [name, value] : arch.metrics) value /= rows[key];
  return b;
}

}  // namespace darts
