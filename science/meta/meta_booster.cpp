// The meta-proxy's gradient-boosted trees through XGBoost's C API
// (xgboost/c_api.h, Debian's libxgboost-dev 1.7): train, predict, save and
// load the JSON model, feature importances.
#include <xgboost/c_api.h>

#include <cmath>
#include <string>

#include "nas/errors.h"
#include "nas/meta_model.h"

namespace nas {

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw Error(std::string("XGBoost: ") + what + " failed: " + XGBGetLastError());
}

// Owns a DMatrix; NaN marks a missing value.
class Matrix {
 public:
  Matrix(const std::vector<float>& x, std::size_t rows, std::size_t cols) {
    if (x.size() != rows * cols) throw Error("XGBoost: feature matrix has the wrong size");
    check(XGDMatrixCreateFromMat(x.data(), rows, cols, std::nanf(""), &handle_), "creating the feature matrix");
  }
  ~Matrix() { XGDMatrixFree(handle_); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

}  // namespace

Booster Booster::train(const std::vector<float>& x, std::size_t rows, std::size_t cols, const std::vector<float>& y,
                       const MetaModelKeys& params, uint64_t seed) {
  Matrix train(x, rows, cols);
  check(XGDMatrixSetFloatInfo(train.get(), "label", y.data(), y.size()), "setting the labels");
  if (params.objective == "rank:pairwise") {
    // One query group: every training arch is ranked against every other.
    const unsigned group = static_cast<unsigned>(rows);
    check(XGDMatrixSetGroup(train.get(), &group, 1), "setting the ranking group");
  }
  BoosterHandle h = nullptr;
  const DMatrixHandle mats[] = {train.get()};
  check(XGBoosterCreate(mats, 1, &h), "creating the booster");
  Booster b(h);
  const int64_t model_seed = params.seed < 0 ? static_cast<int64_t>(seed % 2147483647) : params.seed;
  auto set = [&](const char* name, const std::string& value) {
    check(XGBoosterSetParam(h, name, value.c_str()), (std::string("setting ") + name).c_str());
  };
  // As JSON prints them, so XGBoost parses the value the pipeline gave.
  auto num = [](auto value) { return json(value).dump(); };
  set("verbosity", "0");
  set("booster", "gbtree");
  set("objective", params.objective);
  set("max_depth", num(params.max_depth));
  set("eta", num(params.eta));
  set("subsample", num(params.subsample));
  set("colsample_bytree", num(params.colsample_bytree));
  set("min_child_weight", num(params.min_child_weight));
  set("lambda", num(params.lambda));
  set("seed", std::to_string(model_seed));
  set("nthread", num(params.nthread));
  const int rounds = params.num_round;
  for (int i = 0; i < rounds; ++i) check(XGBoosterUpdateOneIter(h, i, train.get()), "a boosting round");
  return b;
}

Booster Booster::load(const std::string& path) {
  BoosterHandle h = nullptr;
  check(XGBoosterCreate(nullptr, 0, &h), "creating the booster");
  Booster b(h);
  if (XGBoosterLoadModel(h, path.c_str()) != 0)
    throw Error("cannot load the XGBoost model " + path + ": " + XGBGetLastError());
  return b;
}

Booster::~Booster() {
  if (handle_) XGBoosterFree(handle_);
}

std::vector<float> Booster::predict(const std::vector<float>& x, std::size_t rows, std::size_t cols) const {
  Matrix m(x, rows, cols);
  // type 0: plain predictions, every tree.
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  bst_ulong const* shape = nullptr;
  bst_ulong dim = 0;
  float const* out = nullptr;
  check(XGBoosterPredictFromDMatrix(handle_, m.get(), config, &shape, &dim, &out), "predicting");
  return std::vector<float>(out, out + rows);
}

void Booster::save(const std::string& path) const { check(XGBoosterSaveModel(handle_, path.c_str()), "saving the model"); }

std::vector<double> Booster::importance(std::size_t cols, const std::string& type) const {
  const std::string config = json{{"importance_type", type}}.dump();
  bst_ulong n = 0, dim = 0;
  char const** names = nullptr;
  bst_ulong const* shape = nullptr;
  float const* scores = nullptr;
  check(XGBoosterFeatureScore(handle_, config.c_str(), &n, &names, &dim, &shape, &scores), "feature importances");
  // Without feature names XGBoost calls column i "f<i>" and lists only the
  // columns some split used.
  std::vector<double> out(cols, 0.0);
  for (bst_ulong i = 0; i < n; ++i) {
    const std::string name = names[i];
    if (name.size() < 2 || name[0] != 'f') continue;
    const std::size_t k = std::stoul(name.substr(1));
    if (k < cols) out[k] = scores[i];
  }
  return out;
}

std::size_t Booster::num_features() const {
  bst_ulong n = 0;
  check(XGBoosterGetNumFeature(handle_, &n), "reading the number of features");
  return n;
}

}  // namespace nas
