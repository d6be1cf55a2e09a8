#include "brp_predictor.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <limits>

#include "nas/errors.h"
#include "nas/strategy.h"
#include "predictor_support.h"

namespace nas::brp {

namespace {

constexpr int64_t kChunk = 2048;  // graphs embedded at once when ranking

/// A LibTorch generator of the predictor's own, so its networks and dropout
/// depend on its seed only, never on the process-wide generator other units
/// share.
at::Generator seeded_generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

/// PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
void linear_init(at::Tensor t, int64_t fan_in, at::Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  t.uniform_(-bound, bound, gen);
}

/// Label matrix of every ordered pair: 1 where row beats column, 0 where it
/// loses, and a mask of the pairs with a known order.
std::pair<at::Tensor, at::Tensor> pair_targets(const std::vector<double>& values, const std::vector<int64_t>& rows) {
  const int64_t m = static_cast<int64_t>(rows.size());
  at::Tensor target = at::zeros({m, m}, at::kLong), mask = at::zeros({m, m}, at::kFloat);
  auto t = target.accessor<int64_t, 2>();
  auto k = mask.accessor<float, 2>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < m; ++j) {
      const double a = values[rows[i]], b = values[rows[j]];
      if (nas::better(a, b)) t[i][j] = 1, k[i][j] = 1;
      else if (nas::better(b, a)) k[i][j] = 1;
    }
  return {target, mask};
}

}  // namespace

GraphBatch GraphBatch::select(const std::vector<int64_t>& rows) const {
  const at::Tensor idx = at::tensor(rows, at::kLong);
  return {adjacency.index_select(0, idx), features.index_select(0, idx)};
}

Predictor::Predictor(const GraphVocabulary& vocabulary, const Config& config, uint64_t seed)
    : vocabulary_(vocabulary), config_(config), gen_(seeded_generator(seed)) {
  nodes_ = vocabulary_.max_nodes + 1;
  features_ = static_cast<int>(vocabulary_.all_labels().size()) + 1;
  const int64_t h = config_.hidden;
  std::vector<std::vector<int64_t>> shapes;
  for (int l = 0; l < config_.layers; ++l) {
    shapes.push_back({l == 0 ? features_ : h, h});  // W
    shapes.push_back({h});                           // b
    shapes.push_back({h});                           // LayerNorm weight
    shapes.push_back({h});                           // LayerNorm bias
  }
  shapes.push_back({2 * h, 2});
  shapes.push_back({2});
  int64_t total = 0;
  for (auto& s : shapes) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    layout_.emplace_back(total, s);
    total += n;
  }
  flat_ = at::empty({total}, at::kFloat);
  // eagle's GCN init: weights and biases U(-1/sqrt(out), 1/sqrt(out));
  // LayerNorm 1 and 0; the head as a PyTorch Linear.
  for (int l = 0; l < config_.layers; ++l) {
    linear_init(param(4 * l), h, gen_);
    linear_init(param(4 * l + 1), h, gen_);
    param(4 * l + 2).fill_(1.0);
    param(4 * l + 3).fill_(0.0);
  }
  linear_init(param(4 * config_.layers), 2 * h, gen_);
  linear_init(param(4 * config_.layers + 1), 2 * h, gen_);
  flat_.requires_grad_(true);
}

at::Tensor Predictor::param(int index) const {
  const auto& [offset, shape] = layout_[index];
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return flat_.narrow(0, offset, n).view(shape);
}

GraphBatch Predictor::batch(const std::vector<ArchGraph>& graphs) const {
  const int64_t g = static_cast<int64_t>(graphs.size());
  at::Tensor adj = at::zeros({g, nodes_, nodes_}, at::kFloat), feat = at::zeros({g, nodes_, features_}, at::kFloat);
  auto a = adj.accessor<float, 3>();
  auto f = feat.accessor<float, 3>();
  for (int64_t i = 0; i < g; ++i) {
    const ArchGraph& graph = graphs[i];
    const std::string why = graph_invalid_reason(graph, vocabulary_);
    if (!why.empty()) throw Error("brp: an arch graph does not fit its space's vocabulary: " + why);
    const int n = static_cast<int>(graph.labels.size());
    // Node 0 is the global node; graph node v is row v + 1.
    f[i][0][features_ - 1] = 1;
    for (int v = 0; v <= n; ++v) a[i][0][v] = 1;  // the global node reads every node and itself
    for (int v = 0; v < n; ++v) {
      f[i][v + 1][vocabulary_.label_index(graph.labels[v])] = 1;
      a[i][v + 1][v + 1] = 1;
    }
    for (const auto& [from, to] : graph.edges) a[i][to + 1][from + 1] = 1;  // a node reads its predecessors
    for (int v = 0; v <= n; ++v) {
      float sum = 0;
      for (int u = 0; u < nodes_; ++u) sum += a[i][v][u];
      for (int u = 0; u < nodes_; ++u) a[i][v][u] /= sum;
    }
  }
  return {adj, feat};
}

at::Tensor Predictor::embed(const GraphBatch& g, bool train) const {
  at::Tensor x = g.features;
  for (int l = 0; l < config_.layers; ++l) {
    x = at::bmm(g.adjacency, at::matmul(x, param(4 * l))) + param(4 * l + 1);
    x = at::relu(at::layer_norm(x, {static_cast<int64_t>(config_.hidden)}, param(4 * l + 2), param(4 * l + 3)));
    if (train && config_.dropout > 0) {
      const at::Tensor keep = at::empty_like(x).bernoulli_(1.0 - config_.dropout, gen_);
      x = x * keep / (1.0 - config_.dropout);
    }
  }
  return x.select(1, 0);
}

