#include "softedge/host/quantize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/kernels.h"

namespace softedge {
namespace host {
namespace {

constexpr float kMaxQuantized = 127.0f;

// What calibration measures of each layer's inputs and (hidden layers) outputs.
struct LayerStats {
  std::vector<double> mean_input;  // per input, in the layer's uint8 input units
  float max_output = 0.0f;         // largest activation after ReLU
};

// Runs the float model on up to kCalibrationImages images. Inputs are measured in the units
// the int8 model will see them in: remapped pixels for the first layer, activations divided
// by the scale they will be requantized with for the others (measured in a first pass).
std::vector<LayerStats> calibrate(const ModelSpec& model, const Split& images) {
  const uint32_t count = std::min(images.count, kCalibrationImages);
  const uint32_t pixels = model.layers[0].in_features;
  const size_t layers = model.layers.size();
  std::vector<LayerStats> stats(layers);
  for (size_t l = 0; l < layers; ++l) stats[l].mean_input.assign(model.layers[l].in_features, 0.0);
  const KernelSet& kernels = active_kernels();
  std::vector<float> features(pixels);
  std::vector<std::vector<float>> outputs(layers);
  for (size_t l = 0; l < layers; ++l) outputs[l].resize(model.layers[l].out_features);
  for (int pass = 0; pass < 2; ++pass) {  // 1: output ranges; 2: input means in uint8 units
    for (uint32_t n = 0; n < count; ++n) {
      const uint8_t* image = &images.pixels[size_t{n} * pixels];
      for (uint32_t i = 0; i < pixels; ++i) {
        const uint8_t value = model.input_lut.empty() ? image[i] : model.input_lut[image[i]];
        features[i] = value * model.input_scale + model.input_bias;
        if (pass == 1) stats[0].mean_input[i] += value;
      }
      const float* input = features.data();
      for (size_t l = 0; l < layers; ++l) {
        const DenseLayerSpec& layer = model.layers[l];
        float* out = outputs[l].data();
        kernels.dense_f32(input, layer.weights.data(), layer.bias.data(), layer.in_features,
                          layer.out_features, out);
        if (l + 1 == layers) break;
        const float step = stats[l].max_output / 255.0f;
        for (uint32_t o = 0; o < layer.out_features; ++o) {
          out[o] = std::max(out[o], 0.0f);
          if (pass == 0) stats[l].max_output = std::max(stats[l].max_output, out[o]);
          if (pass == 1 && step > 0) {
            stats[l + 1].mean_input[o] += std::min(std::nearbyint(out[o] / step), 255.0f);
          }
        }
        input = out;
      }
    }
  }
  for (LayerStats& s : stats) {
    for (double& m : s.mean_input) m /= count;
  }
  return stats;
}

// One dense layer to int8: weights, bias in accumulator units with the rounding shift taken
// out, and, by the layer's mode, float output scales (output_scale 0) or requantization to
// `output_scale`.
DenseLayerSpec quantize_layer(const DenseLayerSpec& source, double input_bias, float input_scale,
                              const std::vector<double>& mean_input, float output_scale) {
  const uint32_t in = source.in_features;
  DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = source.out_features;
  layer.activation = source.activation;
  layer.weight_type = format::DType::kInt8;
  layer.output_scale = output_scale;
  layer.weights_i8.resize(source.weights.size());
  // Keeps |bias| + in * 255 * 128 inside int32 (the loader's overflow rule, format.h).
  const double bias_limit =
      static_cast<double>(INT32_MAX) - static_cast<double>(in) * format::kMaxInt8Product;
  for (uint32_t o = 0; o < source.out_features; ++o) {
    const float* w = &source.weights[size_t{o} * in];
    int8_t* q = &layer.weights_i8[size_t{o} * in];
    double row_sum = 0.0;
    float largest = 0.0f;
    for (uint32_t i = 0; i < in; ++i) {
      row_sum += w[i];
      largest = std::max(largest, std::fabs(w[i]));
    }
    const double bias = source.bias[o] + input_bias * row_sum;  // feature = s_in * x + c
    const float weight_scale = largest > 0.0f ? largest / kMaxQuantized : 1.0f;
    const double unit = double{input_scale} * weight_scale;  // one accumulator unit
    double rounding_shift = 0.0;  // sum_i mean_i * (w_i / s_w - q_i), in accumulator units
    for (uint32_t i = 0; i < in; ++i) {
      const float exact = w[i] / weight_scale;
      const float rounded = std::clamp(std::nearbyint(exact), -kMaxQuantized, kMaxQuantized);
      q[i] = static_cast<int8_t>(rounded);
      if (!mean_input.empty()) rounding_shift += mean_input[i] * (double{exact} - rounded);
    }
    const double bias_units = std::nearbyint(bias / unit + rounding_shift);
    if (!(std::fabs(bias_units) <= bias_limit)) {
      throw std::invalid_argument("output " + std::to_string(o) +
                                  ": its bias is too large for an int32 accumulator");
    }
    layer.bias_i32.push_back(static_cast<int32_t>(bias_units));
    switch (layer_mode(layer)) {
      case format::LayerMode::kInt8FloatOutput:
        layer.scales.push_back(static_cast<float>(unit));
        break;
      case format::LayerMode::kInt8Uint8Output: {
        int32_t m, shift;
        requant_pair(unit / output_scale, &m, &shift);
        layer.requant.push_back(m);
        layer.requant.push_back(shift);
        break;
      }
      case format::LayerMode::kFloat32:
        break;  // not reached: the layer is int8
    }
  }
  return layer;
}

}  // namespace

void requant_pair(double multiplier, int32_t* m, int32_t* shift) {
  int exponent = 0;
  const double fraction = std::frexp(multiplier, &exponent);  // multiplier = f * 2^e, f in [0.5, 1)
  int64_t mantissa = static_cast<int64_t>(std::llround(fraction * 2147483648.0));
  if (mantissa == (int64_t{1} << 31)) {  // rounded up to 1.0
    mantissa >>= 1;
    ++exponent;
  }
  if (!(multiplier > 0.0) ||
      !format::valid_requant_pair(static_cast<int32_t>(mantissa), -exponent)) {
    throw std::invalid_argument("requantization multiplier out of range");
  }
  *m = static_cast<int32_t>(mantissa);
  *shift = -exponent;  // multiplier = m * 2^(e - 31) = m * 2^-(31 + shift)
}

ModelSpec quantize_int8(const ModelSpec& float_model, const Split* calibration) {
  for (const DenseLayerSpec& layer : float_model.layers) {
    if (layer.weight_type != format::DType::kFloat32) {
      throw std::invalid_argument("only a float32 model can be quantized");
    }
  }
  if (float_model.layers.empty() || !(float_model.input_scale > 0.0f)) {
    throw std::invalid_argument("the model needs layers and a positive input scale");
  }
  const bool calibrated = calibration != nullptr && calibration->count > 0;
  if (calibrated && calibration->pixels.size() !=
                        size_t{calibration->count} * float_model.layers[0].in_features) {
    throw std::invalid_argument("calibration images do not match the model's input size");
  }
  if (!calibrated && float_model.layers.size() > 1) {
    throw std::invalid_argument("hidden layers need calibration images for their ranges");
  }
  for (size_t l = 0; l + 1 < float_model.layers.size(); ++l) {
    if (float_model.layers[l].activation != format::Activation::kRelu) {
      throw std::invalid_argument("hidden layers must use ReLU (uint8 activations are >= 0)");
    }
  }
  const std::vector<LayerStats> stats = calibrated ? calibrate(float_model, *calibration)
                                                   : std::vector<LayerStats>(1);
  ModelSpec model = float_model;
  model.input_bias = 0.0f;
  double input_bias = float_model.input_bias;
  float input_scale = float_model.input_scale;
  for (size_t l = 0; l < float_model.layers.size(); ++l) {
    const bool last = l + 1 == float_model.layers.size();
    // A layer whose activations never rise above 0 still needs a positive scale.
    const float output_scale =
        last ? 0.0f : std::max(stats[l].max_output, 1e-6f) / 255.0f;
    model.layers[l] = quantize_layer(float_model.layers[l], input_bias, input_scale,
                                     stats[l].mean_input, output_scale);
    input_bias = 0.0;
    input_scale = output_scale;
  }
  return model;
}

}  // namespace host
}  // namespace softedge
