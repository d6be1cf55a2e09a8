// BANANAS (White, Neiswanger and Savani, AAAI 2021) as NASLib runs it
// (naslib/optimizers/discrete/bananas): Bayesian optimisation with an
// ensemble of MLPs on the path encoding.
//
//  1. The first n_init asks are random archs (or the warm-start archs: the
//     pool's best by the proxy).
//  2. Then, whenever the batch of proposals is used up: fit num_ensemble MLPs
//     on every arch told so far (path encoding -> objective, standardised;
//     NaN told = worst), make num_candidates candidates by mutating the
//     `parents` best archs (max_mutations edits each, through
//     the Mutator, so move proposal makes them the proxy's pick among
//     neighbours), add random_candidates random archs, drop those already
//     asked (random unseen archs fill the gap), score each by the
//     acquisition and keep the k best as the next k asks.
//  Acquisition: "its" (independent Thompson sampling) draws one value per
//  candidate from N(mean, sd) of the ensemble's predictions; "ucb" is
//  mean + explore_factor * sd.
//
// The path encoding is computed from the space's graph view
// (nas/arch_graph.h), so any space with one works (nb201, nb101, darts).
//
// Each MLP is NASLib's bananas predictor: `layers` fully connected ReLU
// layers of `width` units and a linear output, Adam (lr, betas 0.9/0.99),
// mean absolute error plus `regularization` x the output weights' L1 norm,
// `epochs` epochs of shuffled batches of `batch_size`. One difference: a
// last smaller batch is kept (NASLib's loader drops it, so with fewer archs
// than a batch it would not train at all). The networks are trained by hand
// (mlp_ensemble.h: at this size LibTorch's overhead is ten times the
// arithmetic).
#include <numeric>
#include <unordered_map>

