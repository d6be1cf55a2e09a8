// The DARTS network exactly as NAS-Bench-Suite-Zero scored NB301 archs
// (NASLib `zerocost` NasBench301SearchSpace; shared/SPACES.md 2.2): C = 32,
// 8 cells with reductions at cells 2 and 5, stem conv3x3 3->96 + BN (no
// ReLU), affine preprocessing (ReLU-conv1x1-BN, or factorized reduce after a
// reduction cell), non-affine BN inside every op, pools followed by BN,
// factorized-reduce skip in reduction cells, global average pool,
// Linear(512, classes); no auxiliary head, no drop path. (The original DARTS
// eval net -- C=36, 20 cells, affine op BN, no pool BN -- is another
// network; the NBSZ params/FLOPs rule it out.) Module names follow the DARTS
// code: stem.{0,1}, cells.{i}.preprocess{0,1}, cells.{i}._ops.{j},
// classifier.
#pragma once
#include <memory>
#include <vector>

#include "darts_encoding.h"
#include "nas/network.h"

namespace darts {

constexpr int64_t kChannels = 32;
constexpr int kCells = 8;
constexpr int kStemMultiplier = 3;

/// ReLU -> conv1x1 -> BN (preprocessing: affine BN).
struct ReluConvBn : torch::nn::Module {
  ReluConvBn(int64_t in_channels, int64_t out_channels, bool affine);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

/// ReLU -> [conv1x1 stride 2 on x ; on x[:, :, 1:, 1:]] concat -> BN.
struct FactorizedReduce : torch::nn::Module {
  FactorizedReduce(int64_t in_channels, int64_t out_channels, bool affine);
  torch::nn::Conv2d conv_1{nullptr}, conv_2{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};

/// One op of a cell: which kind, its stride, and its layers (sep conv: two
/// ReLU-dw-pw-BN stages; dil conv: one; pools: the BN; stride-2 skip: fr).
struct CellOp : torch::nn::Module {
  CellOp(Op op, int64_t channels, int64_t stride);
  Op op;
  int64_t stride;
  std::vector<torch::nn::Conv2d> convs;  // dw, pw[, dw, pw]
  std::vector<torch::nn::BatchNorm2d> bns;
  std::shared_ptr<FactorizedReduce> fr;
};

struct Cell : torch::nn::Module {
  Cell(const std::array<Pair, kPairs>& pairs, int64_t c_prev_prev, int64_t c_prev, int64_t channels, bool reduction,
       bool reduction_prev);
  std::array<Pair, kPairs> pairs;
  std::shared_ptr<ReluConvBn> pre0_rcb, pre1;
  std::shared_ptr<FactorizedReduce> pre0_fr;  // after a reduction cell
  std::vector<std::shared_ptr<CellOp>> ops;
};

class Network : public nas::Network {
 public:
  /// Builds `genome` as given; the space passes the canonical order.
  Network(const Genome& genome, int num_classes);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::Tensor relu_conv_bn(ReluConvBn& m, const torch::Tensor& x);
  torch::Tensor factorized_reduce(FactorizedReduce& m, const torch::Tensor& x);
  torch::Tensor op(CellOp& m, const torch::Tensor& x);
  torch::Tensor cell(Cell& c, const torch::Tensor& s0, const torch::Tensor& s1);

  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<std::shared_ptr<Cell>> cells_;
  torch::nn::Linear classifier_{nullptr};
};

/// Closed forms (SPACES.md 2.2) of the parameters and the FLOPs of one
/// 32x32 eval forward with 10 classes, in millions; the tests check them
/// against built networks.
double params_millions(const Genome& genome);
double flops_millions(const Genome& genome);

}  // namespace darts
