#include "nb101_encoding.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/options.h"
#include "nb101_md5.h"

namespace nb101 {
namespace {

// NASLib `all_ops` codes -> our labels (0 input, 1 output, 2 maxpool3x3,
// 3 conv1x1, 4 conv3x3; shared/data/SOURCES_nb101_nb301.md).
constexpr std::array<int, 5> kNaslibLabel{kInputLabel, kOutputLabel, kMaxPool3x3, kConv1x1, kConv3x3};

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split_any(const std::string& s, const std::string& seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (seps.find(c) != std::string::npos) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string vertex_name(int v, int n) {
  if (v == 0) return "input";
  if (v == n - 1) return "output";
  return "vertex " + std::to_string(v);
}

// Vertices reachable from `from` along edges (forward) or against them.
std::array<bool, kMaxVertices> reach(const Spec& s, int from, bool forward) {
  std::array<bool, kMaxVertices> seen{};
  std::vector<int> stack{from};
  seen[from] = true;
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    for (int w = 0; w < s.n; ++w) {
      const bool edge = forward ? s.adj[v][w] : s.adj[w][v];
      if (edge && !seen[w]) {
        seen[w] = true;
        stack.push_back(w);
      }
    }
  }
  return seen;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Parsed parse() const {
    const std::string s = trim(text_);
    if (s.empty()) fail("empty string; expected e.g. 'adj=0110000011000010000100000 ops=input,conv3x3-bn-relu,...'");
    if (s.front() == '(') return {parse_tuple(s), ""};
    if (s.front() == '{') return {parse_json(s), ""};
    return parse_words(s);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw nas::ArchError("bad NB101 arch '" + text_ + "': " + what);
  }

  // An int of the arch text (digits only, matched already); too large for
  // int is an arch error like any other.
  int number(const std::string& digits) const {
    try {
      return nas::parse_int(digits, "number");
    } catch (const nas::Error& e) {
      fail(e.what());
    }
  }

  // Shape, entries, triangle and end labels, shared by every form.
  Spec make(const std::vector<int>& flat, const std::vector<int>& labels, int n) const {
    if (n < 2 || n > kMaxVertices)
      fail("a cell has 2 to 7 vertices, got " + std::to_string(n));
    Spec s;
    s.n = n;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const int a = flat[i * n + j];
        if (a != 0 && a != 1) fail("adjacency entry [" + std::to_string(i) + "][" + std::to_string(j) + "] is " +
                                   std::to_string(a) + "; entries are 0 or 1");
        if (a && j <= i)
          fail("edge " + std::to_string(i) + "->" + std::to_string(j) +
               " does not go forward; the adjacency must be strictly upper-triangular");
        s.adj[i][j] = a;
      }
    for (int v = 0; v < n; ++v) {
      const int want = v == 0 ? kInputLabel : v == n - 1 ? kOutputLabel : -3;
      if (want != -3 && labels[v] != want)
        fail("vertex " + std::to_string(v) + " must be the " + (v == 0 ? "input" : "output"));
      if (want == -3 && (labels[v] < 0 || labels[v] >= kNumOps))
        fail("vertex " + std::to_string(v) + " is interior and must be one of " +
             "conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3");
      s.label[v] = labels[v];
    }
    return s;
  }

  int label_of_name(const std::string& name, int v) const {
    if (name == "input") return kInputLabel;
    if (name == "output") return kOutputLabel;
    const auto& names = op_names();
    for (int o = 0; o < kNumOps; ++o)
      if (names[o] == name) return o;
    std::vector<std::string> all = names;
    all.push_back("input");
    all.push_back("output");
    std::string msg = "unknown op '" + name + "' at vertex " + std::to_string(v);
    const std::string guess = nas::did_you_mean(name, all);
    if (!guess.empty()) msg += ", did you mean '" + guess + "'?";
    fail(msg + " (ops: input, conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3, output)");
  }

  Spec from_digits_and_names(const std::string& digits, const std::vector<std::string>& names) const {
    const int n = static_cast<int>(names.size());
    if (static_cast<int>(digits.size()) != n * n)
      fail(std::to_string(names.size()) + " ops need " + std::to_string(n * n) + " adjacency digits, got " +
           std::to_string(digits.size()));
    std::vector<int> flat;
    for (char c : digits) {
      if (c != '0' && c != '1') fail("adjacency digit '" + std::string(1, c) + "' is not 0 or 1");
      flat.push_back(c - '0');
    }
    std::vector<int> labels;
    for (int v = 0; v < n; ++v) labels.push_back(label_of_name(names[v], v));
    return make(flat, labels, n);
  }

