// A small counter-based random generator: the same (seed, index, purpose)
// gives the same numbers on every platform and standard library, which is
// what makes a stone and a shot reproducible from their identifiers alone.
#pragma once

#include <cmath>
#include <cstdint>

namespace diareid::sim {

// Mixes 64 bits thoroughly (SplitMix64's finaliser).
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Combines several keys into one seed.
inline uint64_t SeedOf(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0) {
  return Mix64(Mix64(Mix64(Mix64(a) ^ b) ^ c) ^ d);
}

// Uniform and normal numbers from a SplitMix64 stream.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, 1).
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform in [-half_width, half_width).
  double Symmetric(double half_width) {
    return Uniform(-half_width, half_width);
  }
  // Normal with mean 0 and the given standard deviation (Box-Muller).
  double Normal(double sigma) {
    double u = 1.0 - Uniform();
    double v = Uniform();
    return sigma * std::sqrt(-2.0 * std::log(u)) *
           std::cos(6.283185307179586 * v);
  }
  // Integer in [lo, hi].
  int Integer(int lo, int hi) {
    return lo + static_cast<int>(Uniform() * (hi - lo + 1));
  }

 private:
  uint64_t state_;
};

}  // namespace diareid::sim
