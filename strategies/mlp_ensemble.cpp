#include "mlp_ensemble.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nas::strategies {

namespace {

float sign(float v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; }

}  // namespace

MlpEnsemble::MlpEnsemble(const MlpShape& shape, Rng& rng) : shape_(shape) {
  for (int l = 0; l <= shape.layers; ++l) {
    Layer layer;
    layer.in = l == 0 ? shape.inputs : shape.width;
    layer.out = l == shape.layers ? 1 : shape.width;
    layer.weights = per_member_;
    layer.bias = per_member_ + static_cast<std::size_t>(layer.in) * layer.out;
    per_member_ = layer.bias + layer.out;
    layers_.push_back(layer);
  }
  params_.resize(per_member_ * shape.members);
  for (int m = 0; m < shape.members; ++m)
    for (const Layer& layer : layers_) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(layer.in));
      float* p = params_.data() + m * per_member_ + layer.weights;
      const std::size_t count = static_cast<std::size_t>(layer.in + 1) * layer.out;  // weights, then the bias
      for (std::size_t k = 0; k < count; ++k) p[k] = static_cast<float>((2 * rng.uniform() - 1) * bound);
    }
}

void MlpEnsemble::forward(int member, const float* x, const std::size_t* rows, int batch,
                          std::vector<std::vector<float>>& activations) const {
  const float* p = params_.data() + member * per_member_;
  activations.resize(layers_.size() + 1);
  const int inputs = shape_.inputs;
  activations[0].resize(static_cast<std::size_t>(batch) * inputs);
  for (int b = 0; b < batch; ++b)
    std::copy_n(x + rows[b] * inputs, inputs, activations[0].data() + static_cast<std::size_t>(b) * inputs);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const float* w = p + layer.weights;
    std::vector<float>& out = activations[l + 1];
    out.resize(static_cast<std::size_t>(batch) * layer.out);
    const bool hidden = l + 1 < layers_.size();
    for (int b = 0; b < batch; ++b) {
      float* o = out.data() + static_cast<std::size_t>(b) * layer.out;
      std::copy_n(p + layer.bias, layer.out, o);
      const float* a = activations[l].data() + static_cast<std::size_t>(b) * layer.in;
      for (int i = 0; i < layer.in; ++i) {
        const float ai = a[i];
        if (ai == 0) continue;  // path encodings and ReLU outputs are mostly zeros
        const float* wi = w + static_cast<std::size_t>(i) * layer.out;
        for (int j = 0; j < layer.out; ++j) o[j] += ai * wi[j];
      }
      if (hidden)
        for (int j = 0; j < layer.out; ++j) o[j] = std::max(o[j], 0.0f);
    }
  }
}

