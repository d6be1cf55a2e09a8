// `"run": "correlate"`: score, then rank every proxy against a benchmark metric.
#include "score.h"

NAS_PLUGIN(run, "correlate", nas::score_run::Kind<true>, "1.0",
           "score, plus Spearman and Kendall of every proxy against a benchmark metric: correlations.csv, scatter plots")
