// Proxy expressions: the operation table, parsing, types and the probes an
// expression needs (nas/proxy_expr.h).
#include "nas/proxy_expr.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>

#include "expr_ops.h"
#include "nas/errors.h"
#include "nas/probes.h"
#include "nas/tensor_math.h"

namespace nas::expr {

namespace detail {

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> ops = {
      {"W", Kind::Leaf},        {"G", Kind::Leaf},       {"G1", Kind::Leaf},        {"G2", Kind::Leaf},
      {"A", Kind::Leaf},        {"dA", Kind::Leaf},      {"J", Kind::Leaf},         {"K", Kind::Leaf},
      {"Pn", Kind::Leaf},       {"Ps", Kind::Leaf},      {"abs", Kind::Unary},      {"square", Kind::Unary},
      {"sqrt", Kind::Unary},    {"log", Kind::Unary},    {"log0", Kind::Unary},     {"sign", Kind::Unary},
      {"neg", Kind::Unary},     {"inv", Kind::Unary},    {"std", Kind::Unary},      {"add", Kind::Binary},
      {"sub", Kind::Binary},    {"mul", Kind::Binary},   {"div", Kind::Binary},     {"div0", Kind::Binary},
      {"sum", Kind::Reduce},    {"mean", Kind::Reduce},
      {"norm", Kind::Reduce},   {"max", Kind::Reduce},   {"count", Kind::Reduce},   {"corr", Kind::Corr},
      {"eig", Kind::Eig},
      {"logdet", Kind::Logdet}, {"sum_layers", Kind::Across}, {"mean_layers", Kind::Across}};
  return ops;
}

const OpInfo* find_op(const std::string& name) {
  for (const auto& op : op_table())
    if (name == op.name) return &op;
  return nullptr;
}

std::size_t arity(Kind k) {
  switch (k) {
    case Kind::Leaf: return 0;
    case Kind::Binary: return 2;
    default: return 1;
  }
}

std::vector<std::string> names_of(Kind k) {
  std::vector<std::string> out;
  for (const auto& op : op_table())
    if (op.kind == k) out.push_back(op.name);
  return out;
}

Type leaf_type(const std::string& leaf) {
  if (leaf == "W" || leaf == "G" || leaf == "G1" || leaf == "G2") return {Shape::Elements, "W", false};
  if (leaf == "A" || leaf == "dA") return {Shape::Elements, "A", false};
  if (leaf == "J") return {Shape::Matrix, "J", false};
  if (leaf == "K") return {Shape::Matrix, "K", true};
  if (leaf == "Pn" || leaf == "Ps") return {Shape::Layers, "P", false};
  throw Error("proxy expression: unknown leaf \"" + leaf + "\"");
}

}  // namespace detail

using namespace detail;

namespace {

// ---- Parsing ----------------------------------------------------------------
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Node parse_all() {
    Node n = parse_node();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "' after a complete expression");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("proxy expression \"" + text_ + "\", at character " + std::to_string(pos_ + 1) + ": " + what);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  Node parse_node() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    if (start == pos_) fail(pos_ < text_.size() ? "expected a leaf or an operation, got '" + std::string(1, text_[pos_]) + "'"
                                                : "expected a leaf or an operation, got the end");
    Node n{text_.substr(start, pos_ - start), {}};
    const OpInfo* op = find_op(n.op);
    if (!op) {
      pos_ = start;
      std::string all;
      for (const auto& o : op_table()) all += (all.empty() ? "" : " ") + std::string(o.name);
      fail("unknown name \"" + n.op + "\" (leaves and operations: " + all + ")");
    }
    skip_space();
    const std::size_t want = arity(op->kind);
    if (want == 0) {
      if (pos_ < text_.size() && text_[pos_] == '(') fail("the leaf " + n.op + " takes no arguments");
      return n;
    }
    if (pos_ >= text_.size() || text_[pos_] != '(')
      fail(n.op + " takes " + std::to_string(want) + " argument" + (want > 1 ? "s" : "") + ": " + n.op + "(...)");
    ++pos_;
    for (std::size_t i = 0; i < want; ++i) {
      if (i > 0) {
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != ',') fail(n.op + " takes " + std::to_string(want) + " arguments; expected ','");
        ++pos_;
      }
      n.args.push_back(parse_node());
    }
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != ')')
      fail(n.op + " takes " + std::to_string(want) + " argument" + (want > 1 ? "s" : "") + "; expected ')'");
    ++pos_;
    return n;
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};


}  // namespace

