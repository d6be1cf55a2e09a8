#include "path_encoding.h"

#include <algorithm>

#include "nas/errors.h"

namespace nas {

namespace {

int64_t power(int64_t base, int exponent) {
  int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= base;
  return p;
}

}  // namespace

int64_t path_encoding_length(const GraphVocabulary& vocabulary) {
  const int64_t k = static_cast<int64_t>(vocabulary.operations.size());
  int64_t per_input = 0;
  for (int len = 0; len <= vocabulary.longest_path; ++len) per_input += power(k, len);
  return static_cast<int64_t>(vocabulary.inputs.size()) * per_input;
}

int64_t path_column(const ArchGraph& graph, const GraphVocabulary& vocabulary, const std::vector<int>& path) {
  const auto& ops = vocabulary.operations;
  const int64_t k = static_cast<int64_t>(ops.size());
  const int64_t per_input = path_encoding_length(vocabulary) / static_cast<int64_t>(vocabulary.inputs.size());
  const auto input = std::find(vocabulary.inputs.begin(), vocabulary.inputs.end(), graph.labels.at(path.front()));
  if (input == vocabulary.inputs.end())
    throw Error("a graph path starts at '" + graph.labels.at(path.front()) + "', which is not an input label");
  const int len = static_cast<int>(path.size()) - 2;  // operations between the input and the output
  int64_t column = (input - vocabulary.inputs.begin()) * per_input;
  for (int l = 0; l < len; ++l) column += power(k, l);
  for (int j = 0; j < len; ++j) {
    const std::string& label = graph.labels.at(path[j + 1]);
    const auto op = std::find(ops.begin(), ops.end(), label);
    if (op == ops.end()) throw Error("a graph path passes '" + label + "', which is not an operation label");
    column += (op - ops.begin()) * power(k, j);
  }
  return column;
}

std::vector<float> path_encoding(const ArchGraph& graph, const GraphVocabulary& vocabulary) {
  std::vector<float> out(static_cast<std::size_t>(path_encoding_length(vocabulary)), 0.f);
  for (const auto& path : input_output_paths(graph, vocabulary))
    out[static_cast<std::size_t>(path_column(graph, vocabulary, path))] = 1.f;
  return out;
}

}  // namespace nas
