// A small, fast CSV reader for the benchmark tables (RFC 4180 quoting, so
// NASLib tuples like "(4, 3, 3, 0, 0, 0)" stay one field).
#pragma once
#include <string>
#include <vector>

namespace nas {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Index of a column; throws nas::Error naming the file and the column.
  std::size_t column(const std::string& name) const;
};

/// Reads a whole file. Throws nas::Error "<path>: cannot open ..." or
/// "<path>:<line>: expected N fields, got M".
CsvTable read_csv(const std::string& path);

/// `field` as one CSV field: as it is, or quoted (RFC 4180) when it holds a
/// comma, a quote or a line break, as NB101's "ops=input,conv3x3-bn-relu,..."
/// and NASLib's tuples do.
std::string csv_field(const std::string& field);

/// Parses a double; throws nas::Error naming the file, line and text.
double parse_double(const std::string& text, const std::string& where);

/// Parses a decimal int (all of `text`); anything else, or a value int
/// cannot hold, throws nas::Error "<where>: not an integer ...: '<text>'"
/// (std::stoi would throw std::out_of_range, which no caller reports well).
int parse_int(const std::string& text, const std::string& where);

/// Where shipped data lives: $NASRUN_DATA_DIR, else the source tree's data/
/// when it exists (build tree), else the installed share/nasrun/data.
std::string default_data_dir();

/// Resolves a data path from a pipeline: absolute or existing relative paths
/// as given, else relative to default_data_dir().
std::string resolve_data_path(const std::string& path);

}  // namespace nas
