// The learned meta-proxy (MASE's meta-proxy, NAS-Bench-Suite-Zero's
// ZC-augmented surrogate): gradient-boosted trees from XGBoost's C API
// (Debian's libxgboost-dev) over the scores of several proxies and,
// optionally, an encoding of the architecture itself.
//
// One feature description (MetaFeatures, saved as meta.json beside the
// booster's model.json) is used both when a `fit_meta` run trains the model
// and when the `meta` proxy source scores with it, so the two build exactly
// the same feature row for an arch.
#pragma once
#include <c10/core/Device.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nas/options.h"
#include "nas/evaluation.h"
#include "nas/space.h"

namespace nas {

class Registry;

// ---- Architecture encodings ---------------------------------------------
// An encoding turns an arch into fixed-length numeric columns. The generic
// ones work on any space through its categorical dimensions:
//   onehot: per dimension, one column per choice (NB201: per-edge one-hot op)
//   counts: per distinct choice name, how many dimensions chose it (NB201: op counts)
//   paths:  GRAF's path features, for spaces with a graph view
//           (SearchSpace::graph: nb201, nb101, darts): per set of operations,
//           how many input->output paths use only them, and the shortest one's length
// A space-specific encoding (NB101 adjacency + ops, DARTS pairs) would be one
// more entry of this fixed table.
struct Encoding {
  std::string name;
  std::string doc;
  std::function<std::vector<std::string>(const SearchSpace&)> columns;
  std::function<void(const SearchSpace&, const Arch&, std::vector<float>&)> append;  // adds columns().size() values
};

const Encoding* find_encoding(const std::string& name);
std::vector<std::string> encoding_names();

// ---- Features -------------------------------------------------------------
/// What a model's feature row is made of; written to meta.json.
struct MetaFeatures {
  json space;                        // the resolved space block the model was fitted on
  json proxies;                      // compute: resolved proxy blocks; nbsz: [{"name": ...}]
  std::string source;                // "compute" | "nbsz"
  std::vector<std::string> encoding; // names from the encoding table, in column order
  std::string metric;                // the label
  json data, init;                   // compute only: how the base proxies were scored

  json to_json() const;
  /// The fields as a resolved fit_meta pipeline and meta.json both hold
  /// them, unchecked: a missing or mistyped key throws json::exception.
  static MetaFeatures fields_of(const json& j);
  /// Reads meta.json's content; errors name `path`.
  static MetaFeatures from_json(const json& j, const std::string& path);
};

/// Column names: the proxies, then each encoding's columns.
std::vector<std::string> feature_names(const MetaFeatures& features, const SearchSpace& space);

/// Produces feature rows. Proxy scores come from the published NBSZ table
/// or are computed (one network per arch shared by all base proxies, through
/// the score cache); a missing score (-1e8 in NBSZ, a failed proxy, an arch
/// the table lacks) is NaN, which XGBoost treats as missing.
class FeatureBuilder {
 public:
  /// `path` is the JSON path errors name (e.g. "/proxies").
  /// `write_cache` false: computed scores are read from the score cache but
  /// not written to it (an MPI worker's).
  FeatureBuilder(const MetaFeatures& features, const SearchSpace& space, const Registry& registry, c10::Device device,
                 bool use_cache, const std::string& path, bool write_cache = true);
  ~FeatureBuilder();

  /// Appends one row (num_columns() values) for `arch`. With computed
  /// scores, `computed` (when given) receives them as the evaluator gave them.
  void append_row(const Arch& arch, std::vector<float>& out, ArchScores* computed = nullptr);
  /// Puts base-proxy scores another process computed in the score cache.
  void remember(const Arch& arch, const std::vector<double>& scores, const std::vector<std::string>& errors);
  std::size_t num_columns() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

  /// nbsz: the archs the published table holds, in file order; empty for compute.
  const std::vector<Arch>& published_archs() const;
  /// Base proxies that failed on some arch (their score is then missing).
  int64_t proxy_errors() const;
  double seconds() const;  // wall seconds spent computing scores

  struct State;  // opaque (meta_model.cpp)

