// The Zero-Cost-NAS majority vote (Abdelfattah et al. 2021), which is a
// property of a set of archs, not of one network: arch a beats arch b when
// the majority of the voting proxies (the pipeline's "vote" key; Zero-Cost-NAS:
// synflow, jacov, snip) score a above b; a tie between voters decides nothing.
// The authors report the pairwise ranking accuracy of that vote; to give
// each arch a score that correlate and search can rank, nasrun uses the
// Copeland score: the number of archs a beats minus the number that beat
// it, divided by n - 1 (in [-1, 1]). Sorting by it orders the archs as
// consistently with the pairwise majority as any ranking can. A non-finite
// proxy score loses every comparison it takes part in.
#pragma once
#include <vector>

namespace nas {

/// scores[p][k]: proxy p on arch k. Returns one vote score per arch.
std::vector<double> copeland_vote(const std::vector<std::vector<double>>& scores);

/// Fraction of arch pairs (with distinct targets) the pairwise majority
/// orders like `target` (the authors' reported figure).
double vote_pairwise_accuracy(const std::vector<std::vector<double>>& scores, const std::vector<double>& target);

}  // namespace nas
