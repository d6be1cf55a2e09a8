// BRP-NAS (Dudziak et al., NeurIPS 2020) as the authors' SamsungLabs/eagle
// searches with it: a binary relation predictor (brp_predictor.h) trained on
// pairs of evaluated archs, used iteratively.
//
// Rounds of `round_size` asks (eagle: 100 archs in 5 rounds, so 20; a
// longer budget runs more rounds of the same size). Before round i
// (1, 2, ...) the predictor is trained on every arch told so far (continuing
// from its last parameters; a random `held_fraction` of them held for early
// stopping) and ranks the candidate pool (the whole space when it has at
// most enumerate_limit choice vectors, else `candidates` random unseen archs
// drawn anew each round); the round asks its first half from the top of
// that ranking and the other half uniformly from the ranking's top 1/2^i
// (never fewer than round_size archs). Archs asked before are never asked
// again. Without warmup the first round, with no data, is random archs.
//
// Warmup (eagle's foresight_warmup): before the first query the predictor
// is trained on `warmup_archs` archs of the ranked pool, taken evenly along
// the ranking (the proxy's whole range, as eagle's random archs scored by
// the proxy) and labelled by their proxy rank, `warmup_held` of them held
// for early stopping; so the first round already asks the predictor's
// (i.e. the proxy's) best. No query is charged.
//
// Move proposal: the predictor's near-ties are broken by the proxy. Among
// the round's 2 x (round_size / 2) best-ranked candidates, runs of archs
// whose comparator probability of beating the run's first arch is within
// tie_margin of 1/2 (|s(a) - s(b)| < logit(1/2 + tie_margin)) are reordered
// best-by-proxy first before the top half is taken. brp mutates nothing; it
// reads the proxy that move proposal's Mutator ranks by (Mutator::proxy).
#include <unordered_map>

