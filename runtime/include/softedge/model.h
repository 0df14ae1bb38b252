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

// One layer of the stack (format.h, LayerKind). A dense layer computes out_features rows of
// in_features weights over its flat input. A convolution computes, at each output position of
// its NHWC output, out_shape.channels rows of kernel_size * kernel_size * in_shape.channels
// weights (OHWI: output channel, kernel row, kernel column, input channel) over the window
// of its zero-padded input. Pooling layers have no tensors: max or average of each channel
// over each window.
struct Layer {
  format::LayerKind kind;
  uint32_t in_features;   // shape_size(in_shape)
  uint32_t out_features;  // shape_size(out_shape)
  format::Shape in_shape;   // dense: the previous layer's (or the input's) shape
  format::Shape out_shape;  // dense: 1 x 1 x out_features
  uint32_t kernel_size;     // convolution and pooling; 0 for dense
  uint32_t stride;
  uint32_t padding;
  // Weight rows and their length: dense out_features x in_features; convolution
  // out_shape.channels x (kernel_size^2 * in_shape.channels); pooling 0 x 0.
  uint32_t rows;
  uint32_t row_length;
  format::Activation activation;
  format::DType weight_type;
  // Which tensors below the layer has and what it outputs (format.h, LayerMode); the pointers
  // of the other modes are null.
  format::LayerMode mode;
  // Where an int8 dense layer's weight sums are in Model::weight_sums: 0, nowhere (a zeroed
  // Layer has none); s > 0, row o's pair at weight_sums[2 * (s - 1 + o)]. In the padding
  // before the pointers: the struct's size is unchanged.
  uint8_t weight_sums_slot;
  // kFloat32: y[o] = bias[o] + sum_i weights[o * in + i] * x[i] (a convolution: per output
  // position, rows x row_length over the window).
  const float* weights;  // rows x row_length, row-major
  const float* bias;     // rows
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
// The name of the dense-only versions, kept for code written against them.
using DenseLayer = Layer;

// Rows of int8 dense layers whose weight sums a Model holds (Model::weight_sums).
constexpr uint32_t kWeightSumRows = 32;

struct Model {
  uint16_t version;
  // Set by load(): the first convolution or pooling layer, layer_count if there is none. A
  // dense-only model's calls then skip the walk over its layers (in the header's padding: the
  // struct's size is unchanged).
  uint8_t first_window_layer;
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
  Layer layers[format::kMaxLayers];
  uint32_t max_width;    // widest layer output, for scratch sizing
  const char* class_names;  // num_classes NUL-terminated names, back to back
  uint32_t class_names_size;
  // Set by load() where the kernels use them (the NEON sets, which shift the pixels into int8
  // and add the weights' share back): for each int8 dense layer, in order, whose rows still
  // fit, a pair per row: its bias plus 128 times W, the sum of its weights over its first
  // in_features / 16 * 16 inputs, and that minus H, the part of W at inputs i with
  // i % 16 >= 8 (KernelSet::dense_u8s8_i32_summed). Kept so that no call sums the weights
  // again (a second multiply per 16 weights) nor adds the bias. Zeros elsewhere.
  int32_t weight_sums[2 * kWeightSumRows];
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
