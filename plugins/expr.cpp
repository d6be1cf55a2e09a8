// expr: any proxy expression (nas/proxy_expr.h) as a proxy, e.g.
//   {"name": "expr", "expr": "sum_layers(norm(G))"}
// so an expression found by evolve_proxy, or written by hand, scores,
// correlates and drives a search like any other proxy, and travels as text.
#include "nas/plugin.h"
#include "nas/probes.h"
#include "nas/proxy_expr.h"

namespace {

class Expr : public nas::Proxy {
 public:
  struct Options : nas::OptionSet<Options> {
    NAS_OPTION(std::string, expr, nas::required,
               "the expression, e.g. \"sum_layers(norm(G))\" (README: proxy expressions)");
  };

  Expr(const Options& options, const nas::PluginContext&)
      : node_(nas::expr::parse(options.expr)), leaves_(nas::expr::leaves_of(node_)) {}
  nas::ProbeSet needs() const override { return nas::expr::needs(node_); }
  double score(nas::Probes& probes) override {
    return nas::expr::evaluate(node_, nas::expr::LeafSet::read(probes, leaves_));
  }

 private:
  nas::expr::Node node_;
  std::vector<std::string> leaves_;
};

}  // namespace

NAS_PLUGIN(proxy, "expr", Expr, "1.0", "a proxy written as an expression over probe tensors (evolve_proxy finds them)")
