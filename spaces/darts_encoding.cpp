#include "darts_encoding.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "nas/csv.h"
#include "nas/errors.h"
#include "nas/options.h"

namespace darts {
namespace {

const char* kCellNames[2] = {"normal", "reduce"};

// The unordered input pairs of node k (2..5) in lexicographic order: the
// choices of its "inputs" dimension.
std::vector<std::pair<int, int>> input_pairs(int node) {
  std::vector<std::pair<int, int>> pairs;
  for (int a = 0; a < node; ++a)
    for (int b = a + 1; b < node; ++b) pairs.emplace_back(a, b);
  return pairs;
}

std::string pair_repr(const Pair& p) { return "(" + std::to_string(p.input) + ", " + std::to_string(p.op) + ")"; }

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Genome parse() const {
    std::size_t b = 0, e = text_.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text_[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text_[e - 1]))) --e;
    const std::string s = text_.substr(b, e - b);
    if (s.empty()) fail("empty string; expected e.g. '(((0, 6), (1, 4), ...), ((0, 1), ...))'");
    Genome g = s.rfind("Genotype", 0) == 0 ? parse_genotype(s)
               : s.find(':') != std::string::npos ? parse_tokens(s)
                                                  : parse_ints(s);
    const std::string why = invalid_reason(g);
    if (!why.empty()) fail(why);
    return g;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw nas::ArchError("bad DARTS arch '" + text_ + "': " + what);
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

  int op_code(const std::string& name) const {
    const auto& names = op_names();
    for (int o = 0; o < kNumOps; ++o)
      if (names[o] == name) return o;
    std::string msg = "unknown op '" + name + "'";
    const std::string guess = nas::did_you_mean(name, names);
    if (!guess.empty()) msg += ", did you mean '" + guess + "'?";
    fail(msg + " (ops: max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, "
               "dil_conv_5x5; 'none' is not in this space)");
  }

  static Genome from_pairs(const std::vector<Pair>& pairs) {
    Genome g;
    for (int i = 0; i < 2 * kPairs; ++i) g.cells[i / kPairs][i % kPairs] = pairs[i];
    return g;
  }

  // Tuple, list and CSV forms all list the 32 ints in (input, op) order.
  Genome parse_ints(const std::string& s) const {
    for (char c : s)
      if (!std::isdigit(static_cast<unsigned char>(c)) && !std::isspace(static_cast<unsigned char>(c)) &&
          std::string("(),[]").find(c) == std::string::npos)
        fail(std::string("unexpected character '") + c +
             "'; expected a NASLib tuple/list of (input, op) pairs, 32 ints, a Genotype or op:input tokens");
    std::vector<int> ints;
    const std::regex int_re("\\d+");
    for (auto it = std::sregex_iterator(s.begin(), s.end(), int_re); it != std::sregex_iterator(); ++it)
      ints.push_back(number(it->str()));
    if (ints.size() != 4 * kPairs)
      fail("expected 32 integers (8 normal then 8 reduce (input, op) pairs), got " + std::to_string(ints.size()));
    std::vector<Pair> pairs;
    for (std::size_t i = 0; i < ints.size(); i += 2) pairs.push_back({ints[i], ints[i + 1]});
    return from_pairs(pairs);
  }

  Genome parse_tokens(const std::string& s) const {
    std::vector<Pair> pairs;
    const std::regex token_re("\\S+");
    for (auto it = std::sregex_iterator(s.begin(), s.end(), token_re); it != std::sregex_iterator(); ++it) {
      const std::string tok = it->str();
      const std::size_t colon = tok.find(':');
      const std::string in = colon == std::string::npos ? "" : tok.substr(colon + 1);
      if (in.empty() || !std::all_of(in.begin(), in.end(), ::isdigit))
        fail("token '" + tok + "' is not op:input (e.g. sep_conv_3x3:1)");
      pairs.push_back({number(in), op_code(tok.substr(0, colon))});
    }
    if (pairs.size() != 2 * kPairs)
      fail("expected 16 op:input tokens (8 normal then 8 reduce), got " + std::to_string(pairs.size()));
    return from_pairs(pairs);
  }

  Genome parse_genotype(const std::string& s) const {
    std::vector<Pair> pairs;
    for (const char* cell : kCellNames) {
      const std::string key = std::string(cell) + "=[";
      const std::size_t open = s.find(key);
      if (open == std::string::npos) fail("a Genotype needs " + key + "...]");
      const std::size_t close = s.find(']', open);
      if (close == std::string::npos) fail("unclosed " + key);
      const std::string list = s.substr(open + key.size(), close - open - key.size());
      const std::regex pair_re("\\(\\s*'([A-Za-z0-9_]+)'\\s*,\\s*(\\d+)\\s*\\)");
      int count = 0;
      for (auto it = std::sregex_iterator(list.begin(), list.end(), pair_re); it != std::sregex_iterator(); ++it) {
        pairs.push_back({number((*it)[2].str()), op_code((*it)[1].str())});
        ++count;
      }
      if (count != kPairs)
        fail(std::string(cell) + " has " + std::to_string(count) + " ('op', input) pairs; a DARTS cell has 8");
      std::smatch concat;
      const std::regex concat_re(std::string(cell) + "_concat=(\\[[^\\]]*\\]|range\\([^)]*\\))");
      if (std::regex_search(s, concat, concat_re)) {
        std::string c = concat[1].str();
        c.erase(std::remove_if(c.begin(), c.end(), ::isspace), c.end());
        if (c != "[2,3,4,5]" && c != "range(2,6)")
          fail(std::string(cell) + "_concat is " + concat[1].str() + "; this space concatenates nodes [2, 3, 4, 5]");
      }
    }
    return from_pairs(pairs);
  }

