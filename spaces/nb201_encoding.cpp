#include "nb201_encoding.h"

#include <cctype>

#include "nas/errors.h"
#include "nas/options.h"

namespace nb201 {
namespace {

// NASLib's tuple form (NAS-Bench-Suite-Zero, zc_combine): op ids
// 0=skip_connect, 1=none, 2=nor_conv_3x3, 3=nor_conv_1x1, 4=avg_pool_3x3, and
// the edges (1->2),(1->3),(1->4),(2->3),(2->4),(3->4) of its 1-based nodes,
// so tuple positions 2 and 3 swap relative to the arch string
// (data/README.md, file nbsz_nb201_val_acc_and_zen_all.csv).
constexpr std::array<Op, kNumOps> kNaslibOps{kSkipConnect, kNone, kConv3x3, kConv1x1, kAvgPool3x3};
constexpr std::array<int, kNumEdges> kNaslibPositionOfEdge{0, 1, 3, 2, 4, 5};

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts(1);
  for (char c : s) {
    if (c == sep) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

std::string inputs_hint(int node) {
  std::string hint;
  for (int i = 0; i < node; ++i) hint += (i ? ", ~" : "~") + std::to_string(i);
  return hint;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  nas::Arch parse() const {
    const std::string s = trim(text_);
    if (s.empty()) fail("empty string; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
    if (s.front() == '(') return parse_tuple(s);
    return parse_string(s);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw nas::ArchError("bad NB201 arch '" + text_ + "': " + what);
  }

  nas::Arch parse_string(const std::string& s) const {
    const std::vector<std::string> nodes = split(s, '+');
    if (nodes.size() != 3)
      fail("expected 3 nodes separated by '+', got " + std::to_string(nodes.size()));
    nas::Arch arch;
    for (int node = 1; node <= 3; ++node) {
      const std::string& part = nodes[node - 1];
      if (part.empty() || part.front() != '|')
        fail("node " + std::to_string(node) + " must start with '|', got '" + part + "'");
      const std::size_t last_bar = part.rfind('|');
      if (last_bar != part.size() - 1) {
        const std::string junk = part.substr(last_bar + 1);
        if (node == 3) fail("trailing text '" + junk + "' after the last '|'");
        fail("node " + std::to_string(node) + " must end with '|', got '" + part + "'");
      }
      const std::vector<std::string> edges =
          part.size() < 2 ? std::vector<std::string>{} : split(part.substr(1, part.size() - 2), '|');
      if (static_cast<int>(edges.size()) != node)
        fail("node " + std::to_string(node) + " must have " + std::to_string(node) + " input" +
             (node > 1 ? "s" : "") + " (" + inputs_hint(node) + "), got " + std::to_string(edges.size()));
      for (int from = 0; from < node; ++from) arch.choices.push_back(parse_edge(edges[from], node, from));
    }
    return arch;
  }

  int parse_edge(const std::string& edge, int node, int from) const {
    const std::string where = "edge " + std::to_string(node) + "<-" + std::to_string(from);
    const std::size_t tilde = edge.rfind('~');
    if (tilde == std::string::npos)
      fail(where + " '" + edge + "' has no input index; expected 'op~" + std::to_string(from) + "'");
    const std::string op = edge.substr(0, tilde);
    const std::string input = edge.substr(tilde + 1);
    if (input != std::to_string(from))
      fail("node " + std::to_string(node) + " input " + std::to_string(from + 1) + " must read ~" +
           std::to_string(from) + ", got '~" + input + "'");
    const auto& names = op_names();
    for (int o = 0; o < kNumOps; ++o)
      if (names[o] == op) return o;
    std::string msg = "unknown op '" + op + "' on " + where;
    const std::string guess = nas::did_you_mean(op, names);
    if (!guess.empty()) msg += ", did you mean '" + guess + "'?";
    msg += " (ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)";
    fail(msg);
  }

  nas::Arch parse_tuple(const std::string& s) const {
    if (s.back() != ')') fail("a NASLib tuple must end with ')'");
    const std::vector<std::string> items = split(s.substr(1, s.size() - 2), ',');
    if (items.size() != kNumEdges)
      fail("a NASLib tuple has 6 op ids, got " + std::to_string(items.size()));
    std::array<Op, kNumEdges> ops{};
    for (int i = 0; i < kNumEdges; ++i) {
      const std::string item = trim(items[i]);
      if (item.size() != 1 || item[0] < '0' || item[0] >= '0' + kNumOps)
        fail("NASLib op id '" + item + "' is not one of 0..4 (0=skip_connect, 1=none, 2=nor_conv_3x3, "
             "3=nor_conv_1x1, 4=avg_pool_3x3)");
      ops[i] = kNaslibOps[item[0] - '0'];
    }
    nas::Arch arch;
    for (int e = 0; e < kNumEdges; ++e) arch.choices.push_back(ops[kNaslibPositionOfEdge[e]]);
    return arch;
  }

  const std::string& text_;
};

}  // namespace

const std::vector<std::string>& op_names() {
  static const std::vector<std::string> names{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                              "avg_pool_3x3"};
  return names;
}

std::vector<nas::Dimension> dimensions() {
  std::vector<nas::Dimension> dims;
  for (const Edge& e : kEdges) dims.push_back({std::to_string(e.to) + "<-" + std::to_string(e.from), op_names()});
  return dims;
}

std::string to_string(const nas::Arch& arch) {
  std::string s;
  for (int e = 0; e < kNumEdges; ++e) {
    if (e > 0 && kEdges[e].from == 0) s += "+";
    s += "|" + op_names()[arch.choices[e]] + "~" + std::to_string(kEdges[e].from);
    if (e == kNumEdges - 1 || kEdges[e + 1].from == 0) s += "|";
  }
  return s;
}

nas::Arch parse(const std::string& text) { return Parser(text).parse(); }

int code_of(const nas::Arch& arch) {
  int code = 0;
  for (int c : arch.choices) code = code * kNumOps + c;
  return code;
}

nas::Arch arch_of_code(int code) {
  nas::Arch arch;
  arch.choices.resize(kNumEdges);
  for (int e = kNumEdges - 1; e >= 0; --e, code /= kNumOps) arch.choices[e] = code % kNumOps;
  return arch;
}

}  // namespace nb201