#include "brp_predictor.h"
#include "nas/plugin.h"
#include "predictor_support.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class Brp : public Strategy {
 public:
  struct Options : OptionSet<Options> {
    NAS_OPTION(int, round_size, 20, "asks per round: half the predictor's best, half random from its top 1/2^i "
               "(eagle: 100 archs in 5 rounds)", at_least(2));
    NAS_OPTION(int, layers, 4, "graph convolutions (eagle: 4)", at_least(1));
    NAS_OPTION(int, hidden, 128,
               "units per graph convolution (eagle: 600, about 20x the CPU time per step; 128 keeps a 150-query "
               "repeat near 2 minutes on 2 cores)",
               at_least(1));
    NAS_OPTION(double, dropout, 0.2, "dropout after each graph convolution (eagle: 0.2)", between(0, 0.99));
    NAS_OPTION(double, lr, 1e-3,
               "AdamW learning rate, cosine-annealed over each training (eagle: 3.5e-4; with the CPU's fewer steps "
               "1e-3 orders NB201 pairs better: 0.80 against 0.79 after 100 archs)",
               greater_than(0));
    NAS_OPTION(double, weight_decay, 0.01, "AdamW weight decay (LibTorch's default)", at_least(0));
    NAS_OPTION(int, epochs, 100,
               "most epochs per training (each epoch: every training arch once); each round continues from the "
               "last round's parameters",
               at_least(1));
    NAS_OPTION(int, patience, 20, "epochs without a better held-pair accuracy before training stops", at_least(1));
    NAS_OPTION(int, batch_archs, 32, "archs per step; the step trains on every ordered pair among them",
               at_least(2));
    NAS_OPTION(double, held_fraction, 0.2, "told archs held out of each training for early stopping",
               between(0, 0.9));
    NAS_OPTION(int, enumerate_limit, 20000,
               "rank the whole space when it has at most this many choice vectors (NB201: 15,625)", at_least(0));
    NAS_OPTION(int, candidates, 5000, "random unseen archs ranked per round when the space is not enumerated",
               at_least(1));
    NAS_OPTION(int, warmup_archs, 256, "warmup: pool archs the predictor is first trained on (eagle: 256)",
               at_least(2));
    NAS_OPTION(int, warmup_held, 100, "warmup: of those, held for early stopping (eagle: 100)", at_least(0));
    NAS_OPTION(double, tie_margin, 0.1,
               "move proposal: archs whose comparator probability of beating each other is within this of 1/2 "
               "are a near-tie, broken by the proxy",
               between(0, 0.5));
  };

  Brp(const Options& options, const PluginContext& ctx)
      : o_(options),
        space_(require_space(ctx, "brp")),
        mutator_(require_mutator(ctx, "brp")),
        rng_(ctx.seed),
        vocabulary_(space_.graph_vocabulary()),
        predictor_(check_vocabulary(vocabulary_), config(options), derive_seed(ctx.seed, 0xb2b)) {}

  std::optional<Arch> ask() override {
    for (int attempt = 0; attempt < 2; ++attempt) {
      while (!queue_.empty()) {
        Arch next = std::move(queue_.front());
        queue_.erase(queue_.begin());
        if (asked_.insert(space_.identity(next)).second) return next;
      }
      plan_round();
    }
    std::optional<Arch> arch = sample_unseen(space_, rng_, asked_);
    if (arch) asked_.insert(space_.identity(*arch));
    return arch;
  }

  void tell(const Arch& arch, double value) override {
    const std::string id = space_.identity(arch);
    asked_.insert(id);
    if (told_ids_.insert(id).second) told_.push_back({arch, value});
  }

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_ = ranked;
    return true;
  }

  bool uses_mutation() const override { return true; }

 private:
  static const GraphVocabulary& check_vocabulary(const GraphVocabulary& v) {
    if (v.empty())
      throw Error("strategy 'brp' needs a space with a graph view (SearchSpace::graph: nb201, nb101, darts)");
    return v;
  }

  static brp::Config config(const Options& o) {
    brp::Config c;
    c.layers = o.layers, c.hidden = o.hidden, c.dropout = o.dropout, c.lr = o.lr, c.weight_decay = o.weight_decay;
    c.epochs = o.epochs, c.patience = o.patience, c.batch_archs = o.batch_archs;
    return c;
  }

  brp::GraphBatch batch_of(const std::vector<Arch>& archs) const {
    std::vector<ArchGraph> graphs;
    for (const Arch& a : archs) {
      std::optional<ArchGraph> g = space_.graph(a);
      if (!g) throw Error("brp: the space gave no graph for " + space_.to_string(a));
      graphs.push_back(std::move(*g));
    }
    return predictor_.batch(graphs);
  }

  std::vector<int64_t> random_rows(int64_t n, int64_t count) {
    std::vector<int64_t> rows(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) rows[i] = i;
    rng_.shuffle(rows);
    rows.resize(static_cast<std::size_t>(std::min(n, count)));
    return rows;
  }

  void train_warm() {
    const std::size_t r = warm_.size(), w = std::min<std::size_t>(o_.warmup_archs, r);
    std::vector<Arch> archs;
    std::vector<double> values;
    for (std::size_t i = 0; i < w; ++i) {
      const std::size_t at = i * r / w;
      archs.push_back(warm_[at]);
      values.push_back(-static_cast<double>(at));  // a better proxy rank is a higher value
    }
    warm_.clear();
    if (archs.size() < 2) return;
    const int64_t held = std::min<int64_t>(o_.warmup_held, static_cast<int64_t>(archs.size()) / 2);
    predictor_.train(batch_of(archs), values, random_rows(static_cast<int64_t>(archs.size()), held));
  }

  void train_told() {
    std::vector<Arch> archs;
    std::vector<double> values;
    for (const Told& t : told_) archs.push_back(t.arch), values.push_back(t.value);
    const int64_t n = static_cast<int64_t>(archs.size());
    const int64_t held = static_cast<int64_t>(o_.held_fraction * static_cast<double>(n));
    predictor_.train(batch_of(archs), values, random_rows(n, held));
    trained_on_ = told_.size();
  }

  /// Every valid arch of a space with at most enumerate_limit choice vectors, one per identity.
  bool enumerate_pool() {
    if (pool_ready_) return !pool_.empty();
    pool_ready_ = true;
    double vectors = 1;
    for (const Dimension& d : space_.dimensions()) vectors *= static_cast<double>(d.choices.size());
    if (vectors > o_.enumerate_limit) return false;
    const auto& dims = space_.dimensions();
    Arch a;
    a.choices.assign(dims.size(), 0);
    IdentitySet ids;
    for (;;) {
      if (space_.is_valid(a) && ids.insert(space_.identity(a)).second) pool_.push_back(a);
      std::size_t d = 0;
      while (d < dims.size() && ++a.choices[d] == static_cast<int>(dims[d].choices.size())) a.choices[d++] = 0;
      if (d == dims.size()) break;
    }
    pool_batch_ = batch_of(pool_);
    return true;
  }

  void plan_round() {
    if (!warm_.empty()) train_warm();
    if (told_.size() >= 2 && told_.size() > trained_on_) train_told();
    const int top_n = (o_.round_size + 1) / 2, random_n = o_.round_size - top_n;
    if (!predictor_.trained()) {
      for (int i = 0; i < o_.round_size; ++i)
        if (std::optional<Arch> a = sample_unseen(space_, rng_, with_queue())) queue_.push_back(std::move(*a));
      return;
    }
    ++round_;
    std::vector<Arch> cands;
    std::vector<double> scores;
    if (enumerate_pool()) {
      const std::vector<double> all = predictor_.scores(pool_batch_);
      for (std::size_t i = 0; i < pool_.size(); ++i)
        if (!asked_.count(space_.identity(pool_[i]))) cands.push_back(pool_[i]), scores.push_back(all[i]);
    } else {
      IdentitySet ids = asked_;
      for (int i = 0; i < o_.candidates; ++i) {
        std::optional<Arch> a = sample_unseen(space_, rng_, ids);
        if (!a) break;
        ids.insert(space_.identity(*a));
        cands.push_back(std::move(*a));
      }
      if (!cands.empty()) scores = predictor_.scores(batch_of(cands));
    }
    std::vector<std::size_t> order(cands.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    break_ties(order, scores, cands, 2 * static_cast<std::size_t>(top_n));

    std::vector<char> taken(order.size(), 0);
    for (std::size_t i = 0; i < order.size() && static_cast<int>(i) < top_n; ++i)
      queue_.push_back(cands[order[i]]), taken[i] = 1;
    // The random half: uniform over the ranking's top 1/2^round (at least round_size archs).
    const double fraction = std::ldexp(1.0, -std::min(round_, 60));
    std::size_t range = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(order.size())));
    range = std::min(order.size(), std::max<std::size_t>(range, static_cast<std::size_t>(o_.round_size)));
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < range; ++i)
      if (!taken[i]) rest.push_back(i);
    rng_.shuffle(rest);
    for (std::size_t i = 0; i < rest.size() && static_cast<int>(i) < random_n; ++i)
      queue_.push_back(cands[order[rest[i]]]);
  }

  /// Move proposal: within the first `window` of `order`, runs of near-ties
  /// (by the predictor) reordered best-by-proxy first.
  void break_ties(std::vector<std::size_t>& order, const std::vector<double>& scores, const std::vector<Arch>& cands,
                  std::size_t window) {
    if (order.empty() || o_.tie_margin <= 0 || !mutator_.proxy(cands[order[0]])) return;
    window = std::min(window, order.size());
    const double margin = std::log((0.5 + o_.tie_margin) / (0.5 - o_.tie_margin));
    for (std::size_t start = 0; start < window;) {
      std::size_t end = start + 1;
      while (end < window && scores[order[start]] - scores[order[end]] < margin) ++end;
      if (end - start > 1) {
        std::vector<std::pair<double, std::size_t>> run;
        for (std::size_t i = start; i < end; ++i) run.emplace_back(*mutator_.proxy(cands[order[i]]), order[i]);
        std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) { return better(a.first, b.first); });
        for (std::size_t i = start; i < end; ++i) order[i] = run[i - start].second;
      }
      start = end;
    }
  }

  IdentitySet with_queue() const {
    IdentitySet ids = asked_;
    for (const Arch& a : queue_) ids.insert(space_.identity(a));
    return ids;
  }

  const Options o_;
  const SearchSpace& space_;
  const Mutator& mutator_;
  Rng rng_;
  GraphVocabulary vocabulary_;
  brp::Predictor predictor_;
  std::vector<Arch> warm_;
  std::vector<Told> told_;
  std::size_t trained_on_ = 0;
  IdentitySet told_ids_, asked_;
  std::vector<Arch> queue_;
  int round_ = 0;
  bool pool_ready_ = false;
  std::vector<Arch> pool_;
  brp::GraphBatch pool_batch_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "brp", nas::strategies::Brp, "1.0",
           "BRP-NAS (Dudziak et al. 2020): a GCN binary relation predictor ranks the space in rounds")