  // "adj=... ops=a,b,c [hash=...]" or "<digits> <op names...> [hash]".
  Parsed parse_words(const std::string& s) const {
    const std::vector<std::string> words = split_any(s, " \t,");
    std::string digits, hash;
    std::vector<std::string> names;
    for (const std::string& w : words) {
      if (w.rfind("adj=", 0) == 0) digits = w.substr(4);
      else if (w.rfind("ops=", 0) == 0) names.push_back(w.substr(4));
      else if (w.rfind("hash=", 0) == 0) hash = w.substr(5);
      else if (digits.empty() && std::all_of(w.begin(), w.end(), ::isdigit)) digits = w;
      else if (is_hash(w) && !names.empty()) hash = w;
      else names.push_back(w);
    }
    if (digits.empty()) fail("no adjacency digits; expected 'adj=<n*n digits> ops=<names>' or '<digits> <names>'");
    if (names.empty()) fail("no ops; expected the op names from input to output after the adjacency");
    if (!hash.empty() && !is_hash(hash)) fail("hash '" + hash + "' is not 32 hex digits");
    return {from_digits_and_names(digits, names), hash};
  }

  Spec parse_tuple(const std::string& s) const {
    if (s.back() != ')') fail("a NASLib tuple must end with ')'");
    std::vector<int> ints;
    for (const std::string& item : split_any(s.substr(1, s.size() - 2), ", ")) {
      if (!std::all_of(item.begin(), item.end(), ::isdigit)) fail("tuple item '" + item + "' is not an integer");
      ints.push_back(number(item));
    }
    // n*n adjacency entries then n op codes: n = (-1 + sqrt(1 + 4L)) / 2.
    const int len = static_cast<int>(ints.size());
    const int n = static_cast<int>(std::lround((-1.0 + std::sqrt(1.0 + 4.0 * len)) / 2.0));
    if (n * n + n != len || n < 2)
      fail("a NASLib tuple has n*n + n items (n vertices), got " + std::to_string(len));
    std::vector<int> labels;
    for (int v = 0; v < n; ++v) {
      const int code = ints[n * n + v];
      if (code < 0 || code > 4)
        fail("NASLib op code " + std::to_string(code) + " at vertex " + std::to_string(v) +
             " is not one of 0..4 (0 input, 1 output, 2 maxpool3x3, 3 conv1x1, 4 conv3x3)");
      labels.push_back(kNaslibLabel[code]);
    }
    return make(std::vector<int>(ints.begin(), ints.begin() + n * n), labels, n);
  }

