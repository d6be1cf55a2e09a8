// Rank statistics against values worked out by brute force over all pairs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nas/stats.h"

TEST(Stats, SpearmanWithTies) {
  // Pearson of the average ranks [1,2.5,2.5,4,5] and [2,1,3.5,3.5,5].
  EXPECT_NEAR(nas::spearman({1, 2, 2, 3, 5}, {2, 1, 4, 4, 9}), 0.7631578947368421, 1e-12);
}

TEST(Stats, KendallTauB) {
  // tau-b by brute force over the 10 pairs (ties in x or y excluded as scipy does).
  EXPECT_NEAR(nas::kendall({1, 2, 2, 3, 5}, {2, 1, 4, 4, 9}), 0.6666666666666666, 1e-12);
  EXPECT_NEAR(nas::kendall({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
}

TEST(Stats, NonFiniteRankLast) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto r = nas::ranks({3.0, nan, 1.0, -inf, inf});
  EXPECT_DOUBLE_EQ(r[0], 5.0);
  EXPECT_DOUBLE_EQ(r[2], 4.0);
  EXPECT_DOUBLE_EQ(r[1], 2.0);  // the three non-finite tie for ranks 1-3
  EXPECT_DOUBLE_EQ(r[3], 2.0);
  EXPECT_DOUBLE_EQ(r[4], 2.0);
}

TEST(Stats, MeanAndSampleStd) {
  EXPECT_DOUBLE_EQ(nas::mean({1, 2, 3, 4}), 2.5);
  EXPECT_NEAR(nas::stddev({1, 2, 3, 4}), 1.2909944487358056, 1e-12);
}

