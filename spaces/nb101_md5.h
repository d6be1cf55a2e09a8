// MD5 (RFC 1321), only because the official NAS-Bench-101 graph hash is
// built from md5 hex digests (nasbench graph_util.hash_module); it is not
// used for anything security-related. ~100 lines beat a new dependency.
#pragma once
#include <string>

namespace nb101 {

/// Lower-case 32-character hex MD5 digest of `data`.
std::string md5_hex(const std::string& data);

}  // namespace nb101
