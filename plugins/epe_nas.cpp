// epe_nas (NASLib): J as in jacov, its rows grouped by label (in order of
// first appearance). Per class c, s_c = sum over all entries of
// log(|corrcoef(J_c)| + 1e-5). Up to 100 classes the score is sum_c |s_c|;
// above, s_c is divided by the class's row count and the score is
// sum_{c,c'} |s_c - s_c'| / classes seen. NaN entries propagate.
#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <vector>

#include "nas/plugin.h"
#include "nas/probes.h"
#include "proxy_math.h"

namespace {

class EpeNas : public nas::Proxy {
 public:
  nas::ProbeSet needs() const override { return nas::kLabels | nas::kInputJacobian; }

  double score(nas::Probes& probes) override {
    const at::Tensor jacobian = probes.input_jacobian().cpu();
    const bool many_classes = probes.batch().num_classes > 100;
    std::vector<double> class_scores;
    for (const auto& rows : rows_by_label(probes.batch().targets.cpu())) {
      // With one row numpy's corrcoef is 0-d and len() raises: the
      // reference skips that class (only the >100 branch calls len()).
      if (many_classes && rows.size() == 1) continue;
      const at::Tensor c = nas_proxies::corrcoef(jacobian.index_select(0, at::tensor(rows)));
      double s = at::log(c.abs() + 1e-5).sum().item<double>();
      if (many_classes) s /= static_cast<double>(rows.size());
      class_scores.push_back(s);
    }
    double score = 0;
    if (!many_classes) {
      for (double s : class_scores) score += std::abs(s);
    } else if (!class_scores.empty()) {
      for (double s : class_scores)
        for (double t : class_scores) score += std::abs(s - t);
      score /= static_cast<double>(class_scores.size());
    }
    return score;
  }

 private:
  /// Row indices per label, labels in order of first appearance.
  static std::vector<std::vector<int64_t>> rows_by_label(const at::Tensor& targets) {
    std::map<int64_t, std::size_t> slot;
    std::vector<std::vector<int64_t>> rows;
    const at::Tensor labels = targets.to(at::kLong).contiguous();
    const int64_t* label = labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < labels.numel(); ++i) {
      auto [it, fresh] = slot.emplace(label[i], rows.size());
      if (fresh) rows.emplace_back();
      rows[it->second].push_back(i);
    }
    return rows;
  }
};

}  // namespace

NAS_PLUGIN(proxy, "epe_nas", EpeNas, "1.0",
           "sum over classes of |sum log(|corrcoef(J_class)| + 1e-5)|, J = input Jacobian rows (NASLib epe_nas)")