 private:
  std::unique_ptr<State> s_;
  std::vector<std::string> names_;
};

// ---- The booster ----------------------------------------------------------
/// The `model` block of a fit_meta pipeline: XGBoost parameters. Defaults
/// tuned on the shipped NBSZ NB201 CIFAR-10 data with 400 training archs
/// (Spearman on the other 9,045, mean of seeds 0-2): the published setting
/// (NASLib's zero-cost XGBoost: 300 rounds, depth 6, eta 0.05, no
/// subsampling) gives 0.941 with the 13 proxies alone and 0.959 with the
/// onehot + counts + paths encodings. Smaller steps over more, shallower
/// trees, each seeing 70% of the archs and half of the columns (with ~80
/// correlated columns this keeps a few strong ones from deciding every
/// tree), give 0.945 and 0.964. A fit takes a few seconds on 2 cores.
struct MetaModelKeys : OptionSet<MetaModelKeys> {
  NAS_OPTION(int, num_round, 1000, "boosting rounds (trees)", between(1, 100000));
  NAS_OPTION(int, max_depth, 5, "maximum depth of a tree", between(1, 32));
  NAS_OPTION(double, eta, 0.02, "learning rate (shrinkage of each tree)", between(1e-6, 1));
  NAS_OPTION(double, subsample, 0.7, "fraction of training archs each tree sees", between(1e-3, 1));
  NAS_OPTION(double, colsample_bytree, 0.5, "fraction of features each tree sees", between(1e-3, 1));
  NAS_OPTION(double, min_child_weight, 2.0, "minimum hessian sum in a leaf", at_least(0));
  NAS_OPTION(double, lambda, 1.0, "L2 regularisation of leaf weights", at_least(0));
  NAS_OPTION(std::string, objective, "reg:squarederror", "XGBoost objective",
             one_of({"reg:squarederror", "reg:absoluteerror", "reg:pseudohubererror", "rank:pairwise"}));
  NAS_OPTION(int64_t, seed, -1, "XGBoost's random seed (subsampling); -1 = the pipeline seed", between(-1, 2147483647));
  NAS_OPTION(int, nthread, 2, "threads XGBoost uses (0 = all cores); results do not depend on it", between(0, 1024));
};

/// RAII owner of an XGBoost booster. Every C API failure becomes nas::Error
/// with XGBoost's own message.
class Booster {
 public:
  /// Trains on `rows` x `cols` row-major features (NaN = missing) and labels.
  /// `seed` replaces the params' seed of -1.
  static Booster train(const std::vector<float>& x, std::size_t rows, std::size_t cols, const std::vector<float>& y,
                       const MetaModelKeys& params, uint64_t seed);
  static Booster load(const std::string& path);
  Booster(Booster&& o) noexcept : handle_(o.handle_) { o.handle_ = nullptr; }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster();

  std::vector<float> predict(const std::vector<float>& x, std::size_t rows, std::size_t cols) const;
  /// XGBoost's JSON model format (the extension picks it).
  void save(const std::string& path) const;
  /// Importance by feature index (type "gain": mean gain of the splits on
  /// it; 0 for a feature never split on).
  std::vector<double> importance(std::size_t cols, const std::string& type = "gain") const;
  std::size_t num_features() const;

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;
};

// ---- The `meta` proxy source ---------------------------------------------
/// Options of {"proxy": {"name": "meta", "model": ...}}.
struct MetaProxyKeys : OptionSet<MetaProxyKeys> {
  NAS_OPTION(std::string, model, "", "model.json written by a fit_meta run (its meta.json sidecar must sit beside it)");
};

/// The source behind {"proxy": {"name": "meta", "model": "runs/x/model.json"}}:
/// loads the model and its meta.json, rebuilds the features the model was
/// fitted on (same proxies, source, data and init) and predicts. `space` is
/// the pipeline's: it must be the space the model was fitted on (its name),
/// so arch strings carry over.
std::shared_ptr<ProxySource> make_meta_source(const json& proxy, const json& pipeline, const SearchSpace& space,
                                              const Registry& registry, const std::string& path);

}  // namespace nas
