#include "nas/published_scores.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nas/csv.h"
#include "nas/errors.h"

namespace nas {

PublishedScores read_published_scores(const SearchSpace& space, const json& space_block,
                                      const std::vector<std::string>& proxies, const std::string& source_path,
                                      const std::function<std::string(std::size_t)>& proxy_path) {
  const std::string space_name = space_block.at("name");
  const std::string dataset = space_block.value("dataset", "cifar10");
  if (space_name != "nb201" || (dataset != "cifar10" && dataset != "imagenet16"))
    throw PipelineError(source_path, "no published NAS-Bench-Suite-Zero scores are shipped for " + space_name + " " +
                                         dataset + " (nb201 cifar10 and imagenet16 only); use \"compute\"");
  PublishedScores out;
  out.file = resolve_data_path("nbsz_nb201_" + dataset + "_zc_proxies.csv");
  const CsvTable t = read_csv(out.file);
  std::vector<std::string> available;
  for (const auto& h : t.header)
    if (h != "net" && h != "net_str") available.push_back(h);
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < proxies.size(); ++i) {
    if (std::find(available.begin(), available.end(), proxies[i]) == available.end()) {
      const std::string guess = did_you_mean(proxies[i], available);
      std::string all;
      for (const auto& a : available) all += (all.empty() ? "" : ", ") + a;
      throw PipelineError(proxy_path(i), "NAS-Bench-Suite-Zero publishes no '" + proxies[i] + "' scores" +
                                             (guess.empty() ? "" : ", did you mean \"" + guess + "\"?") +
                                             " (available: " + all + ")");
    }
    columns.push_back(t.column(proxies[i]));
  }
  const std::size_t net = t.column("net");
  for (const auto& row : t.rows) {
    std::vector<double> values;
    for (std::size_t c : columns) {
      const double v = parse_double(row[c], t.path);
      values.push_back(v <= -1e8 || !std::isfinite(v) ? std::numeric_limits<double>::quiet_NaN() : v);
    }
    Arch a = space.parse(row[net]);
    if (out.by_identity.emplace(space.identity(a), std::move(values)).second) out.archs.push_back(std::move(a));
  }
  return out;
}

}  // namespace nas
