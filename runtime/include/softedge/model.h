// softedge/model.h — validate a model file held in memory and view it without copying.
//
//   softedge::Model model;
//   softedge::Status s = softedge::load(bytes, size, &model);   // bytes stay owned by you
//
// load() checks every field (magic, version, sizes, dimension products, offsets, alignment,
// overlap, CRC, finite weights) before anything else reads the data: no byte sequence makes
// it read outside [bytes, bytes + size). The Model points into `bytes`, which must outlive
// it and be 4-byte aligned. Model is a fixed-size value: no allocation anywhere.
#ifndef SOFTEDGE_MODEL_H
#define SOFTEDGE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/format.h"
#include "softedge/status.h"

namespace softedge {

struct DenseLayer {
  uint32_t in_features;
  uint32_t out_features;
  format::Activation activation;
  format::DType weight_type;
  // Which tensors below the layer has and what it outputs (format.h, LayerMode); the pointers
  // of the other modes are null.
  format::LayerMode mode;
  // kFloat32: y[o] = bias[o] + sum_i weights[o * in + i] * x[i].
  const float* weights;  // out_features x in_features, row-major
  const float* bias;     // out_features
  // int8 modes: acc[o] = bias_i32[o] + sum_i x[i] * weights_i8[o * in + i], exact in int32,
  // x the uint8 inputs (format.h, namespace layer).
  const int8_t* weights_i8;
  const int32_t* bias_i32;
  // kInt8FloatOutput: output[o] = float(acc[o]) * scales[o].
  const float* scales;
  // kInt8Uint8Output: uint8 outputs of real value q * output_scale (0 in the other modes),
  // requantized with requant[2o] = m, requant[2o + 1] = shift.
  float output_scale;
  const int32_t* requant;
};

struct Model {
  uint16_t version;
  uint32_t file_size;
  uint32_t crc32;
  uint16_t input_height;
  uint16_t input_width;
  uint16_t input_channels;
  uint32_t input_size;   // height * width * channels
  uint32_t num_classes;
  const uint8_t* input_lut;  // null, or 256 bytes: pixels are remapped first (format.h)
  float input_scale;     // feature = lut(pixel) * input_scale + input_bias
  float input_bias;
  uint32_t layer_count;
  DenseLayer layers[format::kMaxLayers];
  uint32_t max_width;    // widest layer output, for scratch sizing
  const char* class_names;  // num_classes NUL-terminated names, back to back
  uint32_t class_names_size;
};

Status load(const uint8_t* data, size_t size, Model* model);

// Whether this build runs layers of `mode`. A build can leave modes out (the CMake list
// SOFTEDGE_LAYER_MODES; default: all); load() refuses a model with a layer of a mode left out
// (Status::kLayerModeUnavailable), and kernel set members only such modes call are null.
bool layer_mode_compiled(format::LayerMode mode);

// The name of class `index`, or "" when index is out of range.
const char* class_name(const Model& model, uint32_t index);

}  // namespace softedge

#endif  // SOFTEDGE_MODEL_H
