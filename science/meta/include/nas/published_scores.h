// The published NAS-Bench-Suite-Zero proxy scores shipped in data/ (NB201
// CIFAR-10 and ImageNet16-120, 9,445 archs each; for NB101 only zen, of the
// first 10,250 cells by hash; data/README.md), read the one way a search's
// "source": "nbsz" and the meta-proxy's features both use: -1e8 (their
// marker of a NaN or inf score) and non-finite values become NaN; archs the
// file does not hold (NB201 cells with unreachable operations, 97.6% of
// NB101) have no entry.
#pragma once
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nas/options.h"
#include "nas/space.h"

namespace nas {

struct PublishedScores {
  std::string file;
  std::vector<Arch> archs;  // in file order, once per identity
  std::unordered_map<std::string, std::vector<double>> by_identity;  // one value per proxy asked for
};

/// Reads the scores of `proxies` for the space a resolved space block names
/// (`space_block`, built as `space`). Errors are PipelineErrors: a space or
/// dataset without published scores at `source_path`, an unknown proxy at
/// `proxy_path(i)` with a did-you-mean.
PublishedScores read_published_scores(const SearchSpace& space, const json& space_block,
                                      const std::vector<std::string>& proxies, const std::string& source_path,
                                      const std::function<std::string(std::size_t)>& proxy_path);

}  // namespace nas