#include "mlp_ensemble.h"
#include "nas/arch_graph.h"
#include "nas/plugin.h"
#include "path_encoding.h"
#include "predictor_support.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class Bananas : public Strategy {
 public:
  struct Options : OptionSet<Options> {
    NAS_OPTION(int, n_init, 10, "random archs (or warm-start archs, best first) before the first model (NASLib: 10)",
               at_least(1));
    NAS_OPTION(int, k, 10, "asks per model fit: the k candidates with the best acquisition (NASLib: 10)", at_least(1));
    NAS_OPTION(int, num_ensemble, 5, "MLPs in the ensemble (NASLib: 5)", at_least(1));
    NAS_OPTION(std::string, acquisition, "its",
               "its: independent Thompson sampling, one draw per candidate from N(mean, sd) of the ensemble "
               "(NASLib's default); ucb: mean + explore_factor * sd",
               one_of({"its", "ucb"}));
    NAS_OPTION(double, explore_factor, 0.5, "ucb's weight of the ensemble's sd (NASLib: 0.5)", at_least(0));
    NAS_OPTION(int, num_candidates, 100, "mutants made per fit (NASLib: 100)", at_least(1));
    NAS_OPTION(int, parents, 2, "best told archs the mutants come from (NASLib's num_arches_to_mutate: 2)", at_least(1));
    NAS_OPTION(int, max_mutations, 1, "edits per mutant (NASLib: 1)", at_least(1));
    NAS_OPTION(int, random_candidates, 0,
               "random archs added to the mutants (NASLib: 0; random unseen archs always fill in for mutants "
               "already asked)",
               at_least(0));
    NAS_OPTION(int, layers, 20, "hidden layers per MLP (NASLib: 20)", at_least(0));
    NAS_OPTION(int, width, 20, "units per hidden layer (NASLib: 20)", at_least(1));
    NAS_OPTION(int, epochs, 500, "training epochs per fit (NASLib: 500)", at_least(1));
    NAS_OPTION(int, batch_size, 32, "archs per training batch (NASLib: 32)", at_least(1));
    NAS_OPTION(double, lr, 0.001, "Adam learning rate (NASLib: 0.001)", greater_than(0));
    NAS_OPTION(double, regularization, 0.2, "weight of the output layer's L1 norm in the loss (NASLib: 0.2)",
               at_least(0));
  };

  Bananas(const Options& options, const PluginContext& ctx)
      : o_(options),
        space_(require_space(ctx, "bananas")),
        mutator_(require_mutator(ctx, "bananas")),
        rng_(ctx.seed),
        net_rng_(derive_seed(ctx.seed, 0xba7a)),
        vocabulary_(space_.graph_vocabulary()) {
    if (vocabulary_.empty())
      throw Error("strategy 'bananas' needs a space with a graph view (SearchSpace::graph: nb201, nb101, darts) for "
                  "its path encoding");
    encoding_length_ = path_encoding_length(vocabulary_);
  }

  std::optional<Arch> ask() override {
    std::optional<Arch> arch = propose();
    if (arch) asked_.insert(space_.identity(*arch));
    return arch;
  }

  void tell(const Arch& arch, double value) override {
    const std::string id = space_.identity(arch);
    asked_.insert(id);
    if (!told_ids_.insert(id).second) return;  // a repeat adds nothing to the training set
    told_.push_back({arch, value});
  }

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_.assign(ranked, static_cast<std::size_t>(o_.n_init));
    return true;
  }

  bool uses_mutation() const override { return true; }

 private:
  bool is_new(const Arch& arch) const { return !asked_.count(space_.identity(arch)); }

  std::optional<Arch> propose() {
    ++asks_;
    if (std::optional<Arch> warm = warm_.next(space_, [&](const Arch& a) { return is_new(a); })) return warm;
    bool any_finite = false;
    for (const Told& t : told_) any_finite |= !std::isnan(t.value);
    if (asks_ <= o_.n_init || !any_finite) return sample_unseen(space_, rng_, asked_);
    while (!batch_.empty()) {
      Arch next = std::move(batch_.front());
      batch_.erase(batch_.begin());
      if (is_new(next)) return next;
    }
    batch_ = next_batch();
    if (batch_.empty()) return sample_unseen(space_, rng_, asked_);
    Arch next = std::move(batch_.front());
    batch_.erase(batch_.begin());
    return next;
  }

  const std::vector<float>& encoding(const Arch& arch) {
    const std::string id = space_.identity(arch);
    auto it = encodings_.find(id);
    if (it == encodings_.end()) {
      const std::optional<ArchGraph> g = space_.graph(arch);
      if (!g) throw Error("bananas: the space gave no graph for " + space_.to_string(arch));
      it = encodings_.emplace(id, path_encoding(*g, vocabulary_)).first;
    }
    return it->second;
  }

  /// The archs' path encodings, one row each.
  std::vector<float> encode(const std::vector<Arch>& archs) {
    std::vector<float> x;
    x.reserve(archs.size() * static_cast<std::size_t>(encoding_length_));
    for (const Arch& a : archs) {
      const std::vector<float>& e = encoding(a);
      x.insert(x.end(), e.begin(), e.end());
    }
    return x;
  }

  MlpEnsemble fit() {
    std::vector<Arch> archs;
    std::vector<double> raw;
    for (const Told& t : told_) archs.push_back(t.arch), raw.push_back(t.value);
    const std::vector<double> y = failures_as_worst(raw);
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    double var = 0;
    for (double v : y) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / static_cast<double>(y.size()));
    mean_ = mean, sd_ = sd > 0 ? sd : 1.0;
    std::vector<float> target;
    for (double v : y) target.push_back(static_cast<float>((v - mean_) / sd_));

    MlpShape shape;
    shape.members = o_.num_ensemble, shape.inputs = static_cast<int>(encoding_length_);
    shape.layers = o_.layers, shape.width = o_.width;
    MlpTraining training;
    training.epochs = o_.epochs, training.batch_size = o_.batch_size, training.lr = o_.lr;
    training.l1 = o_.regularization;  // NASLib's betas (0.9, 0.99) are MlpTraining's defaults
    MlpEnsemble net(shape, net_rng_);
    net.train(encode(archs), target, training, net_rng_);
    return net;
  }

  std::vector<Arch> candidates() {
    std::vector<std::size_t> order(told_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return better(told_[a].value, told_[b].value); });
    const std::size_t parents = std::min<std::size_t>(o_.parents, order.size());
    std::vector<Arch> out;
    IdentitySet ids = asked_;
    auto add = [&](Arch a) {
      if (ids.insert(space_.identity(a)).second) out.push_back(std::move(a));
    };
    const int per_parent = std::max(1, o_.num_candidates / static_cast<int>(parents) / o_.max_mutations);
    for (std::size_t p = 0; p < parents; ++p)
      for (int c = 0; c < per_parent; ++c) {
        Arch a = told_[order[p]].arch;
        for (int e = 0; e < o_.max_mutations; ++e) a = mutator_.mutate(a, rng_);
        add(std::move(a));
      }
    // Mutants already asked (or repeated) are replaced by random unseen archs.
    const std::size_t wanted = static_cast<std::size_t>(per_parent) * parents + o_.random_candidates;
    while (out.size() < wanted) {
      std::optional<Arch> a = sample_unseen(space_, rng_, ids);
      if (!a) break;
      add(std::move(*a));
    }
    return out;
  }

  std::vector<Arch> next_batch() {
    std::vector<Arch> cands = candidates();
    if (cands.empty()) return {};
    const MlpEnsemble net = fit();
    const std::vector<std::vector<float>> pred = net.predict(encode(cands));
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t c = 0; c < cands.size(); ++c) {
      // The ensemble's mean and (population) sd for this candidate.
      double m = 0, s = 0;
      for (const auto& member : pred) m += member[c];
      m /= static_cast<double>(pred.size());
      for (const auto& member : pred) s += (member[c] - m) * (member[c] - m);
      s = std::sqrt(s / static_cast<double>(pred.size()));
      const double acq = o_.acquisition == "its" ? m + s * standard_normal(rng_) : m + o_.explore_factor * s;
      scored.emplace_back(acq, c);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<Arch> batch;
    for (std::size_t i = 0; i < scored.size() && static_cast<int>(batch.size()) < o_.k; ++i)
      batch.push_back(cands[scored[i].second]);
    return batch;
  }

  const Options o_;
  const SearchSpace& space_;
  const Mutator& mutator_;
  Rng rng_;
  Rng net_rng_;  // the networks' initialisation and shuffles
  GraphVocabulary vocabulary_;
  int64_t encoding_length_ = 0;
  int asks_ = 0;
  std::vector<Told> told_;
  IdentitySet told_ids_, asked_;
  std::vector<Arch> batch_;
  std::unordered_map<std::string, std::vector<float>> encodings_;
  double mean_ = 0, sd_ = 1;
  WarmStartQueue warm_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "bananas", nas::strategies::Bananas, "1.0",
           "BANANAS (White et al. 2021): ensemble of 5 MLPs on the path encoding, Thompson sampling over mutants")
