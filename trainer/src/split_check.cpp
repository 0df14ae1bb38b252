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

}  // namespace train
}  // namespace softedge
