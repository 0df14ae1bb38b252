#include "quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace softedge {
namespace train {
namespace {

constexpr float kMaxQuantized = 127.0f;

// Mean of every pixel position over the calibration images.
std::vector<double> mean_pixels(const Split& split, uint32_t pixels) {
  std::vector<double> mean(pixels, 0.0);
  for (uint32_t n = 0; n < split.count; ++n) {
    const uint8_t* image = &split.pixels[size_t{n} * pixels];
    for (uint32_t i = 0; i < pixels; ++i) mean[i] += image[i];
  }
  for (double& m : mean) m /= split.count;
  return mean;
}

}  // namespace

ModelSpec quantize_int8(const ModelSpec& float_model, const Split* calibration) {
  if (float_model.layers.empty() || float_model.layers[0].weight_type != format::DType::kFloat32) {
    throw std::invalid_argument("only a float32 model can be quantized");
  }
  ModelSpec model = float_model;
  const DenseLayerSpec& source = float_model.layers[0];
  const uint32_t in = source.in_features;
  const float input_scale = float_model.input_scale;
  if (!(input_scale > 0.0f)) throw std::invalid_argument("the input scale must be positive");
  if (calibration != nullptr && calibration->count > 0 &&
      calibration->pixels.size() != size_t{calibration->count} * in) {
    throw std::invalid_argument("calibration images do not match the model's input size");
  }
  const std::vector<double> mean = calibration != nullptr && calibration->count > 0
                                       ? mean_pixels(*calibration, in)
                                       : std::vector<double>();

  DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = source.out_features;
  layer.activation = source.activation;
  layer.weight_type = format::DType::kInt8;
  layer.weights_i8.resize(source.weights.size());
  // Keeps bias + in * 255 * 128 inside int32 (the loader's overflow rule).
  const double bias_limit = static_cast<double>(INT32_MAX) - static_cast<double>(in) * 255.0 * 128.0;
  for (uint32_t o = 0; o < source.out_features; ++o) {
    const float* w = &source.weights[size_t{o} * in];
    int8_t* q = &layer.weights_i8[size_t{o} * in];
    double bias = source.bias[o];
    double row_sum = 0.0;
    float largest = 0.0f;
    for (uint32_t i = 0; i < in; ++i) {
      row_sum += w[i];
      largest = std::max(largest, std::fabs(w[i]));
    }
    bias += double{float_model.input_bias} * row_sum;  // feature = s_in * pixel + c

    const float weight_scale = largest > 0.0f ? largest / kMaxQuantized : 1.0f;
    // Accumulator units: one unit is s_in * s_w in the float model's logit.
    const double unit = double{input_scale} * weight_scale;
    double rounding_shift = 0.0;  // sum_i mean_i * (w_i / s_w - q_i), in accumulator units
    for (uint32_t i = 0; i < in; ++i) {
      const float exact = w[i] / weight_scale;
      const float rounded = std::clamp(std::nearbyint(exact), -kMaxQuantized, kMaxQuantized);
      q[i] = static_cast<int8_t>(rounded);
      if (!mean.empty()) rounding_shift += mean[i] * (double{exact} - rounded);
    }
    const double bias_units = std::nearbyint(bias / unit + rounding_shift);
    if (!(std::fabs(bias_units) <= bias_limit)) {
      throw std::invalid_argument("output " + std::to_string(o) +
                                  ": its bias is too large for an int32 accumulator");
    }
    layer.bias_i32.push_back(static_cast<int32_t>(bias_units));
    layer.scales.push_back(static_cast<float>(unit));
  }
  model.input_bias = 0.0f;
  model.layers[0] = std::move(layer);
  return model;
}

}  // namespace train
}  // namespace softedge
