// Internal to libnasexpr: the operation table the parser, the evaluator
// and the GP operators share.
#pragma once
#include <string>
#include <vector>

#include "nas/proxy_expr.h"

namespace nas::expr::detail {

enum class Kind { Leaf, Unary, Binary, Reduce, Corr, Eig, Logdet, Across };

struct OpInfo {
  const char* name;
  Kind kind;
};

const std::vector<OpInfo>& op_table();
const OpInfo* find_op(const std::string& name);
std::size_t arity(Kind k);
std::vector<std::string> names_of(Kind k);
Type leaf_type(const std::string& leaf);


}  // namespace nas::expr::detail
