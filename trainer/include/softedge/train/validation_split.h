// softedge/train/validation_split.h — the rows of the training split the network trainer holds
// out to choose its epoch (never the test split).
#ifndef SOFTEDGE_TRAIN_VALIDATION_SPLIT_H
#define SOFTEDGE_TRAIN_VALIDATION_SPLIT_H

#include <cstdint>
#include <vector>

namespace softedge {
namespace train {

// min(size, train_count) rows of [0, train_count), sorted: a uniform random subset, the same for
// the same seed (drawn apart from the generator that initializes and shuffles).
std::vector<uint32_t> validation_rows(uint32_t train_count, uint32_t size, uint64_t seed);

// The rows of [0, train_count) that are not in `held_out` (sorted), in order.
std::vector<uint32_t> rows_except(uint32_t train_count, const std::vector<uint32_t>& held_out);

}  // namespace train
}  // namespace softedge

#endif