  const std::string& text_;
};

}  // namespace

const std::vector<std::string>& op_names() {
  static const std::vector<std::string> names{"max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                                              "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
  return names;
}

std::vector<nas::Dimension> dimensions() {
  std::vector<nas::Dimension> dims;
  for (const char* cell : kCellNames)
    for (int node = 2; node < 2 + kNodes; ++node) {
      const std::string prefix = std::string(cell) + ".n" + std::to_string(node) + ".";
      std::vector<std::string> pairs;
      for (const auto& [a, b] : input_pairs(node)) pairs.push_back(std::to_string(a) + "+" + std::to_string(b));
      dims.push_back({prefix + "inputs", pairs});
      dims.push_back({prefix + "op_lo", op_names()});
      dims.push_back({prefix + "op_hi", op_names()});
    }
  return dims;
}

Genome genome_of(const nas::Arch& arch) {
  Genome g;
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < kNodes; ++k) {
      const int* d = &arch.choices[c * kDimsPerCell + 3 * k];
      const auto [lo, hi] = input_pairs(k + 2)[d[0]];
      g.cells[c][2 * k] = {lo, d[1]};
      g.cells[c][2 * k + 1] = {hi, d[2]};
    }
  return g;
}

nas::Arch arch_of(const Genome& genome) {
  const Genome g = canonical(genome);
  nas::Arch arch;
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < kNodes; ++k) {
      const Pair& lo = g.cells[c][2 * k];
      const Pair& hi = g.cells[c][2 * k + 1];
      const auto pairs = input_pairs(k + 2);
      const auto pos = std::find(pairs.begin(), pairs.end(), std::make_pair(lo.input, hi.input)) - pairs.begin();
      arch.choices.insert(arch.choices.end(), {static_cast<int>(pos), lo.op, hi.op});
    }
  return arch;
}

Genome canonical(const Genome& genome) {
  Genome g = genome;
  for (auto& cell : g.cells)
    for (int k = 0; k < kNodes; ++k)
      if (cell[2 * k].input > cell[2 * k + 1].input) std::swap(cell[2 * k], cell[2 * k + 1]);
  return g;
}

std::string invalid_reason(const Genome& g) {
  for (int c = 0; c < 2; ++c)
    for (int j = 0; j < kPairs; ++j) {
      const Pair& p = g.cells[c][j];
      const int node = j / 2 + 2;
      const std::string where = std::string(kCellNames[c]) + " pair " + std::to_string(j) + " (node " +
                                std::to_string(node) + ")";
      if (p.op < 0 || p.op >= kNumOps)
        return where + ": op " + std::to_string(p.op) + " is not one of 0..6 (0 max_pool_3x3, 1 avg_pool_3x3, "
                       "2 skip_connect, 3 sep_conv_3x3, 4 sep_conv_5x5, 5 dil_conv_3x3, 6 dil_conv_5x5)";
      if (p.input < 0 || p.input >= node)
        return where + ": input " + std::to_string(p.input) + " is not an earlier state (0.." +
               std::to_string(node - 1) + ")";
      if (j % 2 == 1 && p.input == g.cells[c][j - 1].input)
        return std::string(kCellNames[c]) + " node " + std::to_string(node) + " reads input " +
               std::to_string(p.input) + " twice; a node's two inputs must differ";
    }
  return "";
}

std::string tuple_string(const Genome& g) {
  std::string s = "(";
  for (int c = 0; c < 2; ++c) {
    s += c ? ", (" : "(";
    for (int j = 0; j < kPairs; ++j) s += (j ? ", " : "") + pair_repr(g.cells[c][j]);
    s += ")";
  }
  return s + ")";
}

std::string genotype_string(const Genome& g) {
  std::string s = "Genotype(";
  for (int c = 0; c < 2; ++c) {
    s += std::string(c ? ", " : "") + kCellNames[c] + "=[";
    for (int j = 0; j < kPairs; ++j)
      s += (j ? ", ('" : "('") + op_names()[g.cells[c][j].op] + "', " + std::to_string(g.cells[c][j].input) + ")";
    s += "], " + std::string(kCellNames[c]) + "_concat=[2, 3, 4, 5]";
  }
  return s + ")";
}

Genome parse(const std::string& text) { return Parser(text).parse(); }

}  // namespace darts
