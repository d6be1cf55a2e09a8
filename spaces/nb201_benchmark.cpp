#include "nb201_benchmark.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nb201_encoding.h"

namespace nb201 {
namespace {

std::string join_path(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

std::string where(const nas::CsvTable& table, std::size_t row) {
  // +2: one header line, and lines count from 1.
  return table.path + ":" + std::to_string(row + 2);
}

int arch_code_at(const nas::CsvTable& table, std::size_t row, std::size_t column) {
  try {
    return code_of(parse(table.rows[row][column]));
  } catch (const nas::ArchError& e) {
    throw nas::Error(where(table, row) + ": " + e.what());
  }
}

IndexOrder index_order_of(const nas::CsvTable& table) {
  if (table.rows.size() != static_cast<std::size_t>(kNumArchs))
    throw nas::Error(table.path + ": expected " + std::to_string(kNumArchs) + " architectures, got " +
                     std::to_string(table.rows.size()));
  const std::size_t arch_column = table.column("ArchitectureString");
  IndexOrder order;
  order.code_at.resize(kNumArchs);
  order.index_of_code.assign(kNumArchs, -1);
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const int code = arch_code_at(table, i, arch_column);
    if (order.index_of_code[code] >= 0)
      throw nas::Error(where(table, i) + ": architecture " + table.rows[i][arch_column] +
                       " repeats the one at index " + std::to_string(order.index_of_code[code]));
    order.code_at[i] = code;
    order.index_of_code[code] = static_cast<int>(i);
  }
  return order;
}

// Validation accuracy, checked row by row against the official order (the
// file is a join of NAS-Bench-Suite-Zero shards, sorted by official index).
std::vector<double> read_val_acc(const std::string& path, const std::string& column, const IndexOrder& order) {
  const nas::CsvTable table = nas::read_csv(path);
  if (table.rows.size() != static_cast<std::size_t>(kNumArchs))
    throw nas::Error(path + ": expected " + std::to_string(kNumArchs) + " rows, got " +
                     std::to_string(table.rows.size()));
  const std::size_t index_column = table.column("nb201_index");
  const std::size_t arch_column = table.column("arch_str");
  const std::size_t value_column = table.column(column);
  std::vector<double> values(kNumArchs);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const double index = nas::parse_double(row[index_column], where(table, r));
    if (index != static_cast<double>(r))
      throw nas::Error(where(table, r) + ": nb201_index " + row[index_column] + " out of order (expected " +
                       std::to_string(r) + ")");
    if (arch_code_at(table, r, arch_column) != order.code_at[r])
      throw nas::Error(where(table, r) + ": " + row[arch_column] + " is not the architecture at official index " +
                       std::to_string(r) + " (" + to_string(arch_of_code(order.code_at[r])) + ")");
    values[r] = nas::parse_double(row[value_column], where(table, r));
  }
  return values;
}

// FreeREA's perfmetrics text: a '#' header naming comma-separated columns,
// then one whitespace-separated row of numbers per official index.
std::vector<double> read_train_time(const std::string& path) {
  const std::string column = "TrainingTime(total)";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nas::Error(path + ": cannot open (missing file? see data/README.md for where it comes from)");
  std::string header;
  std::getline(in, header);
  if (header.empty() || header[0] != '#') throw nas::Error(path + ":1: expected a '#' header naming the columns");
  std::vector<std::string> names;
  std::stringstream header_fields(header.substr(1));
  for (std::string name; std::getline(header_fields, name, ',');) {
    const std::size_t b = name.find_first_not_of(" \t\r"), e = name.find_last_not_of(" \t\r");
    names.push_back(b == std::string::npos ? "" : name.substr(b, e - b + 1));
  }
  std::size_t wanted = names.size();
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == column) wanted = c;
  if (wanted == names.size())
    throw nas::Error(path + ": no column '" + column + "' (the file may be from another source; see data/README.md)");

  std::vector<double> values;
  values.reserve(kNumArchs);
  std::string line;
  for (std::size_t line_no = 2; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string at = path + ":" + std::to_string(line_no);
    const char* p = line.c_str();
    std::vector<double> fields;
    for (char* end = nullptr;; p = end) {
      const double v = std::strtod(p, &end);
      if (end == p) break;
      fields.push_back(v);
    }
    if (*p != '\0' && *p != '\r') throw nas::Error(at + ": not a number: '" + std::string(p) + "'");
    if (fields.size() != names.size())
      throw nas::Error(at + ": expected " + std::to_string(names.size()) + " fields, got " +
                       std::to_string(fields.size()));
    if (fields[0] != static_cast<double>(values.size()))
      throw nas::Error(at + ": architecture index " + std::to_string(fields[0]) + " out of order (expected " +
                       std::to_string(values.size()) + ")");
    values.push_back(fields[wanted]);
  }
  if (values.size() != static_cast<std::size_t>(kNumArchs))
    throw nas::Error(path + ": expected " + std::to_string(kNumArchs) + " rows, got " + std::to_string(values.size()));
  return values;
}

}  // namespace

const std::vector<DatasetInfo>& datasets() {
  static const std::vector<DatasetInfo> all{
      {"cifar10", 10, 32, "CIFAR10TestAccuracy200Epochs", "val_acc_cifar10",
       "freerea_nb201_cifar10_test_acc_traintime.txt"},
      {"cifar100", 100, 32, "CIFAR100TestAccuracy200Epochs", "val_acc_cifar100",
       "freerea_nb201_cifar100_test_acc_traintime.txt"},
      {"imagenet16", 120, 16, "ImageNetTestAccuracy200Epochs", "val_acc_imagenet16",
       "freerea_nb201_imagenet_test_acc_traintime.txt"},
  };
  return all;
}

const DatasetInfo& dataset_info(const std::string& name) {
  for (const auto& d : datasets())
    if (d.name == name) return d;
  throw nas::Error("unknown NB201 dataset '" + name + "'; choices: cifar10, cifar100, imagenet16");
}

IndexOrder read_index_order(const std::string& dir) {
  return index_order_of(nas::read_csv(join_path(dir, kTestAccFile)));
}

Benchmark load_benchmark(const std::string& dir, const DatasetInfo& dataset) {
  Benchmark b;
  const nas::CsvTable test_table = nas::read_csv(join_path(dir, kTestAccFile));
  b.order = index_order_of(test_table);
  const std::size_t test_column = test_table.column(dataset.test_column);
  b.test_acc.resize(kNumArchs);
  for (std::size_t r = 0; r < test_table.rows.size(); ++r)
    b.test_acc[r] = nas::parse_double(test_table.rows[r][test_column], where(test_table, r));

  const std::string val_path = join_path(dir, kValAccFile);
  b.val_acc = read_val_acc(val_path, dataset.val_column, b.order);
  const std::string time_path = join_path(dir, dataset.train_time_file);
  b.train_time = read_train_time(time_path);
  b.files = {test_table.path, val_path, time_path};
  return b;
}

}  // namespace nb201