std::string describe(const Type& t) {
  switch (t.shape) {
    case Shape::Scalar: return "a scalar";
    case Shape::Layers: return (t.family == "P" ? "per-ReLU-call numbers of " : "per-layer numbers of ") + t.family;
    case Shape::Elements: return "per-layer tensors of " + t.family;
    case Shape::Matrix: return std::string(t.square ? "a square matrix of " : "a matrix of ") + t.family;
  }
  return "?";
}

Node parse(const std::string& text) {
  Node n = Parser(text).parse_all();
  const Type t = type_of(n);
  if (t.shape != Shape::Scalar)
    throw Error("proxy expression \"" + text + "\" is " + describe(t) + ", not a scalar; reduce it, e.g. sum_layers(...)");
  return n;
}

std::string to_string(const Node& n) {
  if (n.args.empty()) return n.op;
  std::string s = n.op + "(";
  for (std::size_t i = 0; i < n.args.size(); ++i) s += (i ? ", " : "") + to_string(n.args[i]);
  return s + ")";
}

std::size_t size(const Node& n) {
  std::size_t s = 1;
  for (const auto& a : n.args) s += size(a);
  return s;
}

Type type_of(const Node& n) {
  const OpInfo* op = find_op(n.op);
  if (!op) throw Error("proxy expression: unknown name \"" + n.op + "\"");
  if (n.args.size() != arity(op->kind))
    throw Error("proxy expression: " + n.op + " takes " + std::to_string(arity(op->kind)) + " arguments");
  if (op->kind == Kind::Leaf) return leaf_type(n.op);
  const Type a = type_of(n.args[0]);
  auto wrong = [&](const std::string& wants) -> Error {
    return Error("proxy expression " + to_string(n) + ": " + n.op + " takes " + wants + ", got " + describe(a));
  };
  switch (op->kind) {
    case Kind::Unary: return a;
    case Kind::Binary: {
      const Type b = type_of(n.args[1]);
      if (!(a == b))
        throw Error("proxy expression " + to_string(n) + ": " + n.op + " needs two arguments of one shape and leaf family, got " +
                    describe(a) + " and " + describe(b));
      return a;
    }
    case Kind::Reduce:
      if (a.shape != Shape::Elements && a.shape != Shape::Matrix) throw wrong("per-layer tensors or a matrix");
      return {Shape::Layers, a.family, false};
    case Kind::Corr:
      if (a.shape != Shape::Matrix) throw wrong("a matrix (J, K)");
      return {Shape::Matrix, a.family, true};
    case Kind::Eig:
      if (a.shape != Shape::Matrix || !a.square) throw wrong("a square matrix (K, corr(J))");
      return {Shape::Elements, a.family, false};
    case Kind::Logdet:
      if (a.shape != Shape::Matrix || !a.square) throw wrong("a square matrix (K, corr(J))");
      return {Shape::Layers, a.family, false};
    case Kind::Across:
      if (a.shape != Shape::Layers) throw wrong("per-layer numbers (from sum, mean, norm, max or logdet, or Pn, Ps)");
      return {Shape::Scalar, "", false};
    case Kind::Leaf: break;
  }
  throw Error("unreachable");
}

ProbeSet leaf_needs(const std::string& leaf) {
  if (leaf == "W") return kNoProbe;
  if (leaf == "G") return kLabels | kWeightGrads;
  if (leaf == "G1" || leaf == "G2") return kLabels | kSplitGrads;
  if (leaf == "A" || leaf == "dA") return kLabels | kLayerActivations;
  if (leaf == "J") return kInputJacobian;
  if (leaf == "K" || leaf == "Pn" || leaf == "Ps") return kReluCodes;
  throw Error("proxy expression: unknown leaf \"" + leaf + "\"");
}

std::vector<std::string> leaves_of(const Node& n) {
  std::vector<std::string> out;
  std::function<void(const Node&)> walk = [&](const Node& m) {
    if (m.args.empty() && std::find(out.begin(), out.end(), m.op) == out.end()) out.push_back(m.op);
    for (const auto& a : m.args) walk(a);
  };
  walk(n);
  return out;
}

ProbeSet needs(const Node& n) {
  ProbeSet s = kNoProbe;
  for (const auto& l : leaves_of(n)) s |= leaf_needs(l);
  return s;
}

const std::vector<std::string>& leaf_names() {
  static const std::vector<std::string> names = names_of(Kind::Leaf);
  return names;
}


}  // namespace nas::expr
