#include "nas/plot.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "nas/run_dir.h"

namespace nas {

namespace {
bool gnuplot_available() {
  static const bool found = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  return found;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return out + "'";
}
}  // namespace

std::string run_gnuplot(RunDir& dir, const std::string& script_name) {
  if (!gnuplot_available())
    return "gnuplot not found: plots skipped (apt-get install gnuplot-nox); their data and scripts are in " +
           dir.path();
  const std::string cmd = "cd " + quote(dir.path()) + " && gnuplot " + quote(script_name) + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return "gnuplot failed on " + dir.file(script_name);
  return "";
}

std::string write_scatter_plot(RunDir& dir, const ScatterPlot& p) {
  std::ostringstream dat;
  dat << "# " << p.xlabel << " " << p.ylabel << "\n";
  std::size_t points = 0;
  for (std::size_t i = 0; i < p.x.size(); ++i)
    if (std::isfinite(p.x[i]) && std::isfinite(p.y[i]))
      dat << format_double(p.x[i]) << " " << format_double(p.y[i]) << "\n", ++points;
  dir.write_text(p.name + ".dat", dat.str());
  std::ostringstream gp;
  gp << "set terminal pngcairo size 800,600 noenhanced\n"
     << "set output " << quote(p.name + ".png") << "\n"
     << "set title " << quote(p.title) << "\n"
     << "set xlabel " << quote(p.xlabel) << "\nset ylabel " << quote(p.ylabel) << "\n"
     << "set grid\nunset key\n"
     << "plot " << quote(p.name + ".dat") << " using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4'\n";
  dir.write_text(p.name + ".gp", gp.str());
  // gnuplot refuses an empty data file; say why there is no picture instead.
  if (points == 0) return p.name + ": no arch has both a finite " + p.xlabel + " and a finite " + p.ylabel + "; plot skipped";
  return run_gnuplot(dir, p.name + ".gp");
}

}  // namespace nas
