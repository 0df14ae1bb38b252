#include "softedge/train/split_check.h"

#include <stdexcept>
#include <string>

namespace softedge {
namespace train {

void check_split(const host::Split& split, const char* what) {
  if (split.pixels.size() != size_t{split.count} * host::kImagePixels ||
      split.labels.size() != split.count) {
    throw std::invalid_argument(std::string(what) +
                                " split: pixels or labels do not match its count");
  }
  for (uint8_t label : split.labels) {
    if (label >= host::kNumClasses) {
      throw std::invalid_argument(std::string(what) + " split: label " + std::to_string(label) +
                                  " is not a class (0-9)");
    }
  }
}

void check_training_splits(const host::Split& train, const host::Split* test, uint32_t epochs,
                           uint32_t batch_size, uint32_t validation_size) {
  check_split(train, "training");
  if (test != nullptr) check_split(*test, "test");
  if (epochs == 0 || batch_size == 0) {
    throw std::invalid_argument("training needs at least one epoch and a batch size");
  }
  if (validation_size >= train.count) {
    throw std::invalid_argument("the validation split (" + std::to_string(validation_size) +
                                " rows) leaves no training rows out of " +
                                std::to_string(train.count));
  }
}

}  // namespace train
}  // namespace softedge