void MlpEnsemble::train(const std::vector<float>& x, const std::vector<float>& y, const MlpTraining& t, Rng& rng) {
  const std::size_t n = y.size();
  if (n == 0) return;
  std::vector<float> grad(params_.size()), first_moment(params_.size()), second_moment(params_.size());
  std::vector<std::vector<std::size_t>> order(shape_.members, std::vector<std::size_t>(n));
  std::vector<std::vector<float>> activations;
  std::vector<float> delta, below, transposed;
  const float beta1 = static_cast<float>(t.beta1), beta2 = static_cast<float>(t.beta2);
  const float eps = static_cast<float>(t.eps), l1 = static_cast<float>(t.l1);
  long step = 0;
  for (int epoch = 0; epoch < t.epochs; ++epoch) {
    for (auto& o : order) {
      std::iota(o.begin(), o.end(), std::size_t{0});
      rng.shuffle(o);
    }
    for (std::size_t start = 0; start < n; start += t.batch_size) {
      const int batch = static_cast<int>(std::min<std::size_t>(t.batch_size, n - start));
      std::fill(grad.begin(), grad.end(), 0.0f);
      for (int m = 0; m < shape_.members; ++m) {
        const std::size_t* rows = order[m].data() + start;
        forward(m, x.data(), rows, batch, activations);
        const float* p = params_.data() + m * per_member_;
        float* g = grad.data() + m * per_member_;
        // d mean|f - y| / df, then back through each layer.
        delta.resize(batch);
        for (int b = 0; b < batch; ++b) delta[b] = sign(activations.back()[b] - y[rows[b]]) / batch;
        for (std::size_t l = layers_.size(); l-- > 0;) {
          const Layer& layer = layers_[l];
          const std::vector<float>& a = activations[l];
          float* gw = g + layer.weights;
          float* gb = g + layer.bias;
          for (int b = 0; b < batch; ++b) {
            const float* d = delta.data() + static_cast<std::size_t>(b) * layer.out;
            const float* ab = a.data() + static_cast<std::size_t>(b) * layer.in;
            for (int j = 0; j < layer.out; ++j) gb[j] += d[j];
            for (int i = 0; i < layer.in; ++i) {
              if (ab[i] == 0) continue;
              float* gwi = gw + static_cast<std::size_t>(i) * layer.out;
              for (int j = 0; j < layer.out; ++j) gwi[j] += ab[i] * d[j];
            }
          }
          if (l == 0) break;
          // Through the weights and the ReLU that made this layer's input
          // (its gradient passes where that output is > 0, as PyTorch's).
          // W transposed, so that the inner loop runs over contiguous inputs.
          const float* w = p + layer.weights;
          transposed.resize(static_cast<std::size_t>(layer.in) * layer.out);
          for (int i = 0; i < layer.in; ++i)
            for (int j = 0; j < layer.out; ++j)
              transposed[static_cast<std::size_t>(j) * layer.in + i] = w[static_cast<std::size_t>(i) * layer.out + j];
          below.assign(static_cast<std::size_t>(batch) * layer.in, 0.0f);
          for (int b = 0; b < batch; ++b) {
            const float* d = delta.data() + static_cast<std::size_t>(b) * layer.out;
            const float* ab = a.data() + static_cast<std::size_t>(b) * layer.in;
            float* out = below.data() + static_cast<std::size_t>(b) * layer.in;
            for (int j = 0; j < layer.out; ++j) {
              const float dj = d[j];
              const float* wj = transposed.data() + static_cast<std::size_t>(j) * layer.in;
              for (int i = 0; i < layer.in; ++i) out[i] += dj * wj[i];
            }
            for (int i = 0; i < layer.in; ++i)
              if (!(ab[i] > 0)) out[i] = 0;
          }
          delta.swap(below);
        }
        const Layer& last = layers_.back();
        for (std::size_t k = 0; k < static_cast<std::size_t>(last.in) * last.out; ++k)
          g[last.weights + k] += l1 * sign(p[last.weights + k]);
      }
      // torch.optim.Adam, elementwise over every member's parameters.
      ++step;
      const double correction1 = 1 - std::pow(t.beta1, step), correction2 = 1 - std::pow(t.beta2, step);
      const float step_size = static_cast<float>(t.lr / correction1);
      const float root_correction2 = static_cast<float>(std::sqrt(correction2));
      for (std::size_t k = 0; k < params_.size(); ++k) {
        first_moment[k] = first_moment[k] * beta1 + grad[k] * (1 - beta1);
        second_moment[k] = second_moment[k] * beta2 + grad[k] * grad[k] * (1 - beta2);
        params_[k] -= step_size * first_moment[k] / (std::sqrt(second_moment[k]) / root_correction2 + eps);
      }
    }
  }
}

std::vector<std::vector<float>> MlpEnsemble::predict(const std::vector<float>& x) const {
  const std::size_t n = x.size() / static_cast<std::size_t>(shape_.inputs);
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  std::vector<std::vector<float>> out(shape_.members), activations;
  for (int m = 0; m < shape_.members; ++m) {
    forward(m, x.data(), rows.data(), static_cast<int>(n), activations);
    out[m] = activations.back();
  }
  return out;
}

}  // namespace nas::strategies
