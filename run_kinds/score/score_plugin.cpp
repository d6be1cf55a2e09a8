// `"run": "score"`: proxies for a list or a seeded sample of archs.
#include "score.h"

NAS_PLUGIN(run, "score", nas::score_run::Kind<false>, "1.0",
           "proxies for a list or a seeded sample of archs: scores.jsonl, scores.csv")
