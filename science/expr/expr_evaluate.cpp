// Proxy expressions: evaluation on one network's leaves (nas/proxy_expr.h).
#include "nas/proxy_expr.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>

#include "expr_ops.h"
#include "expr_patterns.h"
#include "nas/errors.h"
#include "nas/probes.h"
#include "nas/tensor_math.h"

namespace nas::expr {

using namespace detail;

namespace {

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
  // log0: ZiCo's per-layer log, which skips a layer whose sum is 0 (no
  // gradient varies there) instead of flooring it at log(1e-5).
  if (op == "log0") return at::where(x == 0, at::zeros({}, x.options()), x.abs().log());
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
  // div0: a / b, and 0 where b is 0: ZiCo's mean|g| / std(g) over the
  // elements whose gradients vary (std 0 drops the element).
  if (op == "div0") return at::where(b == 0, at::zeros({}, a.options()), a / b);
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
  if (std::optional<Value> v = leaves.memo(key)) return *std::move(v);
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


}  // namespace

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
  // ZiCo's two halves of the batch (Probes::split_weight_grads).
  for (const char* half : {"G1", "G2"})
    if (want(half)) {
      at::Tensor data = flat(probes.split_weight_grads(2).at(half[1] == '1' ? 0 : 1), w_segment);
      set.values_[half] = elements({Shape::Elements, "W", false}, data, w_segment, num_layers);
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
  if (want("Pn") || want("Ps")) {
    const auto& codes = probes.relu_codes();
    const auto calls = static_cast<int64_t>(codes.size());
    if (want("Pn")) set.values_["Pn"] = {leaf_type("Pn"), new_neuron_patterns(codes), nullptr, calls};
    if (want("Ps")) set.values_["Ps"] = {leaf_type("Ps"), new_sample_patterns(codes), nullptr, calls};
  }
  return set;
}

const Value& LeafSet::at(const std::string& leaf) const {
  const auto it = values_.find(leaf);
  if (it == values_.end()) throw Error("proxy expression: the leaf " + leaf + " was not read for this network");
  return it->second;
}

std::optional<Value> LeafSet::memo(const std::string& subexpression) const {
  std::lock_guard<std::mutex> lock(memo_mutex_.m);
  const auto it = memo_.find(subexpression);
  if (it == memo_.end()) return std::nullopt;
  return it->second;
}

void LeafSet::remember(const std::string& subexpression, const Value& value) const {
  // Two threads may both compute it: the values are equal, the first stays.
  std::lock_guard<std::mutex> lock(memo_mutex_.m);
  memo_.emplace(subexpression, value);
}

int64_t LeafSet::bytes() const {
  int64_t b = 0;
  for (const auto& [name, v] : values_) b += v.data.numel() * static_cast<int64_t>(v.data.element_size());
  return b;
}

double evaluate(const Node& node, const LeafSet& leaves) {
  at::NoGradGuard no_grad;
  return eval(node, leaves).data.item<double>();
}


}  // namespace nas::expr
