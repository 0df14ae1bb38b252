// conv_model_fixtures.h — small convolution and pooling models (format version 3) the loader,
// corruption and fuzz-corpus tests build for themselves, with the shapes written out by hand
// from the geometry (out = (in + 2 * padding - k) / stride + 1), not from the code under test.
#ifndef SOFTEDGE_TESTS_CONV_MODEL_FIXTURES_H
#define SOFTEDGE_TESTS_CONV_MODEL_FIXTURES_H

#include <cstdint>
#include <vector>

#include "model_fixtures.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"

namespace fixtures {

// A convolution of `in_channels` -> `out_channels` with a k x k window, OHWI float weights of
// magnitude about 0.3; `positions` is out height x out width.
inline softedge::host::LayerSpec conv_layer(uint32_t in_features, uint32_t in_channels,
                                            uint32_t out_channels, uint32_t positions,
                                            uint32_t k, uint32_t stride, uint32_t padding,
                                            uint32_t seed,
                                            softedge::format::Activation activation =
                                                softedge::format::Activation::kNone) {
  softedge::host::LayerSpec layer;
  layer.kind = softedge::format::LayerKind::kConv2d;
  layer.in_features = in_features;
  layer.out_features = out_channels * positions;
  layer.kernel_size = k;
  layer.stride = stride;
  layer.padding = padding;
  layer.activation = activation;
  Values values(seed);
  for (uint32_t i = 0; i < out_channels * k * k * in_channels; ++i) {
    layer.weights.push_back(values.next() * 0.3f);
  }
  for (uint32_t o = 0; o < out_channels; ++o) layer.bias.push_back(values.next() * 0.1f);
  return layer;
}

inline softedge::host::LayerSpec pool_layer(softedge::format::LayerKind kind,
                                            uint32_t in_features, uint32_t out_features,
                                            uint32_t k, uint32_t stride) {
  softedge::host::LayerSpec layer;
  layer.kind = kind;
  layer.in_features = in_features;
  layer.out_features = out_features;
  layer.kernel_size = k;
  layer.stride = stride;
  return layer;
}

// Float32, input 7 x 5 x 2 (not square, more than one channel, so height, width and channels
// cannot be confused):
//   0 conv 3x3 stride 2 pad 1, 2 -> 4, ReLU: 4 x 3 x 4 = 48   ((7+2-3)/2+1, (5+2-3)/2+1)
//   1 max pool 2 stride 1:                 3 x 2 x 4 = 24
//   2 conv 2x2 stride 1 pad 1, 4 -> 3, sigmoid: 4 x 3 x 3 = 36
//   3 average pool 2 stride 2:             2 x 1 x 3 = 6
//   4 dense 6 -> 3
inline softedge::host::ModelSpec float_conv_spec(uint32_t seed = 31) {
  using softedge::format::Activation;
  using softedge::format::LayerKind;
  softedge::host::ModelSpec spec;
  spec.input_height = 7;
  spec.input_width = 5;
  spec.input_channels = 2;
  spec.input_bias = -0.5f;
  spec.class_names = class_names(3);
  spec.layers.push_back(conv_layer(70, 2, 4, 4 * 3, 3, 2, 1, seed, Activation::kRelu));
  spec.layers.push_back(pool_layer(LayerKind::kMaxPool, 48, 24, 2, 1));
  spec.layers.push_back(conv_layer(24, 4, 3, 4 * 3, 2, 1, 1, seed + 1, Activation::kSigmoid));
  spec.layers.push_back(pool_layer(LayerKind::kAvgPool, 36, 6, 2, 2));
  spec.layers.push_back(dense_layer(6, 3, seed + 2, 0.5f));
  return spec;
}

// `layer` as an int8 layer with uint8 outputs (ReLU, output scale `output_scale`) or, when
// output_scale is 0, float outputs: weights in [-127, 127], small biases, valid pairs.
inline void make_int8(softedge::host::LayerSpec& layer, float output_scale, uint32_t seed) {
  using softedge::format::DType;
  const size_t rows = layer.bias.size();
  Values values(seed);
  layer.weight_type = DType::kInt8;
  layer.output_scale = output_scale;
  // The fixtures' float weights are below 0.5 in magnitude: int8 values within +-125.
  for (float w : layer.weights) layer.weights_i8.push_back(static_cast<int8_t>(w * 250.0f));
  for (size_t o = 0; o < rows; ++o) {
    layer.bias_i32.push_back(static_cast<int32_t>(values.next() * 3000.0f));
    if (output_scale != 0.0f) {
      layer.requant.push_back(static_cast<int32_t>((1u << 30) + (o + 1) * 12345u));
      layer.requant.push_back(static_cast<int32_t>(o % 3) - 1);
    } else {
      layer.scales.push_back(1e-4f * (1.0f + 0.25f * static_cast<float>(o)));
    }
  }
  layer.weights.clear();
  layer.bias.clear();
}

// int8 throughout, input 6 x 5 x 1 (input bias 0: the first layer reads the raw pixels):
//   0 conv 3x3 stride 1 pad 1, 1 -> 4, uint8 outputs: 6 x 5 x 4 = 120
//   1 max pool 2 stride 2, uint8:                      3 x 2 x 4 = 24
//   2 conv 2x2 stride 1 pad 1, 4 -> 2, uint8 outputs: 4 x 3 x 2 = 24
//   3 average pool 2 stride 2, uint8:                  2 x 1 x 2 = 4
//   4 dense 4 -> 3, int8 with float outputs
inline softedge::host::ModelSpec int8_conv_spec(uint32_t seed = 41) {
  using softedge::format::Activation;
  using softedge::format::DType;
  using softedge::format::LayerKind;
  const float scale0 = 0.05f, scale2 = 0.02f;
  softedge::host::ModelSpec spec;
  spec.input_height = 6;
  spec.input_width = 5;
  spec.input_channels = 1;
  spec.input_bias = 0.0f;
  spec.class_names = class_names(3);
  spec.layers.push_back(conv_layer(30, 1, 4, 6 * 5, 3, 1, 1, seed, Activation::kRelu));
  make_int8(spec.layers.back(), scale0, seed);
  spec.layers.push_back(pool_layer(LayerKind::kMaxPool, 120, 24, 2, 2));
  spec.layers.back().weight_type = DType::kInt8;
  spec.layers.back().output_scale = scale0;
  spec.layers.push_back(conv_layer(24, 4, 2, 4 * 3, 2, 1, 1, seed + 1, Activation::kRelu));
  make_int8(spec.layers.back(), scale2, seed + 1);
  spec.layers.push_back(pool_layer(LayerKind::kAvgPool, 24, 4, 2, 2));
  spec.layers.back().weight_type = DType::kInt8;
  spec.layers.back().output_scale = scale2;
  spec.layers.push_back(dense_layer(4, 3, seed + 2, 0.5f));
  make_int8(spec.layers.back(), 0.0f, seed + 2);
  return spec;
}

// The shape of `softedge-train --arch cnn` on 28 x 28 x 1 pixels (fixture weights), float32 or
// int8 throughout as the quantizer makes it:
//   0 conv 3x3 pad 1, 1 -> 16, ReLU: 28 x 28 x 16     1 max pool 2 stride 2: 14 x 14 x 16
//   2 conv 3x3 pad 1, 16 -> 32, ReLU: 14 x 14 x 32    3 max pool 2 stride 2: 7 x 7 x 32 = 1568
//   4 dense 1568 -> 128, ReLU                         5 dense 128 -> 10
inline softedge::host::ModelSpec default_cnn_spec(bool int8, uint32_t seed = 51) {
  using softedge::format::Activation;
  using softedge::format::DType;
  using softedge::format::LayerKind;
  softedge::host::ModelSpec spec;
  spec.input_height = 28;
  spec.input_width = 28;
  spec.input_channels = 1;
  spec.input_bias = 0.0f;
  spec.class_names = class_names(10);
  spec.layers.push_back(conv_layer(784, 1, 16, 28 * 28, 3, 1, 1, seed, Activation::kRelu));
  spec.layers.push_back(pool_layer(LayerKind::kMaxPool, 28 * 28 * 16, 14 * 14 * 16, 2, 2));
  spec.layers.push_back(
      conv_layer(14 * 14 * 16, 16, 32, 14 * 14, 3, 1, 1, seed + 1, Activation::kRelu));
  spec.layers.push_back(pool_layer(LayerKind::kMaxPool, 14 * 14 * 32, 1568, 2, 2));
  spec.layers.push_back(dense_layer(1568, 128, seed + 2, 0.05f));
  spec.layers.back().activation = Activation::kRelu;
  spec.layers.push_back(dense_layer(128, 10, seed + 3, 0.2f));
  if (!int8) return spec;
  const float scales[] = {0.05f, 0.05f, 0.04f, 0.04f, 0.03f, 0.0f};
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    softedge::host::LayerSpec& layer = spec.layers[l];
    if (layer.kind == LayerKind::kMaxPool) {
      layer.weight_type = DType::kInt8;
      layer.output_scale = scales[l];
    } else {
      make_int8(layer, scales[l], seed + static_cast<uint32_t>(l));
    }
  }
  return spec;
}

}  // namespace fixtures

#endif