at::Tensor Predictor::pair_logits(const at::Tensor& e) const {
  const int64_t h = config_.hidden;
  const at::Tensor w = param(4 * config_.layers), b = param(4 * config_.layers + 1);
  const at::Tensor first = at::matmul(e, w.narrow(0, 0, h)), second = at::matmul(e, w.narrow(0, h, h));
  return first.unsqueeze(1) + second.unsqueeze(0) + b;  // [m, m, 2]: row = first arch
}

double Predictor::train(const GraphBatch& archs, const std::vector<double>& values, const std::vector<int64_t>& held) {
  at::AutoGradMode grad(true);  // a caller may hold a NoGradGuard (bench_spaces does)
  std::vector<char> is_held(values.size(), 0);
  for (int64_t r : held) is_held[r] = 1;
  std::vector<int64_t> train_rows;
  for (int64_t r = 0; r < static_cast<int64_t>(values.size()); ++r)
    if (!is_held[r]) train_rows.push_back(r);
  if (train_rows.size() < 2) return std::numeric_limits<double>::quiet_NaN();

  torch::optim::AdamW adamw(std::vector<at::Tensor>{flat_}, torch::optim::AdamWOptions(config_.lr).weight_decay(config_.weight_decay));
  const int64_t n = static_cast<int64_t>(train_rows.size());
  const int64_t batch = std::min<int64_t>(config_.batch_archs, n);
  const int64_t steps_per_epoch = (n + batch - 1) / batch;
  const int64_t total_steps = steps_per_epoch * config_.epochs;
  double best = -1;
  at::Tensor best_params;
  int since_best = 0;
  int64_t step = 0;
  for (int epoch = 0; epoch < config_.epochs; ++epoch) {
    const at::Tensor perm = at::randperm(n, gen_, at::kLong);
    const int64_t* p = perm.data_ptr<int64_t>();
    for (int64_t start = 0; start < n; start += batch, ++step) {
      // A last short batch takes archs from the start of the permutation, so every step has `batch` archs.
      std::vector<int64_t> rows;
      for (int64_t i = 0; i < batch; ++i) rows.push_back(train_rows[p[(start + i) % n]]);
      const auto [target, mask] = pair_targets(values, rows);
      const double pairs = mask.sum().item<double>();
      const double lr = 0.5 * config_.lr * (1.0 + std::cos(M_PI * static_cast<double>(step) / total_steps));
      for (auto& group : adamw.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
      if (pairs == 0) continue;
      adamw.zero_grad();
      const at::Tensor logp = at::log_softmax(pair_logits(embed(archs.select(rows), true)), 2);
      const at::Tensor nll = -logp.gather(2, target.unsqueeze(2)).squeeze(2);
      const at::Tensor loss = (nll * mask).sum() / pairs;
      loss.backward();
      adamw.step();
    }
    trained_ = true;
    if (held.empty()) continue;
    const double acc = pairwise_accuracy(archs, values, held);
    if (std::isnan(acc)) continue;
    if (acc > best) {
      best = acc, since_best = 0;
      best_params = flat_.detach().clone();
    } else if (++since_best >= config_.patience) {
      break;
    }
  }
  if (best_params.defined()) {
    at::NoGradGuard no_grad;
    flat_.copy_(best_params);
  }
  return best < 0 ? std::numeric_limits<double>::quiet_NaN() : best;
}

std::vector<double> Predictor::scores(const GraphBatch& archs) const {
  at::NoGradGuard no_grad;
  const int64_t h = config_.hidden;
  const at::Tensor w = param(4 * config_.layers);
  // s(a) = (u - v).e_a / 2 with u, v the head's "beats" minus "loses" columns for the first and second arch.
  const at::Tensor u = w.narrow(0, 0, h).select(1, 1) - w.narrow(0, 0, h).select(1, 0);
  const at::Tensor v = w.narrow(0, h, h).select(1, 1) - w.narrow(0, h, h).select(1, 0);
  const at::Tensor direction = (u - v) / 2;
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(archs.size()));
  for (int64_t start = 0; start < archs.size(); start += kChunk) {
    const int64_t len = std::min(kChunk, archs.size() - start);
    const GraphBatch chunk{archs.adjacency.narrow(0, start, len), archs.features.narrow(0, start, len)};
    const at::Tensor s = at::matmul(embed(chunk, false), direction).contiguous();
    const float* p = s.data_ptr<float>();
    out.insert(out.end(), p, p + len);
  }
  return out;
}

double Predictor::pairwise_accuracy(const GraphBatch& archs, const std::vector<double>& values,
                                    const std::vector<int64_t>& rows) const {
  at::NoGradGuard no_grad;
  std::vector<int64_t> all(values.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  at::Tensor e;
  {
    std::vector<at::Tensor> parts;
    for (int64_t start = 0; start < archs.size(); start += kChunk) {
      const int64_t len = std::min(kChunk, archs.size() - start);
      parts.push_back(embed({archs.adjacency.narrow(0, start, len), archs.features.narrow(0, start, len)}, false));
    }
    e = at::cat(parts);
  }
  const at::Tensor logits = pair_logits(e);  // [n, n, 2]
  const at::Tensor says_beats = (logits.select(2, 1) > logits.select(2, 0)).contiguous();
  auto sb = says_beats.accessor<bool, 2>();
  int64_t right = 0, known = 0;
  const std::vector<int64_t>& firsts = rows.empty() ? all : rows;
  for (int64_t a : firsts)
    for (int64_t b : all) {
      if (a == b) continue;
      const bool a_wins = nas::better(values[a], values[b]), b_wins = nas::better(values[b], values[a]);
      if (!a_wins && !b_wins) continue;
      ++known;
      right += sb[a][b] == a_wins;
    }
  return known ? static_cast<double>(right) / static_cast<double>(known) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace nas::brp
