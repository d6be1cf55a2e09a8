#include "nas/run_dir.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "nas/errors.h"

namespace nas {
namespace fs = std::filesystem;

std::string first_difference(const json& a, const json& b, const std::string& path) {
  if (a.is_number() && b.is_number()) return a == b ? "" : (path.empty() ? "/" : path);
  if (a.type() != b.type()) return path.empty() ? "/" : path;
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) return path + "/" + it.key();
      const std::string d = first_difference(it.value(), b.at(it.key()), path + "/" + it.key());
      if (!d.empty()) return d;
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) return path + "/" + it.key();
    return "";
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return path.empty() ? "/" : path;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string d = first_difference(a[i], b[i], path + "/" + std::to_string(i));
      if (!d.empty()) return d;
    }
    return "";
  }
  return a == b ? "" : (path.empty() ? "/" : path);
}

RunDir::RunDir(std::string path, const json& resolved, bool resume, bool overwrite) : path_(std::move(path)) {
  std::error_code ec;
  const fs::path resolved_file = fs::path(path_) / "resolved.json";
  if (fs::exists(resolved_file, ec)) {
    if (overwrite) {
      for (const char* f : {"resolved.json", "evaluations.jsonl", "scores.jsonl", "summary.json", "scores.csv",
                            "correlations.csv", "curves.csv"})
        fs::remove(fs::path(path_) / f, ec);
    } else if (!resume) {
      throw Error(path_ + " already holds a run; pass --resume to continue it, --overwrite to replace it, or "
                          "--output DIR for a new one");
    } else {
      std::ifstream in(resolved_file);
      json old;
      try {
        old = json::parse(in);
      } catch (const std::exception&) {
        throw Error(resolved_file.string() + ": unreadable; cannot resume this run (use --overwrite)");
      }
      // How many threads and jobs ran it changes no result; a resume may use
      // other counts.
      json old_settings = old, new_settings = resolved;
      for (const char* how : {"threads", "jobs"}) {
        if (old_settings.is_object()) old_settings.erase(how);
        if (new_settings.is_object()) new_settings.erase(how);
      }
      const std::string d = first_difference(old_settings, new_settings);
      if (!d.empty())
        throw Error("cannot resume " + path_ + ": the pipeline differs from its resolved.json at " + d +
                    " (`nasrun --resume " + path_ + "` continues it as it was started; --overwrite or another "
                    "--output runs the new pipeline)");
    }
  }
  fs::create_directories(path_, ec);
  if (ec) throw Error(path_ + ": cannot create the run directory (" + ec.message() + ")");
  write_json("resolved.json", resolved);
}

RunDir::~RunDir() {
  for (auto& f : open_) std::fclose(f.second);
}

std::string RunDir::file(const std::string& name) const { return (fs::path(path_) / name).string(); }

std::vector<json> RunDir::read_lines(const std::string& name) {
  std::vector<json> out;
  std::ifstream in(file(name), std::ios::binary);
  if (!in) return out;
  std::string line;
  std::streamoff good_end = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no trailing newline: torn
    try {
      out.push_back(json::parse(line));
    } catch (const std::exception&) {
      break;  // a torn line can only be the last one; drop it and what follows
    }
    good_end = in.tellg();
  }
  in.close();
  std::error_code ec;
  if (fs::exists(file(name), ec) && static_cast<std::streamoff>(fs::file_size(file(name), ec)) != good_end)
    fs::resize_file(file(name), static_cast<uintmax_t>(good_end), ec);
  return out;
}

void RunDir::append_line(const std::string& name, const json& line) {
  std::FILE* f = nullptr;
  for (auto& o : open_)
    if (o.first == name) f = o.second;
  if (!f) {
    f = std::fopen(file(name).c_str(), "ab");
    if (!f) throw Error(file(name) + ": cannot open for appending");
    open_.emplace_back(name, f);
  }
  const std::string text = line.dump() + "\n";
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fflush(f) != 0)
    throw Error(file(name) + ": write failed (disk full?)");
}

void RunDir::write_text(const std::string& name, const std::string& text) {
  const std::string tmp = file(name) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw Error(tmp + ": write failed");
  }
  std::error_code ec;
  fs::rename(tmp, file(name), ec);
  if (ec) throw Error(file(name) + ": cannot replace (" + ec.message() + ")");
}

void RunDir::write_json(const std::string& name, const json& value) { write_text(name, value.dump(2) + "\n"); }

json finite_or_string(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

double number_from_json(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v == "inf") return std::numeric_limits<double>::infinity();
  if (v == "-inf") return -std::numeric_limits<double>::infinity();
  return std::numeric_limits<double>::quiet_NaN();
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return json(v).dump();
}

}  // namespace nas
