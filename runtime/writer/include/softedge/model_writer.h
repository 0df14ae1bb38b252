// softedge/model_writer.h — build a .sedg model file in memory (host side: uses the heap).
// The byte layout is the runtime's own definition in softedge/format.h. This library is not
// part of the no-heap runtime core; the trainer, the tools and the tests use it.
#ifndef SOFTEDGE_MODEL_WRITER_H
#define SOFTEDGE_MODEL_WRITER_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/format.h"

namespace softedge {

struct FloatDenseLayer {
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  format::Activation activation = format::Activation::kNone;
  std::vector<float> weights;  // out x in, row-major
  std::vector<float> bias;     // out
};

struct FloatModelSpec {
  uint16_t input_height = 28;
  uint16_t input_width = 28;
  uint16_t input_channels = 1;
  float input_scale = 1.0f / 255.0f;  // feature = pixel * scale + bias
  float input_bias = 0.0f;
  std::vector<std::string> class_names;
  std::vector<FloatDenseLayer> layers;
};

// The complete file, CRC included. Throws std::invalid_argument on an inconsistent spec.
std::vector<uint8_t> encode_model(const FloatModelSpec& spec);

}  // namespace softedge

#endif
