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
  const bool nb101 = space_name == "nb101";
  if (!nb101 && (space_name != "nb201" || (dataset != "cifar10" && dataset != "imagenet16")))
    throw PipelineError(source_path, "no published NAS-Bench-Suite-Zero scores are shipped for " + space_name + " " +
                                         dataset + " (nb201 cifar10 and imagenet16, nb101 zen); use \"compute\"");
  PublishedScores out;
  // NB101: NBSZ's zen for the first 10,250 cells by hash, keyed by adjacency,
  // ops and hash (the space checks the three agree).
  out.file = resolve_data_path(nb101 ? "nb101/nb101_nbsz_zen.csv" : "nbsz_nb201_" + dataset + "_zc_proxies.csv");
  const CsvTable t = read_csv(out.file);
  const std::vector<std::string> keys =
      nb101 ? std::vector<std::string>{"idx", "nb101_hash", "n_vertices", "adj", "ops", "trainable_params", "zen_time_s"}
            : std::vector<std::string>{"net", "net_str"};
  std::vector<std::string> available;
  for (const auto& h : t.header)
    if (std::find(keys.begin(), keys.end(), h) == keys.end()) available.push_back(h);
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
  const std::size_t net = t.column(nb101 ? "adj" : "net");
  const std::size_t ops = nb101 ? t.column("ops") : 0, hash = nb101 ? t.column("nb101_hash") : 0;
  for (const auto& row : t.rows) {
    std::vector<double> values;
    for (std::size_t c : columns) {
      const double v = parse_double(row[c], t.path);
      values.push_back(v <= -1e8 || !std::isfinite(v) ? std::numeric_limits<double>::quiet_NaN() : v);
    }
    Arch a = space.parse(nb101 ? row[net] + " " + row[ops] + " " + row[hash] : row[net]);
    if (out.by_identity.emplace(space.identity(a), std::move(values)).second) out.archs.push_back(std::move(a));
  }
  return out;
}

}  // namespace nas
