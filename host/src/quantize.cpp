#include "softedge/host/quantize.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "softedge/host/float_forward.h"
#include "softedge/host/weight_rounding.h"

namespace softedge {
namespace host {
namespace {

using format::LayerKind;

// Rows longer than this get nearest rounding: the covariance (row_length^2 doubles) and its
// accumulation would cost more than calibration should (e.g. a dense layer on 7x7x64).
constexpr uint32_t kMaxCovarianceInputs = 1024;
// A convolution's covariance is sampled: every kPatchSampling-th output position.
constexpr uint32_t kPatchSampling = 8;
// Sums of products are gathered in float over this many samples, then added into double:
// uint8 pixel products stay exact integers that way (64 * 255^2 < 2^24).
constexpr uint32_t kFlushSamples = 64;

bool is_pool(LayerKind kind) { return kind == LayerKind::kMaxPool || kind == LayerKind::kAvgPool; }

// Which layers become int8, and which of those pass uint8 on (quantize.h: the prefix rule).
struct Plan {
  std::vector<bool> uint8_output;
  size_t int8_layers = 0;  // layers [0, int8_layers) are int8
};

Plan plan_layers(const ModelSpec& model) {
  const size_t layers = model.layers.size();
  Plan plan{std::vector<bool>(layers, false), 0};
  bool uint8_input = true;  // the (remapped) pixels
  for (size_t l = 0; l < layers && uint8_input; ++l) {
    const LayerSpec& layer = model.layers[l];
    const bool last = l + 1 == layers;
    if (is_pool(layer.kind)) {
      if (l == 0 || last) break;  // a pool works on a layer's uint8 outputs, and passes them on
      plan.uint8_output[l] = true;
    } else {
      plan.uint8_output[l] = !last && layer.activation == format::Activation::kRelu;
      uint8_input = plan.uint8_output[l];
    }
    plan.int8_layers = l + 1;
  }
  return plan;
}

// What calibration measures of an int8 dense or conv layer's weight-row inputs (a dense
// layer's input vector, a convolution's zero-padded windows) and of its outputs.
struct LayerStats {
  std::vector<double> mean_input;  // per row element, in the int8 layer's input units
  std::vector<double> covariance;  // row_length^2, or empty (no weight rounding search)
  float max_output = 0.0f;         // largest activation after ReLU (uint8 outputs)
  // Accumulation state.
  uint64_t mean_count = 0, product_count = 0;
  std::vector<double> products;     // sum of x x^T
  std::vector<double> product_sum;  // sum of x over the same samples (conv: a subset)
  std::vector<float> recent;        // the same over the last < kFlushSamples samples
  uint32_t recent_count = 0;

