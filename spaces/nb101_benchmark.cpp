#include "nb101_benchmark.h"

#include <set>

#include "nas/csv.h"
#include "nas/errors.h"

namespace nb101 {

const std::vector<std::string>& naslib_proxy_columns() {
  static const std::vector<std::string> cols{"epe_nas", "fisher", "grad_norm", "grasp", "jacov",
                                             "l2_norm", "plain",   "snip",      "synflow"};
  return cols;
}

Benchmark load_benchmark(const std::string& path) {
  const nas::CsvTable table = nas::read_csv(path);
  const std::size_t adj_col = table.column("raw_adj49"), ops_col = table.column("raw_ops7");
  const std::size_t hash_col = table.column("nb101_hash"), val_col = table.column("val_accuracy");
  std::vector<std::size_t> proxy_cols;
  for (const auto& name : naslib_proxy_columns()) proxy_cols.push_back(table.column(name));

  Benchmark b;
  b.path = path;
  std::unordered_map<std::string, std::set<double>> vals;
  std::unordered_map<std::string, int> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const std::string where = path + ":" + std::to_string(r + 2);
    Spec raw;
    try {
      raw = parse(row[adj_col] + " " + row[ops_col]).spec;
    } catch (const nas::ArchError& e) {
      throw nas::Error(where + ": " + e.what());
    }
    const auto pruned = prune(raw);
    if (!pruned || !invalid_reason(raw).empty())
      throw nas::Error(where + ": the cell is not a valid NAS-Bench-101 cell (" + invalid_reason(raw) + ")");
    const std::string hash = graph_hash(*pruned);
    if (hash != row[hash_col])
      throw nas::Error(where + ": the cell's graph hash is " + hash + " but the file says " + row[hash_col]);
    auto [it, fresh] = b.cells.try_emplace(hash);
    if (fresh) {
      b.hashes.push_back(hash);
      it->second.pruned = *pruned;
    }
    vals[hash].insert(nas::parse_double(row[val_col], where));
    ++rows[hash];
    for (std::size_t p = 0; p < proxy_cols.size(); ++p)
      it->second.metrics["naslib_" + naslib_proxy_columns()[p]] += nas::parse_double(row[proxy_cols[p]], where);
  }
  for (auto& [hash, cell] : b.cells) {
    for (const auto& name : naslib_proxy_columns()) cell.metrics["naslib_" + name] /= rows[hash];
    double sum = 0;
    for (double v : vals[hash]) sum += v;
    cell.metrics["val_acc"] = sum / static_cast<double>(vals[hash].size());
    cell.metrics["val_acc_seeds"] = static_cast<double>(vals[hash].size());
  }
  return b;
}

}  // namespace nb101
