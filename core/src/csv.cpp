#include "nas/csv.h"

#include <boost/dll/runtime_symbol_info.hpp>

#include <charconv>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas/errors.h"

namespace nas {

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw Error(path + ": no column '" + name + "' (the file may be from another source; see data/README.md)");
}

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open (missing file? see data/README.md for where it comes from)");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  CsvTable t;
  t.path = path;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  std::size_t line = 1;
  auto end_row = [&]() {
    row.push_back(std::move(field));
    field.clear();
    if (t.header.empty()) {
      t.header = std::move(row);
    } else if (!(row.size() == 1 && row[0].empty())) {
      if (row.size() != t.header.size())
        throw Error(path + ":" + std::to_string(line) + ": expected " + std::to_string(t.header.size()) +
                    " fields, got " + std::to_string(row.size()));
      t.rows.push_back(std::move(row));
    }
    row.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
        else quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) end_row();
  if (t.header.empty()) throw Error(path + ": empty file");
  return t;
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

double parse_double(const std::string& text, const std::string& where) {
  const char* s = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0') throw Error(where + ": not a number: '" + text + "'");
  return v;
}

int parse_int(const std::string& text, const std::string& where) {
  int v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw Error(where + ": not an integer from " + std::to_string(std::numeric_limits<int>::min()) + " to " +
                std::to_string(std::numeric_limits<int>::max()) + ": '" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + "'");
  return v;
}

std::string default_data_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("NASRUN_DATA_DIR")) return env;
  std::error_code ec;
  // An installed nasrun: <prefix>/bin/nasrun -> <prefix>/share/nasrun/data.
  boost::dll::fs::error_code dll_ec;
  const auto exe = boost::dll::program_location(dll_ec);
  if (!dll_ec) {
    const fs::path installed = fs::path(exe.string()).parent_path().parent_path() / "share/nasrun/data";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  if (fs::is_directory(NASRUN_SOURCE_DATA_DIR, ec)) return NASRUN_SOURCE_DATA_DIR;
  return NASRUN_INSTALL_DATA_DIR;
}

std::string resolve_data_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
  std::string p = path;
  if (p.rfind("data/", 0) == 0) p = p.substr(5);
  return (fs::path(default_data_dir()) / p).string();
}

}  // namespace nas
