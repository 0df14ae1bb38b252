// softedge/host/evaluation.h — classify a split through the runtime, the code path devices run.
#ifndef SOFTEDGE_HOST_EVALUATION_H
#define SOFTEDGE_HOST_EVALUATION_H

#include <cstdint>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/model.h"

namespace softedge {
namespace host {

// The runtime's top class for every image of `split`. Throws std::runtime_error if inference
// fails (it cannot for raw pixels of a loaded model, unless the logits overflow).
std::vector<uint32_t> predict_classes(const Model& model, const Split& split);

// Share of `predicted` equal to the split's labels.
double accuracy(const std::vector<uint32_t>& predicted, const Split& split);

// Share of positions where two predictions agree.
double agreement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// A model file loaded by the runtime and classifying `split`. Throws std::runtime_error when
// the runtime rejects the file.
std::vector<uint32_t> predict_classes(const std::vector<uint8_t>& model_file, const Split& split);

// How an int8 model compares with the float model it was made from, on one split.
struct Int8Comparison {
  double float_accuracy = 0.0;
  double int8_accuracy = 0.0;
  double agreement = 0.0;  // share of images where both pick the same class
};
Int8Comparison compare_int8(const std::vector<uint8_t>& float_file,
                            const std::vector<uint8_t>& int8_file, const Split& split);

}  // namespace host
}  // namespace softedge

#endif
