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

// A layer (format.h, LayerKind; softedge/model.h, Layer). Its mode (format.h, LayerMode)
// follows from weight_type and output_scale as in the file (layer_mode() below); the vectors
// of the other modes stay empty. in_features and out_features are always the flat sizes of
// the input and output tensors; a convolution's output channels are
// out_features / (out height x out width), its weights OHWI rows of
// kernel_size^2 x input channels. Pooling layers have no tensors; in an int8 chain they take
// weight_type kInt8 and the output_scale of the layer before them.
struct LayerSpec {
  format::LayerKind kind = format::LayerKind::kDense;
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  uint32_t kernel_size = 0;  // convolution and pooling
  uint32_t stride = 0;
  uint32_t padding = 0;
  format::Activation activation = format::Activation::kNone;
  format::DType weight_type = format::DType::kFloat32;
  // kFloat32:
  std::vector<float> weights;  // out x in, row-major
  std::vector<float> bias;     // out
  // int8 modes (format.h, namespace layer):
  std::vector<int8_t> weights_i8;  // out x in, row-major (the quantizer uses [-127, 127])
  std::vector<int32_t> bias_i32;   // out, in accumulator units
  float output_scale = 0.0f;       // int8: 0 for float outputs, > 0 for uint8 outputs
  std::vector<float> scales;       // kInt8FloatOutput: out, > 0
  std::vector<int32_t> requant;    // kInt8Uint8Output: 2 * out, {m, shift} per output
};
using DenseLayerSpec = LayerSpec;  // the dense-only name

// The layer's mode, derived as the loader derives it from the file (format::layer_mode).
format::LayerMode layer_mode(const LayerSpec& layer);

struct ModelSpec {
  uint16_t input_height = 28;
  uint16_t input_width = 28;
  uint16_t input_channels = 1;
  std::vector<uint8_t> input_lut;     // empty, or 256 bytes: lut(pixel) (format.h)
  float input_scale = 1.0f / 255.0f;  // feature = lut(pixel) * scale + bias
  float input_bias = 0.0f;
  std::vector<std::string> class_names;
  std::vector<LayerSpec> layers;
};

// The complete file, CRC included, with the lowest format version that holds the layers.
// Throws std::invalid_argument when the spec cannot be encoded (a tensor whose size does not
// match its layer's shape and mode, a weight type other than float32 or int8, counts beyond
// the format's fields) or when the runtime's loader rejects the result (its status message,
// with the layers listed).
std::vector<uint8_t> encode_model(const ModelSpec& spec);

// The spec of a loaded model (tensors copied out of the view): encode_model(spec_of(m))
// rebuilds an equivalent file.
ModelSpec spec_of(const Model& model);

}  // namespace host
}  // namespace softedge

#endif
