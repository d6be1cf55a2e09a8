// BANANAS's path encoding of an arch's graph view (nas/arch_graph.h): the
// predictor strategies' input, the same for every space that has a graph.
#pragma once
#include <cstdint>
#include <vector>

#include "nas/arch_graph.h"

namespace nas {

/// BANANAS's path encoding (White et al., AAAI 2021): one column per possible
/// input->output path, i.e. per (input label, sequence of 0..longest_path
/// operation labels), 1 where the arch has that path. Length
/// inputs * (1 + K + ... + K^longest_path), K operations. Columns are laid
/// out as NASLib's: per input, by path length, then the sequence as a base-K
/// number with the first operation least significant (NB201: NASLib's 155
/// columns after one for the empty path, which never occurs there; NB101:
/// NASLib's 364; DARTS: NASLib's 4 x 2801).
int64_t path_encoding_length(const GraphVocabulary& vocabulary);
std::vector<float> path_encoding(const ArchGraph& graph, const GraphVocabulary& vocabulary);

/// The column of one path (nodes as input_output_paths gives them).
int64_t path_column(const ArchGraph& graph, const GraphVocabulary& vocabulary, const std::vector<int>& path);

}  // namespace nas
