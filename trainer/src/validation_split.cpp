#include "softedge/train/validation_split.h"

#include <algorithm>
#include <numeric>

#include "softedge/train/rng.h"

namespace softedge {
namespace train {
namespace {

// The validation split's generator is seeded apart from the one that initializes and shuffles.
constexpr uint64_t kValidationSeedSalt = 0x76616c6964617465ull;  // "validate"

}  // namespace

std::vector<uint32_t> validation_rows(uint32_t train_count, uint32_t size, uint64_t seed) {
  size = std::min(size, train_count);
  std::vector<uint32_t> order(train_count);
  std::iota(order.begin(), order.end(), 0u);
  Rng rng(seed ^ kValidationSeedSalt);
  // A partial Fisher-Yates: the first `size` positions are a uniform random subset.
  for (uint32_t i = 0; i < size; ++i) {
    std::swap(order[i], order[i + rng.next_below(train_count - i)]);
  }
  order.resize(size);
  std::sort(order.begin(), order.end());
  return order;
}

std::vector<uint32_t> rows_except(uint32_t train_count, const std::vector<uint32_t>& held_out) {
  std::vector<uint32_t> rows;
  rows.reserve(train_count - held_out.size());
  for (uint32_t r = 0, h = 0; r < train_count; ++r) {
    if (h < held_out.size() && held_out[h] == r) {
      ++h;
    } else {
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace train
}  // namespace softedge
