// softedge/train/split_check.h — the check the network trainer's entry points make of a split.
#ifndef SOFTEDGE_TRAIN_SPLIT_CHECK_H
#define SOFTEDGE_TRAIN_SPLIT_CHECK_H

#include "softedge/host/dataset.h"

namespace softedge {
namespace train {

// Throws std::invalid_argument ("<what> split: ...") when the pixels or labels do not match the
// split's count, or a label is not a class.
void check_split(const host::Split& split, const char* what);

}  // namespace train
}  // namespace softedge

#endif
