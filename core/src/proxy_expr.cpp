#include "nas/proxy_expr.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>

#include "nas/errors.h"
#include "nas/probes.h"
#include "nas/tensor_math.h"

namespace nas::expr {

namespace {

enum class Kind { Leaf, Unary, Binary, Reduce, Corr, Eig, Logdet, Across };

struct OpInfo {
  const char* name;
  Kind kind;
};

const std::vector<OpInfo>& op_table() {
  static const std::vector<OpInfo> ops = {
      {"W", Kind::Leaf},        {"G", Kind::Leaf},       {"A", Kind::Leaf},         {"dA", Kind::Leaf},
      {"J", Kind::Leaf},        {"K", Kind::Leaf},       {"abs", Kind::Unary},      {"square", Kind::Unary},
      {"sqrt", Kind::Unary},    {"log", Kind::Unary},    {"sign", Kind::Unary},     {"neg", Kind::Unary},
      {"inv", Kind::Unary},     {"std", Kind::Unary},    {"add", Kind::Binary},     {"sub", Kind::Binary},
      {"mul", Kind::Binary},    {"div", Kind::Binary},   {"sum", Kind::Reduce},     {"mean", Kind::Reduce},
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
  if (leaf == "W" || leaf == "G") return {Shape::Elements, "W", false};
  if (leaf == "A" || leaf == "dA") return {Shape::Elements, "A", false};
  if (leaf == "J") return {Shape::Matrix, "J", false};
  return {Shape::Matrix, "K", true};
}

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

// ---- Evaluation ---------------------------------------------------------------
Value elements(const Type& t, at::Tensor data, std::shared_ptr<const at::Tensor> segment, int64_t layers) {
  return {t, std::move(data), std::move(segment), layers};
}

// Per-layer sums of an elements value, accumulated in float64: index_add
// adds a layer's million float32 terms one by one, and float32 accumulation
// then drifts by 1e-4 from the reference's torch.sum per layer.
at::Tensor segment_sum(const Value& v, const at::Tensor& x) {
  return at::zeros({v.layers}, x.options().dtype(at::kDouble)).index_add_(0, *v.segment, x.to(at::kDouble));
}

at::Tensor segment_count(const Value& v) {
  return at::bincount(*v.segment, {}, v.layers).to(at::kDouble);
}

at::Tensor unary(const std::string& op, const Value& v) {
  const at::Tensor& x = v.data;
  if (op == "abs") return x.abs();
  if (op == "square") return x * x;
  if (op == "sqrt") return x.abs().sqrt();
  if (op == "log") return (x.abs() + 1e-5).log();
  if (op == "sign") return x.sign();
  if (op == "neg") return -x;
  if (op == "inv") return (x.abs() + 1e-5).reciprocal();
  // std: standardise (population standard deviation; a constant gives 0).
  if (v.type.shape == Shape::Elements) {
    const at::Tensor count = segment_count(v);
    const at::Tensor mean = (segment_sum(v, x) / count).to(x.scalar_type()).index_select(0, *v.segment);
    const at::Tensor centred = x - mean;
    const at::Tensor sd =
        (segment_sum(v, centred * centred) / count).sqrt().to(x.scalar_type()).index_select(0, *v.segment);
    return centred / (sd + 1e-12);
  }
  const at::Tensor centred = x - x.mean();
  return centred / (centred.pow(2).mean().sqrt() + 1e-12);
}

at::Tensor binary(const std::string& op, const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes() && a.numel() != 1 && b.numel() != 1)
    throw Error(op + ": the two arguments have different sizes on this network");
  if (op == "add") return a + b;
  if (op == "sub") return a - b;
  if (op == "mul") return a * b;
  // div, defined everywhere: |b| is kept at 1e-12 or more, its sign kept
  // (gradients are often 1e-6 and smaller, so no larger epsilon will do).
  const at::Tensor floor = at::full({}, 1e-12, b.options());
  return a / at::where(b.abs() < 1e-12, at::copysign(floor, b), b);
}

Value eval_uncached(const Node& n, const LeafSet& leaves, const OpInfo& op, const Type& t);

// A matrix operation on a bare leaf, or on corr() of one: few enough to keep.
bool memoizable(const Node& n, Kind kind) {
  if (kind != Kind::Corr && kind != Kind::Eig && kind != Kind::Logdet) return false;
  const Node& a = n.args[0];
  return a.args.empty() || (a.op == "corr" && a.args[0].args.empty());
}

Value eval(const Node& n, const LeafSet& leaves) {
  const OpInfo& op = *find_op(n.op);
  const Type t = type_of(n);
  if (!memoizable(n, op.kind)) return eval_uncached(n, leaves, op, t);
  const std::string key = to_string(n);
  if (const Value* v = leaves.memo(key)) return *v;
  Value v = eval_uncached(n, leaves, op, t);
  leaves.remember(key, v);
  return v;
}

Value eval_uncached(const Node& n, const LeafSet& leaves, const OpInfo& op, const Type& t) {
  switch (op.kind) {
    case Kind::Leaf: return leaves.at(n.op);
    case Kind::Unary: {
      Value v = eval(n.args[0], leaves);
      v.data = unary(n.op, v);
      return v;
    }
    case Kind::Binary: {
      Value a = eval(n.args[0], leaves);
      const Value b = eval(n.args[1], leaves);
      a.data = binary(n.op, a.data, b.data);
      return a;
    }
    case Kind::Reduce: {
      const Value v = eval(n.args[0], leaves);
      const at::Tensor& x = v.data;
      at::Tensor r;
      if (v.type.shape == Shape::Elements) {
        if (n.op == "sum") r = segment_sum(v, x);
        else if (n.op == "mean") r = segment_sum(v, x) / segment_count(v);
        else if (n.op == "norm") r = segment_sum(v, x * x).sqrt();
        else if (n.op == "count") r = segment_count(v);
        else {
          // Layers are contiguous runs of entries: one max per run
          // (scatter_reduce would do it in one call, but LibTorch 1.13 prints
          // a "beta" warning for it on every run).
          const at::Tensor counts = at::bincount(*v.segment, {}, v.layers).cpu();
          const std::vector<int64_t> sizes(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
          std::vector<at::Tensor> maxima;
          for (const auto& part : x.split_with_sizes(sizes))
            maxima.push_back(part.numel() ? part.max() : at::full({}, -std::numeric_limits<double>::infinity(), x.options()));
          r = at::stack(maxima);
        }
        return {t, r, nullptr, v.layers};
      }
      if (n.op == "sum") r = x.sum();
      else if (n.op == "mean") r = x.mean();
      else if (n.op == "norm") r = (x * x).sum().sqrt();
      else if (n.op == "count") r = at::full({}, static_cast<double>(x.numel()), x.options().dtype(at::kDouble));
      else r = x.max();
      return {t, r.reshape({1}), nullptr, 1};
    }
    case Kind::Corr: {
      const Value v = eval(n.args[0], leaves);
      return {t, nas::corrcoef(v.data), nullptr, 1};
    }
    case Kind::Eig: {
      const Value v = eval(n.args[0], leaves);
      const at::Tensor m = v.data.to(at::kDouble);
      // A constant Jacobian row makes corr() NaN; numpy's eig raises there
      // and jacov's reference scores NaN: so does eig.
      at::Tensor e = at::isfinite(m).all().item<bool>() ? at::linalg_eigvalsh(m)
                                                        : at::full({m.size(0)}, std::nan(""), m.options());
      auto seg = std::make_shared<const at::Tensor>(at::zeros({e.numel()}, e.options().dtype(at::kLong)));
      return elements(t, e, seg, 1);
    }
    case Kind::Logdet: {
      const Value v = eval(n.args[0], leaves);
      return {t, std::get<1>(at::linalg_slogdet(v.data.to(at::kDouble))).reshape({1}), nullptr, 1};
    }
    case Kind::Across: {
      const Value v = eval(n.args[0], leaves);
      return {t, n.op == "sum_layers" ? v.data.sum() : v.data.mean(), nullptr, 1};
    }
  }
  throw Error("unreachable");
}

// ---- Paths into a tree, for the GP operators ----------------------------------
using Path = std::vector<std::size_t>;

void collect_paths(const Node& n, Path& prefix, std::vector<Path>& out) {
  out.push_back(prefix);
  for (std::size_t i = 0; i < n.args.size(); ++i) {
    prefix.push_back(i);
    collect_paths(n.args[i], prefix, out);
    prefix.pop_back();
  }
}

std::vector<Path> all_paths(const Node& n) {
  std::vector<Path> out;
  Path prefix;
  collect_paths(n, prefix, out);
  return out;
}

Node& node_at(Node& root, const Path& p) {
  Node* n = &root;
  for (auto i : p) n = &n->args[i];
  return *n;
}

const Node& node_at(const Node& root, const Path& p) {
  const Node* n = &root;
  for (auto i : p) n = &n->args[i];
  return *n;
}

template <class T>
const T& pick(const std::vector<T>& v, Rng& rng) {
  return v[rng.below(v.size())];
}

// A matrix's entry count is the same for every arch: not worth growing.
const std::vector<std::string>& matrix_reductions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& n : names_of(Kind::Reduce))
      if (n != "count") v.push_back(n);
    return v;
  }();
  return names;
}

