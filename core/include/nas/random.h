// The one random generator every component uses. It is defined bit for bit
// here (splitmix64 seeding a xoshiro256**; unbiased bounded integers by
// rejection), unlike std::uniform_int_distribution, so a seed gives the same
// run with any compiler or standard library.
#pragma once
#include <cstdint>
#include <vector>

namespace nas {

/// splitmix64 step: also used to derive independent sub-seeds.
inline uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// A seed for a named sub-stream (e.g. repeat k of strategy "tpe").
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ (stream * 0xd1b54a32d192ed03ull));
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) {
    for (int i = 0; i < 4; ++i) s_[i] = splitmix64(seed + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ull);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n), n > 0, without modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = (~uint64_t{0}) - (~uint64_t{0}) % n;
    uint64_t r;
    do r = next();
    while (r >= limit);
    return r % n;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace nas
