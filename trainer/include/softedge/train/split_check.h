// softedge/train/split_check.h — the checks the trainers' entry points make of their splits.
#ifndef SOFTEDGE_TRAIN_SPLIT_CHECK_H
#define SOFTEDGE_TRAIN_SPLIT_CHECK_H

#include <cstdint>

#include "softedge/host/dataset.h"

namespace softedge {
namespace train {

// Throws std::invalid_argument ("<what> split: ...") when the pixels or labels do not match the
// split's count, or a label is not a class.
void check_split(const host::Split& split, const char* what);

// The checks every training run makes before it starts: both splits (test may be null), at
// least one epoch and a batch size, and a validation split that leaves training rows.
void check_training_splits(const host::Split& train, const host::Split* test, uint32_t epochs,
                           uint32_t batch_size, uint32_t validation_size);

}  // namespace train
}  // namespace softedge

#endif