// Typed random growth. Every type has a shortest derivation (min_depth); a
// production is chosen only when it can finish within the depth left.
class Grower {
 public:
  Grower(Rng& rng, const GrowOptions& o) : rng_(rng), o_(o) {
    for (const auto& l : o.leaves) {
      const std::string f = leaf_type(l).family;
      if (std::find(families_.begin(), families_.end(), f) == families_.end()) families_.push_back(f);
    }
    if (families_.empty()) throw Error("evolve_proxy: no leaves to build expressions from");
  }

  Node grow(const Type& t, int depth) {
    std::vector<std::function<Node()>> choices;
    auto add = [&](int needed, std::function<Node()> make) {
      if (needed <= depth) choices.push_back(std::move(make));
    };
    const int d = depth - 1;
    switch (t.shape) {
      case Shape::Scalar:
        for (const auto& f : families_)
          add(min_depth({Shape::Layers, f, false}) + 1, [=] { return Node{pick(names_of(Kind::Across), rng_), {grow({Shape::Layers, f, false}, d)}}; });
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Unary), rng_), {grow(t, d)}}; });
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Binary), rng_), {grow(t, d), grow(t, d)}}; });
        break;
      case Shape::Layers: {
        const Type el{Shape::Elements, t.family, false};
        const bool matrix_family = t.family == "J" || t.family == "K";
        add(min_depth(el) + 1, [=] { return Node{pick(names_of(Kind::Reduce), rng_), {grow(el, d)}}; });
        if (matrix_family) {
          const Type sq{Shape::Matrix, t.family, true};
          add(min_depth(sq) + 1, [=] { return Node{"logdet", {grow(sq, d)}}; });
          add(2, [=] { return Node{pick(matrix_reductions(), rng_), {grow(any_matrix(t.family), d)}}; });
        }
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Unary), rng_), {grow(t, d)}}; });
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Binary), rng_), {grow(t, d), grow(t, d)}}; });
        break;
      }
      case Shape::Elements:
        if (t.family == "W" || t.family == "A") {
          std::vector<std::string> ls;
          for (const auto& l : o_.leaves)
            if (leaf_type(l).family == t.family) ls.push_back(l);
          // Leaves twice as likely as the other productions: trees stay small.
          for (int k = 0; k < 2; ++k) add(1, [=] { return Node{pick(ls, rng_), {}}; });
        } else {
          const Type sq{Shape::Matrix, t.family, true};
          add(min_depth(sq) + 1, [=] { return Node{"eig", {grow(sq, d)}}; });
        }
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Unary), rng_), {grow(t, d)}}; });
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Binary), rng_), {grow(t, d), grow(t, d)}}; });
        break;
      case Shape::Matrix: {
        const Type leaf = leaf_type(t.family);
        if (leaf.square == t.square) add(1, [=] { return Node{t.family, {}}; });
        if (t.square) add(min_depth(any_matrix(t.family)) + 1, [=] { return Node{"corr", {grow(any_matrix(t.family), d)}}; });
        add(min_depth(t) + 1, [=] { return Node{pick(names_of(Kind::Unary), rng_), {grow(t, d)}}; });
        break;
      }
    }
    if (choices.empty()) return shortest(t);
    return pick(choices, rng_)();
  }

  int min_depth(const Type& t) const {
    switch (t.shape) {
      case Shape::Matrix: return t.square && t.family == "J" ? 2 : 1;
      case Shape::Elements: return t.family == "J" ? 3 : t.family == "K" ? 2 : 1;
      case Shape::Layers: return 2;
      case Shape::Scalar: return 3;
    }
    return 1;
  }

 private:
  Type any_matrix(const std::string& family) const { return leaf_type(family); }

  Node shortest(const Type& t) {
    switch (t.shape) {
      case Shape::Matrix:
        return t.square && t.family == "J" ? Node{"corr", {Node{"J", {}}}} : Node{t.family, {}};
      case Shape::Elements:
        if (t.family == "J" || t.family == "K") return Node{"eig", {shortest({Shape::Matrix, t.family, true})}};
        for (const auto& l : o_.leaves)
          if (leaf_type(l).family == t.family) return Node{l, {}};
        throw Error("no leaf of family " + t.family);
      case Shape::Layers:
        return t.family == "J" || t.family == "K" ? Node{"sum", {Node{t.family, {}}}}
                                                  : Node{"sum", {shortest({Shape::Elements, t.family, false})}};
      case Shape::Scalar: return Node{"sum_layers", {shortest({Shape::Layers, pick(families_, rng_), false})}};
    }
    throw Error("unreachable");
  }

  Rng& rng_;
  const GrowOptions& o_;
  std::vector<std::string> families_;
};

}  // namespace

