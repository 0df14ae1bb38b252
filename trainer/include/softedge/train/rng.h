// softedge/train/rng.h — a small deterministic random generator. The standard library's
// distributions and std::shuffle differ between implementations; these give the same stream
// everywhere.
#ifndef SOFTEDGE_TRAIN_RNG_H
#define SOFTEDGE_TRAIN_RNG_H

#include <cmath>
#include <cstdint>
#include <vector>

namespace softedge {
namespace train {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  // splitmix64: passes BigCrush, one multiply-xorshift chain per draw.
  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in [0, bound), without modulo bias (rejection).
  uint64_t next_below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t draw;
    do draw = next_u64(); while (draw >= limit);
    return draw % bound;
  }

  // Standard normal (Box-Muller; the second value of each pair is discarded for simplicity).
  double next_normal() {
    const double u1 = 1.0 - next_unit();  // (0, 1]: log is finite
    const double u2 = next_unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Fisher-Yates.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[next_below(i)]);
  }

 private:
  uint64_t state_;
};

}  // namespace train
}  // namespace softedge

#endif
