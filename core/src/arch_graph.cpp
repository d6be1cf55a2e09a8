// Checks and walks a space's graph view (nas/arch_graph.h), the same for
// every space.
#include "nas/arch_graph.h"

#include <algorithm>

#include "nas/errors.h"

namespace nas {

namespace {

enum class Role { input, operation, output, unknown };

Role role_of(const GraphVocabulary& v, const std::string& label) {
  auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), label) != list.end();
  };
  if (in(v.inputs)) return Role::input;
  if (in(v.operations)) return Role::operation;
  if (in(v.outputs)) return Role::output;
  return Role::unknown;
}

}  // namespace

std::vector<std::string> GraphVocabulary::all_labels() const {
  std::vector<std::string> out = inputs;
  out.insert(out.end(), operations.begin(), operations.end());
  out.insert(out.end(), outputs.begin(), outputs.end());
  return out;
}

int GraphVocabulary::label_index(const std::string& label) const {
  const auto all = all_labels();
  const auto it = std::find(all.begin(), all.end(), label);
  return it == all.end() ? -1 : static_cast<int>(it - all.begin());
}

std::string graph_invalid_reason(const ArchGraph& graph, const GraphVocabulary& vocabulary) {
  const int n = static_cast<int>(graph.labels.size());
  if (n > vocabulary.max_nodes)
    return std::to_string(n) + " nodes, more than the vocabulary's max_nodes " + std::to_string(vocabulary.max_nodes);
  for (const auto& label : graph.labels)
    if (role_of(vocabulary, label) == Role::unknown) return "node label '" + label + "' is not in the vocabulary";
  for (const auto& [from, to] : graph.edges) {
    const std::string e = "edge " + std::to_string(from) + "->" + std::to_string(to);
    if (from < 0 || to >= n || from >= to) return e + " does not go forward between nodes 0.." + std::to_string(n - 1);
    if (role_of(vocabulary, graph.labels[to]) == Role::input) return e + " enters an input";
    if (role_of(vocabulary, graph.labels[from]) == Role::output) return e + " leaves an output";
  }
  std::vector<std::pair<int, int>> sorted = graph.edges;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return "an edge is listed twice";
  return "";
}

std::vector<std::vector<int>> input_output_paths(const ArchGraph& graph, const GraphVocabulary& vocabulary) {
  const int n = static_cast<int>(graph.labels.size());
  std::vector<Role> roles;
  for (const auto& label : graph.labels) roles.push_back(role_of(vocabulary, label));
  std::vector<std::vector<int>> successors(n);
  for (const auto& [from, to] : graph.edges) successors[from].push_back(to);
  for (auto& s : successors) std::sort(s.begin(), s.end());

  std::vector<std::vector<int>> paths;
  std::vector<int> path;
  // Depth-first; the graphs are cells (tens of nodes), so paths are few.
  auto walk = [&](auto&& self, int node) -> void {
    path.push_back(node);
    if (roles[node] == Role::output) {
      if (static_cast<int>(path.size()) - 2 > vocabulary.longest_path)
        throw Error("a graph path holds " + std::to_string(path.size() - 2) +
                    " operations, more than the space's longest_path " + std::to_string(vocabulary.longest_path));
      paths.push_back(path);
    } else {
      for (int next : successors[node]) self(self, next);
    }
    path.pop_back();
  };
  for (int v = 0; v < n; ++v)
    if (roles[v] == Role::input) walk(walk, v);
  return paths;
}

}  // namespace nas
