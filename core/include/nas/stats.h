// Rank statistics for correlate runs and summaries. Non-finite scores are
// ranked last (below every finite score), as NAS-Bench-Suite-Zero's -1e8
// sentinel does, and counted by the caller.
#pragma once
#include <vector>

namespace nas {

/// Average ranks (1-based; ties share their mean rank); every non-finite
/// value ties for the lowest rank.
std::vector<double> ranks(const std::vector<double>& values);

/// Spearman's rho: Pearson correlation of the average ranks.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

/// Kendall's tau-b (tie-corrected, as scipy.stats.kendalltau), O(n log n).
double kendall(const std::vector<double>& x, const std::vector<double>& y);

double mean(const std::vector<double>& v);
/// Sample standard deviation (n - 1); 0 for fewer than two values.
double stddev(const std::vector<double>& v);

}  // namespace nas
