// softedge/train/model_spec.h — trained dense layers as a Fashion-MNIST model file spec, for
// both training loops.
#ifndef SOFTEDGE_TRAIN_MODEL_SPEC_H
#define SOFTEDGE_TRAIN_MODEL_SPEC_H

#include <vector>

#include "softedge/host/model_writer.h"
#include "softedge/train/dense_params.h"

namespace softedge {
namespace train {

// feature = pixel * kPixelScale: the lesson's ToTensor() scaling, stored in the model file
// so the runtime takes raw pixels.
constexpr float kPixelScale = 1.0f / 255.0f;

// A Fashion-MNIST model spec without layers: 28x28x1 input, pixels/255, the class names.
host::ModelSpec fashion_mnist_spec();

// fashion_mnist_spec() with `layers` as float32 dense layers, ReLU after every layer but the
// last. Layer 0 acts on pixels/255 (or on the spec's lookup table, when the caller adds one).
host::ModelSpec make_model_spec(const std::vector<DenseParams>& layers);

}  // namespace train
}  // namespace softedge

#endif
