// The progress line's rate and ETA: readable for fast loops (evaluations of
// a tabular search) and slow ones (scoring big networks on a CPU).
#include <gtest/gtest.h>

#include "nas/progress.h"

TEST(Progress, FastWorkShowsARatePerSecond) {
  EXPECT_EQ(nas::rate_and_eta(50, 300, 20.0), "2.5/s, ETA 100 s");
  EXPECT_EQ(nas::rate_and_eta(300, 300, 0.5), "600.0/s");
}

TEST(Progress, SlowWorkShowsSecondsEachAndAnEtaInMinutesOrHours) {
  EXPECT_EQ(nas::rate_and_eta(8, 150, 249.6), "31.2 s each, ETA 1 h 14 min");
  EXPECT_EQ(nas::rate_and_eta(1, 11, 30.0), "30.0 s each, ETA 5 min");
}

TEST(Progress, NothingDoneYetHasNoEta) {
  EXPECT_EQ(nas::rate_and_eta(0, 10, 3.0), "0.0/s");
}