  void add_products(const float* x, uint32_t n) {
    for (uint32_t a = 0; a < n; ++a) product_sum[a] += x[a];
    for (uint32_t a = 0; a < n; ++a) {
      if (x[a] == 0.0f) continue;  // pixels and ReLU outputs: often 0
      float* row = &recent[size_t{a} * n];
      for (uint32_t b = 0; b < n; ++b) row[b] += x[a] * x[b];
    }
    ++product_count;
    if (++recent_count == kFlushSamples) flush();
  }
  void flush() {
    for (size_t i = 0; i < recent.size(); ++i) products[i] += recent[i];
    std::fill(recent.begin(), recent.end(), 0.0f);
    recent_count = 0;
  }
};

uint32_t row_length(const LayerSpec& layer, format::Shape in) {
  return layer.kind == LayerKind::kConv2d ? layer.kernel_size * layer.kernel_size * in.channels
                                          : layer.in_features;
}

// The input of an int8 layer as that layer's rows see it: accumulate means and products.
void measure_input(const LayerSpec& layer, format::Shape in, format::Shape out, const float* input,
                   uint32_t image, LayerStats* stats) {
  const uint32_t n = row_length(layer, in);
  const bool products = !stats->products.empty();
  if (layer.kind == LayerKind::kDense) {
    for (uint32_t i = 0; i < n; ++i) stats->mean_input[i] += input[i];
    ++stats->mean_count;
    if (products) stats->add_products(input, n);
    return;
  }
  std::vector<float> patch(n);
  const uint32_t positions = out.height * out.width;
  for (uint32_t p = 0; p < positions; ++p) {
    gather_patch(input, in, layer.kernel_size, layer.stride, layer.padding, p / out.width,
                 p % out.width, patch.data());
    for (uint32_t i = 0; i < n; ++i) stats->mean_input[i] += patch[i];
    ++stats->mean_count;
    if (products && (p + image) % kPatchSampling == 0) stats->add_products(patch.data(), n);
  }
}

// Runs the float model up to the last int8 layer on the first calibration images and
// measures each int8 layer's input: remapped pixels for the first layer (the padding of a
// first convolution then reads pixel 0), float activations for the others (in_units()
// converts them once the ranges, and so the uint8 steps, are known).
std::vector<LayerStats> calibrate(const ModelSpec& model, const Plan& plan,
                                  const std::vector<format::Shape>& shapes, const Split& images) {
  const uint32_t count = calibration_count(model, images.count);
  const uint32_t pixels = model.layers[0].in_features;
  std::vector<LayerStats> stats(plan.int8_layers);
  for (size_t l = 0; l < plan.int8_layers; ++l) {
    const LayerSpec& layer = model.layers[l];
    if (is_pool(layer.kind)) continue;
    const uint32_t n = row_length(layer, shapes[l]);
    stats[l].mean_input.assign(n, 0.0);
    if (n <= kMaxCovarianceInputs) {
      stats[l].products.assign(size_t{n} * n, 0.0);
      stats[l].product_sum.assign(n, 0.0);
      stats[l].recent.assign(size_t{n} * n, 0.0f);
    }
  }
  std::vector<std::vector<float>> acts(plan.int8_layers + 1);
  for (size_t l = 0; l <= plan.int8_layers; ++l) acts[l].resize(format::shape_size(shapes[l]));
  std::vector<float> lut_pixels(pixels);
  for (uint32_t image = 0; image < count; ++image) {
    const uint8_t* raw = &images.pixels[size_t{image} * pixels];
    for (uint32_t i = 0; i < pixels; ++i) {
      const uint8_t value = model.input_lut.empty() ? raw[i] : model.input_lut[raw[i]];
      lut_pixels[i] = value;
      acts[0][i] = value * model.input_scale + model.input_bias;
    }
    for (size_t l = 0; l < plan.int8_layers; ++l) {
      const LayerSpec& layer = model.layers[l];
      forward_layer(layer, shapes[l], shapes[l + 1], acts[l].data(), acts[l + 1].data());
      if (is_pool(layer.kind)) continue;
      measure_input(layer, shapes[l], shapes[l + 1], l == 0 ? lut_pixels.data() : acts[l].data(),
                    image, &stats[l]);
      if (plan.uint8_output[l]) {
        for (float v : acts[l + 1]) stats[l].max_output = std::max(stats[l].max_output, v);
      }
    }
  }
  return stats;
}

// Means and covariance of one layer's inputs in the units its int8 form reads: a value v
// is the uint8 v / step (the requantization's rounding, step^2 / 12 of variance, left out).
void in_units(double step, LayerStats* s) {
  if (s->mean_input.empty()) return;
  const double count = static_cast<double>(std::max<uint64_t>(s->mean_count, 1));
  for (double& m : s->mean_input) m /= count * step;
  if (s->products.empty() || s->product_count == 0) return;
  s->flush();
  const size_t n = s->mean_input.size();
  s->covariance.resize(n * n);
  const double samples = static_cast<double>(s->product_count);
  std::vector<double> mean(n);  // of the sampled rows, so the covariance stays positive
  for (size_t a = 0; a < n; ++a) mean[a] = s->product_sum[a] / (samples * step);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      s->covariance[a * n + b] =
          s->products[a * n + b] / (samples * step * step) - mean[a] * mean[b];
    }
  }
  s->products = {};
  s->recent = {};
}

// One dense or conv layer to int8 (rows x row_length weights): weights, bias in accumulator
// units with the mean rounding error taken out, and, by the layer's mode, float output
// scales (output_scale 0) or requantization to `output_scale`.
LayerSpec quantize_layer(const LayerSpec& source, uint32_t n, double input_bias, float input_scale,
                         const LayerStats& stats, float output_scale) {
  const uint32_t rows = static_cast<uint32_t>(source.bias.size());
  LayerSpec layer = source;
  layer.weights.clear();
  layer.bias.clear();
  layer.weight_type = format::DType::kInt8;
  layer.output_scale = output_scale;
  layer.weights_i8.resize(source.weights.size());
  // Keeps |bias| + n * 255 * 128 inside int32 (the loader's overflow rule, format.h).
  const double bias_limit =
      static_cast<double>(INT32_MAX) - static_cast<double>(n) * format::kMaxInt8Product;
  std::unique_ptr<RowRounder> rounder;
  if (!stats.covariance.empty()) rounder = std::make_unique<RowRounder>(stats.covariance.data(), n);
  for (uint32_t o = 0; o < rows; ++o) {
    const float* w = &source.weights[size_t{o} * n];
    int8_t* q = &layer.weights_i8[size_t{o} * n];
    double row_sum = 0.0;
    for (uint32_t i = 0; i < n; ++i) row_sum += w[i];
    // feature = s_in * x + c. (A first convolution's zero padding is feature 0, not c: with
    // padding and c != 0 the border outputs are off by c times the weights outside.)
    const double bias = source.bias[o] + input_bias * row_sum;
    const float weight_scale = rounder ? rounder->round(w, q) : nearest_row(w, n, q);
    const double unit = double{input_scale} * weight_scale;  // one accumulator unit
    double rounding_shift = 0.0;  // sum_i mean_i * (w_i / s_w - q_i), in accumulator units
    for (uint32_t i = 0; i < stats.mean_input.size(); ++i) {
      rounding_shift += stats.mean_input[i] * (double{w[i]} / weight_scale - q[i]);
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

uint32_t calibration_count(const ModelSpec& model, uint32_t available) {
  const bool conv = std::any_of(model.layers.begin(), model.layers.end(),
                                [](const LayerSpec& l) { return l.kind != LayerKind::kDense; });
  return std::min(available, conv ? kConvCalibrationImages : kCalibrationImages);
}

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
  for (const LayerSpec& layer : float_model.layers) {
    if (layer.weight_type != format::DType::kFloat32) {
      throw std::invalid_argument("only a float32 model can be quantized");
    }
  }
  if (float_model.layers.empty() || !(float_model.input_scale > 0.0f)) {
    throw std::invalid_argument("the model needs layers and a positive input scale");
  }
  const std::vector<format::Shape> shapes = layer_shapes(float_model);
  const Plan plan = plan_layers(float_model);
  if (plan.int8_layers == 0) {
    throw std::invalid_argument("the first layer must be dense or a convolution to be int8");
  }
  const bool calibrated = calibration != nullptr && calibration->count > 0;
  if (calibrated && calibration->pixels.size() !=
                        size_t{calibration->count} * float_model.layers[0].in_features) {
    throw std::invalid_argument("calibration images do not match the model's input size");
  }
  if (!calibrated && plan.int8_layers > 1) {
    throw std::invalid_argument("hidden layers need calibration images for their ranges");
  }
  std::vector<LayerStats> stats(plan.int8_layers);
  if (calibrated) {
    stats = calibrate(float_model, plan, shapes, *calibration);
    double step = 1.0;  // the first layer reads pixels: units already right
    for (size_t l = 0; l < plan.int8_layers; ++l) {
      in_units(step, &stats[l]);
      if (!is_pool(float_model.layers[l].kind))
        step = std::max(stats[l].max_output, 1e-6f) / 255.0f;
    }
  }
  ModelSpec model = float_model;
  model.input_bias = 0.0f;
  double input_bias = float_model.input_bias;
  float input_scale = float_model.input_scale;
  for (size_t l = 0; l < plan.int8_layers; ++l) {
    const LayerSpec& source = float_model.layers[l];
    if (is_pool(source.kind)) {  // uint8 in, uint8 out, at the step of the layer before
      model.layers[l].weight_type = format::DType::kInt8;
      model.layers[l].output_scale = input_scale;
      continue;
    }
    // A layer whose activations never rise above 0 still needs a positive scale.
    const float output_scale =
        plan.uint8_output[l] ? std::max(stats[l].max_output, 1e-6f) / 255.0f : 0.0f;
    model.layers[l] = quantize_layer(source, row_length(source, shapes[l]), input_bias, input_scale,
                                     stats[l], output_scale);
    input_bias = 0.0;
    input_scale = output_scale;
  }
  return model;
}

}  // namespace host
}  // namespace softedge
