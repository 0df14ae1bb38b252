// softedge/host/model_writer.h — build a .sedg model file in memory (host side: uses the heap).
// The byte layout is the runtime's own definition in softedge/format.h. This library is not
// part of the no-heap runtime core; the trainer, the tools and the tests use it.
#ifndef SOFTEDGE_HOST_MODEL_WRITER_H
#define SOFTEDGE_HOST_MODEL_WRITER_H

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/format.h"
#include "softedge/model.h"

namespace softedge {
namespace host {

struct DenseLayerSpec {
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  format::Activation activation = format::Activation::kNone;
  format::DType weight_type = format::DType::kFloat32;
  // float32 layers:
  std::vector<float> weights;  // out x in, row-major
  std::vector<float> bias;     // out
  // int8 layers (format.h, namespace layer):
  std::vector<int8_t> weights_i8;  // out x in, row-major (the quantizer uses [-127, 127])
  std::vector<int32_t> bias_i32;   // out, in accumulator units
  float output_scale = 0.0f;       // 0: float outputs float(acc) * scales[o]
  std::vector<float> scales;       // out, > 0 (float outputs)
  std::vector<int32_t> requant;    // 2 * out: {m, shift} per output (uint8 outputs)
};

struct ModelSpec {
  uint16_t input_height = 28;
  uint16_t input_width = 28;
  uint16_t input_channels = 1;
  std::vector<uint8_t> input_lut;     // empty, or 256 bytes: lut(pixel) (format.h)
  float input_scale = 1.0f / 255.0f;  // feature = lut(pixel) * scale + bias
  float input_bias = 0.0f;
  std::vector<std::string> class_names;
  std::vector<DenseLayerSpec> layers;
};

// The complete file, CRC included, with the lowest format version that holds the layers.
// Throws std::invalid_argument on a spec the runtime's loader would reject.
std::vector<uint8_t> encode_model(const ModelSpec& spec);

// The spec of a loaded model (tensors copied out of the view): encode_model(spec_of(m))
// rebuilds an equivalent file.
ModelSpec spec_of(const Model& model);

}  // namespace host
}  // namespace softedge

#endif