std::string describe(const Type& t) {
  switch (t.shape) {
    case Shape::Scalar: return "a scalar";
    case Shape::Layers: return "per-layer numbers of " + t.family;
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
      if (a.shape != Shape::Layers) throw wrong("per-layer numbers (from sum, mean, norm, max or logdet)");
      return {Shape::Scalar, "", false};
    case Kind::Leaf: break;
  }
  throw Error("unreachable");
}

ProbeSet leaf_needs(const std::string& leaf) {
  if (leaf == "W") return kNoProbe;
  if (leaf == "G") return kLabels | kWeightGrads;
  if (leaf == "A" || leaf == "dA") return kLabels | kLayerActivations;
  if (leaf == "J") return kInputJacobian;
  if (leaf == "K") return kReluCodes;
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

LeafSet LeafSet::read(Probes& probes, const std::vector<std::string>& which) {
  at::NoGradGuard no_grad;
  const std::vector<std::string>& wanted = which.empty() ? leaf_names() : which;
  auto want = [&](const char* l) { return std::find(wanted.begin(), wanted.end(), l) != wanted.end(); };
  LeafSet set;
  // Concatenates per-layer tensors, naming each entry's layer.
  auto flat = [](const std::vector<at::Tensor>& parts, std::shared_ptr<const at::Tensor>& segment) {
    std::vector<at::Tensor> flat_parts;
    std::vector<int64_t> counts;
    for (const auto& p : parts) flat_parts.push_back(p.detach().flatten()), counts.push_back(p.numel());
    at::Tensor data = flat_parts.empty() ? at::zeros({0}) : at::cat(flat_parts);
    if (!segment) {
      const auto n = static_cast<int64_t>(counts.size());
      const at::Tensor ids = at::arange(n, data.options().dtype(at::kLong));
      segment = std::make_shared<const at::Tensor>(
          at::repeat_interleave(ids, at::tensor(counts, at::TensorOptions().dtype(at::kLong)).to(data.device())));
    }
    return data;
  };
  std::shared_ptr<const at::Tensor> w_segment, a_segment;
  const int64_t num_layers = static_cast<int64_t>(probes.layers().size());
  if (want("W")) {
    std::vector<at::Tensor> w;
    for (const auto& l : probes.layers()) w.push_back(l.weight);
    at::Tensor data = flat(w, w_segment);  // sets w_segment: a statement of its own
    set.values_["W"] = elements({Shape::Elements, "W", false}, data, w_segment, num_layers);
  }
  if (want("G")) {
    at::Tensor data = flat(probes.weight_grads(), w_segment);
    set.values_["G"] = elements({Shape::Elements, "W", false}, data, w_segment, num_layers);
  }
  if (want("A") || want("dA")) {
    std::vector<at::Tensor> out, grad;
    for (const auto& a : probes.layer_activations()) {
      // [N, C, H, W] -> [N, C]: the spatial mean (a linear output is [N, C] already).
      auto pool = [](const at::Tensor& t) { return t.dim() > 2 ? t.flatten(2).mean(2) : t; };
      out.push_back(pool(a.output));
      grad.push_back(pool(a.grad));
    }
    const auto calls = static_cast<int64_t>(out.size());
    if (want("A")) {
      at::Tensor data = flat(out, a_segment);
      set.values_["A"] = elements({Shape::Elements, "A", false}, data, a_segment, calls);
    }
    if (want("dA")) {
      at::Tensor data = flat(grad, a_segment);
      set.values_["dA"] = elements({Shape::Elements, "A", false}, data, a_segment, calls);
    }
  }
  if (want("J")) set.values_["J"] = {leaf_type("J"), probes.input_jacobian().detach(), nullptr, 1};
  if (want("K")) set.values_["K"] = {leaf_type("K"), probes.relu_kernel(), nullptr, 1};
  return set;
}

const Value& LeafSet::at(const std::string& leaf) const {
  const auto it = values_.find(leaf);
  if (it == values_.end()) throw Error("proxy expression: the leaf " + leaf + " was not read for this network");
  return it->second;
}

const Value* LeafSet::memo(const std::string& subexpression) const {
  const auto it = memo_.find(subexpression);
  return it == memo_.end() ? nullptr : &it->second;
}

void LeafSet::remember(const std::string& subexpression, const Value& value) const { memo_[subexpression] = value; }

int64_t LeafSet::bytes() const {
  int64_t b = 0;
  for (const auto& [name, v] : values_) b += v.data.numel() * static_cast<int64_t>(v.data.element_size());
  return b;
}

double evaluate(const Node& node, const LeafSet& leaves) {
  at::NoGradGuard no_grad;
  return eval(node, leaves).data.item<double>();
}

Node random_expression(Rng& rng, const GrowOptions& options) {
  Grower g(rng, options);
  const int depth = 3 + static_cast<int>(rng.below(static_cast<uint64_t>(std::max(1, options.max_depth - 2))));
  return g.grow({Shape::Scalar, "", false}, depth);
}

Node mutate(const Node& node, Rng& rng, const GrowOptions& options) {
  Grower g(rng, options);
  Node out = node;
  const auto paths = all_paths(out);
  const Path& p = pick(paths, rng);
  Node& target = node_at(out, p);
  const Type t = type_of(target);
  const int depth = std::max(g.min_depth(t), 1 + static_cast<int>(rng.below(3)));
  target = g.grow(t, depth);
  return out;
}

Node crossover(const Node& a, const Node& b, Rng& rng) {
  Node out = a;
  const auto paths = all_paths(out);
  const Path& p = pick(paths, rng);
  Node& target = node_at(out, p);
  const Type t = type_of(target);
  std::vector<Path> fits;
  for (const auto& q : all_paths(b))
    if (type_of(node_at(b, q)) == t) fits.push_back(q);
  if (fits.empty()) return out;
  target = node_at(b, pick(fits, rng));
  return out;
}

Node combine(const Node& a, const Node& b, Rng& rng) {
  static const std::vector<std::string> ops = {"add", "sub", "mul", "div"};
  // log first, half the time each: proxies differ in scale by orders of
  // magnitude, and a sum of logs is a product, so both kinds of blend occur.
  auto side = [&rng](const Node& n) { return rng.below(2) ? Node{"log", {n}} : n; };
  Node left = side(a);
  Node right = side(b);
  return Node{pick(ops, rng), {std::move(left), std::move(right)}};
}

}  // namespace nas::expr