  Spec parse_json(const std::string& s) const {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(s);
    } catch (const std::exception& e) {
      fail(std::string("invalid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("module_adjacency") || !j.contains("module_operations"))
      fail("JSON needs \"module_adjacency\" (n x n 0/1) and \"module_operations\" (n op names)");
    const auto& rows = j.at("module_adjacency");
    const auto& ops = j.at("module_operations");
    if (!rows.is_array() || !ops.is_array() || rows.size() != ops.size())
      fail("module_adjacency must have one row per op in module_operations");
    std::string digits;
    std::vector<std::string> names;
    for (const auto& row : rows) {
      if (!row.is_array() || row.size() != ops.size()) fail("module_adjacency must be square");
      for (const auto& a : row) digits += a.is_number_integer() ? std::to_string(a.get<int>()) : "?";
    }
    for (const auto& o : ops) names.push_back(o.is_string() ? o.get<std::string>() : o.dump());
    return from_digits_and_names(digits, names);
  }

  const std::string& text_;
};

}  // namespace

int Spec::edges() const {
  int e = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) e += adj[i][j];
  return e;
}

const std::vector<std::string>& op_names() {
  static const std::vector<std::string> names{"conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"};
  return names;
}

std::vector<nas::Dimension> dimensions() {
  std::vector<nas::Dimension> dims;
  for (int i = 0; i < kMaxVertices; ++i)
    for (int j = i + 1; j < kMaxVertices; ++j) dims.push_back({std::to_string(i) + "->" + std::to_string(j), {"0", "1"}});
  for (int v = 1; v <= kNumInteriorOps; ++v) dims.push_back({"op" + std::to_string(v), op_names()});
  return dims;
}

Spec raw_spec(const nas::Arch& arch) {
  Spec s;
  s.n = kMaxVertices;
  int d = 0;
  for (int i = 0; i < kMaxVertices; ++i)
    for (int j = i + 1; j < kMaxVertices; ++j) s.adj[i][j] = arch.choices[d++];
  s.label[0] = kInputLabel;
  s.label[kMaxVertices - 1] = kOutputLabel;
  for (int v = 1; v <= kNumInteriorOps; ++v) s.label[v] = arch.choices[d++];
  return s;
}

std::optional<Spec> prune(const Spec& spec) {
  const auto from_input = reach(spec, 0, true);
  const auto to_output = reach(spec, spec.n - 1, false);
  if (!from_input[spec.n - 1]) return std::nullopt;
  std::vector<int> keep;
  for (int v = 0; v < spec.n; ++v)
    if (from_input[v] && to_output[v]) keep.push_back(v);
  Spec p;
  p.n = static_cast<int>(keep.size());
  for (int i = 0; i < p.n; ++i) {
    p.label[i] = spec.label[keep[i]];
    for (int j = 0; j < p.n; ++j) p.adj[i][j] = spec.adj[keep[i]][keep[j]];
  }
  return p;
}

std::string invalid_reason(const Spec& spec) {
  const auto pruned = prune(spec);
  if (!pruned) return "no path from the input to the output";
  if (pruned->edges() > kMaxEdges)
    return "the pruned cell has " + std::to_string(pruned->edges()) + " edges; NAS-Bench-101 allows at most " +
           std::to_string(kMaxEdges);
  return "";
}

std::string graph_hash(const Spec& p) {
  std::vector<std::string> h(p.n);
  for (int v = 0; v < p.n; ++v) {
    int in = 0, out = 0;
    for (int w = 0; w < p.n; ++w) {
      in += p.adj[w][v];
      out += p.adj[v][w];
    }
    // Python's str() of the tuple (out_degree, in_degree, label).
    h[v] = md5_hex("(" + std::to_string(out) + ", " + std::to_string(in) + ", " + std::to_string(p.label[v]) + ")");
  }
  for (int round = 0; round < p.n; ++round) {
    std::vector<std::string> next(p.n);
    for (int v = 0; v < p.n; ++v) {
      std::vector<std::string> ins, outs;
      for (int w = 0; w < p.n; ++w) {
        if (p.adj[w][v]) ins.push_back(h[w]);
        if (p.adj[v][w]) outs.push_back(h[w]);
      }
      std::sort(ins.begin(), ins.end());
      std::sort(outs.begin(), outs.end());
      std::string msg;
      for (const auto& x : ins) msg += x;
      msg += "|";
      for (const auto& x : outs) msg += x;
      msg += "|" + h[v];
      next[v] = md5_hex(msg);
    }
    h = std::move(next);
  }
  std::sort(h.begin(), h.end());
  std::string list = "[";  // Python's str() of the sorted list
  for (std::size_t i = 0; i < h.size(); ++i) list += (i ? ", '" : "'") + h[i] + "'";
  return md5_hex(list + "]");
}

std::vector<int> vertex_channels(const Spec& p, int in, int out) {
  const int n = p.n;
  std::vector<int> vc(n, 0);
  vc[0] = in;
  vc[n - 1] = out;
  if (n == 2) return vc;
  // Split the output channels over the interior vertices that feed it (the
  // input's own edge to the output is a projection and takes none).
  int feeding = 0;
  for (int v = 1; v < n - 1; ++v) feeding += p.adj[v][n - 1];
  int base = out / feeding, extra = out % feeding;
  for (int v = 1; v < n - 1; ++v)
    if (p.adj[v][n - 1]) {
      vc[v] = base + (extra > 0 ? 1 : 0);
      if (extra > 0) --extra;
    }
  // Other vertices take the widest of their successors (later truncated).
  for (int v = n - 3; v >= 1; --v)
    if (!p.adj[v][n - 1])
      for (int w = v + 1; w < n - 1; ++w)
        if (p.adj[v][w]) vc[v] = std::max(vc[v], vc[w]);
  return vc;
}

nas::Arch embed(const Spec& spec) {
  // Vertex v of the spec sits at place[v] of the 7-vertex genome.
  std::array<int, kMaxVertices> place{};
  for (int v = 0; v < spec.n - 1; ++v) place[v] = v;
  place[spec.n - 1] = kMaxVertices - 1;
  Spec full;
  full.n = kMaxVertices;
  full.label.fill(kConv3x3);
  for (int i = 0; i < spec.n; ++i) {
    full.label[place[i]] = spec.label[i];
    for (int j = 0; j < spec.n; ++j) full.adj[place[i]][place[j]] = spec.adj[i][j];
  }
  nas::Arch arch;
  for (int i = 0; i < kMaxVertices; ++i)
    for (int j = i + 1; j < kMaxVertices; ++j) arch.choices.push_back(full.adj[i][j]);
  for (int v = 1; v <= kNumInteriorOps; ++v) arch.choices.push_back(full.label[v]);
  return arch;
}

std::string to_string(const Spec& p) {
  std::string adj, ops;
  for (int i = 0; i < p.n; ++i)
    for (int j = 0; j < p.n; ++j) adj += p.adj[i][j] ? '1' : '0';
  for (int v = 0; v < p.n; ++v) {
    if (v) ops += ",";
    ops += v == 0 ? "input" : v == p.n - 1 ? "output" : op_names()[p.label[v]];
  }
  return "adj=" + adj + " ops=" + ops + " hash=" + graph_hash(p);
}

std::string naslib_tuple(const Spec& s) {
  std::string out = "(";
  for (int i = 0; i < s.n; ++i)
    for (int j = 0; j < s.n; ++j) out += std::to_string(s.adj[i][j]) + ", ";
  for (int v = 0; v < s.n; ++v) {
    const int code = static_cast<int>(std::find(kNaslibLabel.begin(), kNaslibLabel.end(), s.label[v]) -
                                      kNaslibLabel.begin());
    out += std::to_string(code) + (v + 1 < s.n ? ", " : ")");
  }
  return out;
}

Parsed parse(const std::string& text) { return Parser(text).parse(); }

bool is_hash(const std::string& text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

}  // namespace nb101
