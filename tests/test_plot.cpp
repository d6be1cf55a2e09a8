// Scatter plots: data and script always written, the picture drawn by
// gnuplot only when there is something to draw.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "nas/plot.h"
#include "nas/run_dir.h"
#include "test_support.h"

// gnuplot fails on an empty data file (a correlate where no arch has a
// label, or every score is NaN); the plot is skipped with a reason instead.
TEST(Plot, AScatterWithoutAFinitePointIsSkippedWithAReason) {
  const std::string out = (nas_test::temp_root("plot") / "empty").string();
  nas::RunDir dir(out, nas::json::object(), false, true);
  const double nan = std::nan("");
  const nas::ScatterPlot plot{"scatter_params", "params vs val_acc", "params", "val_acc", {1.0, nan}, {nan, 2.0}};
  EXPECT_EQ(nas::write_scatter_plot(dir, plot),
            "scatter_params: no arch has both a finite params and a finite val_acc; plot skipped");
  EXPECT_TRUE(std::filesystem::exists(out + "/scatter_params.gp"));
  EXPECT_FALSE(std::filesystem::exists(out + "/scatter_params.png"));
}
