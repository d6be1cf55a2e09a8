// `"run": "compare"`: several strategy entries x the same seeds, with curves.
#include "search.h"

NAS_PLUGIN(run, "compare", nas::search_run::Kind<true>, "1.0",
           "several strategies x the same seeds on one budget: curves.csv, anytime plots, summary.json")
