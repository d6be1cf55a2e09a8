// A zero-cost proxy: a score of one untrained network on one batch. It
// declares which probes it reads, so the core computes each probe once per
// (network, batch) and shares it between proxies; it runs no passes itself.
#pragma once
#include <cstdint>

namespace nas {

class Probes;  // nas/probes.h

/// Probes a proxy reads (bit set). The core plans passes from the union.
enum Probe : uint32_t {
  kNoProbe = 0,
  kLabels = 1u << 0,            // needs labelled data (loss-based proxies)
  kWeightGrads = 1u << 1,       // dCE/dW of every conv/linear weight
  kHessianGrad = 1u << 2,       // H·g (second-order pass, grasp)
  kLayerActivations = 1u << 3,  // conv/linear outputs and their loss gradients (fisher)
  kInputJacobian = 1u << 4,     // d(sum of logits)/d(input) (jacov, epe_nas)
  kReluCodes = 1u << 5,         // binary ReLU codes (nwot)
  kSynflow = 1u << 6,           // abs'ed float64 copy, BN off (synflow)
  kSynflowBn = 1u << 7,         // abs'ed float64 copy, BN on (synflow_bn)
  kCopy = 1u << 8,              // works on its own copy of the network (zen)
  kCost = 1u << 9,              // params / FLOPs (no data)

  // Probes of the 2022-2024 proxies, each its own pass (high bits, so that
  // other additions to this list do not collide).
  kSplitGrads = 1u << 16,      // dCE/dW per part of the batch split in k (ZiCo)
  kSampleGrads = 1u << 17,     // per-sample d(sum of logits)/dθ, "weight" parameters (TE-NAS NTK)
  kModuleOutputs = 1u << 18,   // every module's output, one small forward (MeCo)
};
using ProbeSet = uint32_t;

/// Per-cell features and the vector-Jacobian products between consecutive
/// cells, on a re-initialised copy (AZ-NAS; Probes::cell_features). Its own
/// high bit, so that probes added above keep their numbers.
constexpr ProbeSet kCells = 1u << 24;

class Proxy {
 public:
  virtual ~Proxy() = default;
  virtual ProbeSet needs() const = 0;
  /// The score; NaN and +-inf are legal results, reported as such.
  virtual double score(Probes& probes) = 0;
};

}  // namespace nas
