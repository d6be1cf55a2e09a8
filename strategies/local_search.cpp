// Local search (White et al. 2020, "Local Search is State of the Art for
// Neural Architecture Search Benchmarks"): first-improvement hill climbing
// over one-edit neighbours, restarting when stuck.
//
//  1. Start from a random unseen arch and evaluate it.
//  2. Evaluate its neighbours (SearchSpace::neighbours) in random order. As
//     soon as one beats the current arch (NaN is worst), move to it and go
//     to 2 with its neighbours.
//  3. When every neighbour is done without improvement (a local optimum),
//     restart at 1.
//
// No arch is asked twice: a neighbour evaluated earlier (e.g. the arch the
// climb came from) is compared by its known value without a query. ask()
// returns nullopt when no unseen arch is left to restart from.
//
// Warm start: restart points are taken from the ranked archs in proxy order
// (the first climb starts at the best one), then random ones. A ranked arch
// already evaluated becomes the current arch at its known value.
//
// It assumes, as the core does, that each ask() is told before the next one;
// other tells are remembered (their values are reused) but do not move the
// climb. It never mutates: neighbours are enumerated, so move proposal does
// not apply (uses_mutation() is false).
#include <deque>
#include <unordered_map>

#include "nas/plugin.h"
#include "strategy_common.h"

namespace nas::strategies {
namespace {

class LocalSearch : public Strategy {
 public:
  explicit LocalSearch(const PluginContext& ctx) : space_(require_space(ctx, "local_search")), rng_(ctx.seed) {}

  std::optional<Arch> ask() override {
    for (;;) {
      if (!current_) {
        std::optional<Arch> start = next_start();
        if (!start) return std::nullopt;
        std::string id = space_.identity(*start);
        if (auto known = evaluated_.find(id); known != evaluated_.end())
          climb_from(std::move(*start), known->second);
        else
          return propose(std::move(*start), std::move(id));
        continue;
      }
      if (untried_neighbours_.empty()) {  // a local optimum: restart
        current_.reset();
        continue;
      }
      Arch neighbour = std::move(untried_neighbours_.front());
      untried_neighbours_.pop_front();
      std::string id = space_.identity(neighbour);
      if (auto known = evaluated_.find(id); known != evaluated_.end()) {
        if (better(known->second, current_->value)) climb_from(std::move(neighbour), known->second);
        continue;
      }
      if (proposed_.count(id)) continue;  // asked but not told yet
      return propose(std::move(neighbour), std::move(id));
    }
  }

  void tell(const Arch& arch, double value) override {
    std::string id = space_.identity(arch);
    evaluated_[id] = value;
    proposed_.insert(id);
    if (id != awaited_) return;
    awaited_.reset();
    // The awaited arch is either a start (no current arch) or a neighbour.
    if (!current_ || better(value, current_->value)) climb_from(arch, value);
  }

  bool warm_start(const std::vector<Arch>& ranked) override {
    warm_starts_.assign(ranked);
    return true;
  }

 private:
  struct Point {
    Arch arch;
    double value;
  };

  std::optional<Arch> next_start() {
    if (std::optional<Arch> warm = warm_starts_.next(space_)) return warm;
    return sample_unseen(space_, rng_, proposed_);
  }

  Arch propose(Arch arch, std::string id) {
    proposed_.insert(id);
    awaited_ = std::move(id);
    return arch;
  }

  void climb_from(Arch arch, double value) {
    std::vector<Arch> neighbours = space_.neighbours(arch);
    rng_.shuffle(neighbours);
    untried_neighbours_.assign(std::make_move_iterator(neighbours.begin()),
                               std::make_move_iterator(neighbours.end()));
    current_ = Point{std::move(arch), value};
  }

  const SearchSpace& space_;
  Rng rng_;
  std::optional<Point> current_;  // the arch being climbed from; none before a (re)start
  std::deque<Arch> untried_neighbours_;
  std::optional<std::string> awaited_;  // identity of the last asked arch, until told
  std::unordered_map<std::string, double> evaluated_;
  IdentitySet proposed_;  // evaluated or asked
  WarmStartQueue warm_starts_;
};

}  // namespace
}  // namespace nas::strategies

NAS_PLUGIN(strategy, "local_search", nas::strategies::LocalSearch, "1.0",
           "first-improvement hill climbing over one-edit neighbours, random restarts (White et al. 2020)")
