// Plots through gnuplot (Debian's gnuplot-nox), a well-kept tool, instead
// of a home-made renderer. Each plot leaves its data (.dat) and script (.gp)
// in the run directory, so it can be restyled or redrawn elsewhere; the PNG
// is drawn when gnuplot is installed.
#pragma once
#include <string>
#include <vector>

namespace nas {

class RunDir;

struct ScatterPlot {
  std::string name;  // file stem
  std::string title;
  std::string xlabel, ylabel;
  std::vector<double> x, y;
};

/// Writes <name>.dat, <name>.gp and, with gnuplot, <name>.png. Returns ""
/// or a one-line note (e.g. gnuplot missing and how to install it).
std::string write_scatter_plot(RunDir& dir, const ScatterPlot& plot);

/// Runs gnuplot on a script already in the run directory; "" or a note.
std::string run_gnuplot(RunDir& dir, const std::string& script_name);

}  // namespace nas
