// `"run": "search"`: one strategy, `repeats` seeds, one budget.
#include "search.h"

NAS_PLUGIN(run, "search", nas::search_run::Kind<false>, "1.0",
           "a strategy searches the space for `repeats` seeds: evaluations.jsonl, summary.json")
