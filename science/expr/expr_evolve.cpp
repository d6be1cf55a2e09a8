// Proxy expressions: the genetic-programming operators evolve_proxy uses
// (random growth, mutation, crossover, combination; nas/proxy_expr.h).
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

using namespace detail;

namespace {

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
        if (t.family == "P") {
          // Leaves twice as likely as the other productions, as for elements.
          for (int k = 0; k < 2; ++k) add(1, [=] { return Node{pick(leaves_of_family("P"), rng_), {}}; });
        } else {
          add(min_depth(el) + 1, [=] { return Node{pick(names_of(Kind::Reduce), rng_), {grow(el, d)}}; });
        }
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
          // Leaves twice as likely as the other productions: trees stay small.
          for (int k = 0; k < 2; ++k) add(1, [=] { return Node{pick(leaves_of_family(t.family), rng_), {}}; });
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
      case Shape::Layers: return t.family == "P" ? 1 : 2;
      case Shape::Scalar: {
        int least = 2;
        for (const auto& f : families_) least = std::min(least, min_depth({Shape::Layers, f, false}));
        return least + 1;
      }
    }
    return 1;
  }

 private:
  Type any_matrix(const std::string& family) const { return leaf_type(family); }

  // The leaves of `family` the options allow, in their order.
  std::vector<std::string> leaves_of_family(const std::string& family) const {
    std::vector<std::string> ls;
    for (const auto& l : o_.leaves)
      if (leaf_type(l).family == family) ls.push_back(l);
    if (ls.empty()) throw Error("no leaf of family " + family);
    return ls;
  }

  Node shortest(const Type& t) {
    switch (t.shape) {
      case Shape::Matrix:
        return t.square && t.family == "J" ? Node{"corr", {Node{"J", {}}}} : Node{t.family, {}};
      case Shape::Elements:
        if (t.family == "J" || t.family == "K") return Node{"eig", {shortest({Shape::Matrix, t.family, true})}};
        return Node{leaves_of_family(t.family).front(), {}};
      case Shape::Layers:
        if (t.family == "P") return Node{leaves_of_family("P").front(), {}};
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


std::vector<std::string> known_proxy_expressions() {
  return {
      "sum_layers(norm(G))",                 // grad_norm
      "sum_layers(sum(abs(mul(W, G))))",     // snip
      "sum_layers(sum(mul(W, G)))",          // plain
      "sum_layers(norm(W))",                 // l2_norm
      "sum_layers(logdet(K))",               // nwot
      // jacov: -sum(log(v + 1e-5) + 1/(v + 1e-5)) over the eigenvalues v >= 0
      // of corr(J)
      "sum_layers(sum(neg(add(log(eig(corr(J))), inv(eig(corr(J)))))))",
      // zico: per weight mean|g| / std(g) over the two halves' gradients is
      // (|g1| + |g2|) / |g1 - g2|, 0 where they are equal; log0 skips a
      // layer where none varies
      "sum_layers(log0(sum(div0(add(abs(G1), abs(G2)), abs(sub(G1, G2))))))",
      "sum_layers(Pn)",  // swap
      "sum_layers(Ps)",  // tenas_linear_regions
  };
}

std::vector<std::string> default_seed_expressions() {
  std::vector<std::string> seeds = known_proxy_expressions();
  // Network size (the params proxy, counting conv and linear weights only):
  // on NB201 it ranks archs nearly as well as the best proxies, and by other
  // means, so it is the partner most worth blending with them.
  seeds.push_back("sum_layers(count(W))");
  return seeds;
}

}  // namespace nas::expr
