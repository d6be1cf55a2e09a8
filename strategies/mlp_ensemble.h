// An ensemble of small fully connected ReLU regressors (BANANAS' predictor),
// trained by hand on plain float arrays: forward, backward and Adam.
//
// Why not LibTorch: BANANAS fits five 20-layer x 20-unit MLPs on at most a
// few hundred archs after every 10 queries, 500 epochs each. At that size a
// step is a few hundred thousand multiply-adds, and LibTorch's per-operator
// dispatch, autograd graph and per-parameter optimiser loop cost about ten
// times the arithmetic (16 ms per step, 5 minutes per 150-query repeat on
// one core). The arithmetic here is the same as PyTorch's: nn.Linear's
// default initialisation, ReLU, mean absolute error plus an L1 term on the
// output layer's weights, and torch.optim.Adam's update (no weight decay,
// no amsgrad).
#pragma once
#include <cstddef>
#include <vector>

#include "nas/random.h"

namespace nas::strategies {

struct MlpShape {
  int members = 5;
  int inputs = 1;
  int layers = 20;  // hidden layers
  int width = 20;   // units per hidden layer
};

struct MlpTraining {
  int epochs = 500;
  int batch_size = 32;  // the last, smaller batch of an epoch is kept
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.99, eps = 1e-8;  // Adam
  double l1 = 0.2;                               // weight of the output layer's L1 norm
};

class MlpEnsemble {
 public:
  /// Every weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as nn.Linear.
  MlpEnsemble(const MlpShape& shape, Rng& rng);

  /// Fits every member to `y` (n values) from `x` (n rows of `inputs`,
  /// row-major), each on its own shuffle of the rows every epoch; the
  /// members are independent (their losses are summed, so each gets its
  /// own gradient).
  void train(const std::vector<float>& x, const std::vector<float>& y, const MlpTraining& training, Rng& rng);

  /// Each member's predictions for the rows of `x`: [members][rows].
  std::vector<std::vector<float>> predict(const std::vector<float>& x) const;

  /// Every parameter, member by member; within a member layer by layer, the
  /// weights [in][out] (x W + b, i.e. nn.Linear's weight transposed) and
  /// then the bias [out].
  const std::vector<float>& parameters() const { return params_; }

 private:
  struct Layer {
    int in, out;
    std::size_t weights, bias;  // offsets into a member's parameters: [in][out], then [out]
  };

  // Rows x[rows[0..batch)] through member m; activations[l] holds layer l's
  // input ([batch][in]), activations.back() the outputs.
  void forward(int member, const float* x, const std::size_t* rows, int batch,
               std::vector<std::vector<float>>& activations) const;

  MlpShape shape_;
  std::vector<Layer> layers_;
  std::size_t per_member_ = 0;
  std::vector<float> params_;  // [members][per_member_]
};

}  // namespace nas::strategies
