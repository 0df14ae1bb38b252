#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "softedge/host/evaluation.h"
#include "softedge/host/quantize.h"
#include "softedge/train/rng.h"
#include "softedge/train/training.h"

namespace host = softedge::host;

using namespace softedge::train;

namespace {

// A float 784 -> 10 model with weights of varied magnitude per output row.
host::ModelSpec float_model(uint64_t seed) {
  Rng rng(seed);
  DenseParams params = init_linear(host::kImagePixels, host::kNumClasses, 0.01f, rng);
  for (uint32_t o = 0; o < host::kNumClasses; ++o) {
    for (uint32_t i = 0; i < host::kImagePixels; ++i)
      params.weights[o * host::kImagePixels + i] *= 1.0f + o;
    params.bias[o] = static_cast<float>(rng.next_normal() * 0.1);
  }
  return make_model_spec({params});
}

host::Split random_images(uint32_t count, uint64_t seed) {
  Rng rng(seed);
  host::Split split;
  split.count = count;
  for (size_t i = 0; i < size_t{count} * host::kImagePixels; ++i) {
    // Mostly dark with bright strokes, like clothing photos: a mean far from zero.
    split.pixels.push_back(rng.next_unit() < 0.5 ? 0 : static_cast<uint8_t>(rng.next_below(256)));
  }
  for (uint32_t n = 0; n < count; ++n) split.labels.push_back(static_cast<uint8_t>(n % 10));
  return split;
}

// Float logits of the spec's first layer on one image (double precision).
double float_logit(const host::ModelSpec& spec, const uint8_t* pixels, uint32_t o) {
  const host::DenseLayerSpec& layer = spec.layers[0];
  double sum = layer.bias[o];
  for (uint32_t i = 0; i < layer.in_features; ++i) {
    sum += layer.weights[o * layer.in_features + i] *
           (double{spec.input_scale} * pixels[i] + spec.input_bias);
  }
  return sum;
}

double int8_logit(const host::ModelSpec& spec, const uint8_t* pixels, uint32_t o) {
  const host::DenseLayerSpec& layer = spec.layers[0];
  int64_t acc = layer.bias_i32[o];
  for (uint32_t i = 0; i < layer.in_features; ++i)
    acc += int64_t{pixels[i]} * layer.weights_i8[o * layer.in_features + i];
  return static_cast<double>(static_cast<float>(acc) * layer.scales[o]);
}

}  // namespace

TEST_CASE("weights are symmetric per output channel, within half a step of the float weights") {
  const host::ModelSpec source = float_model(1);
  const host::ModelSpec q = host::quantize_int8(source, nullptr);
  const host::DenseLayerSpec& layer = q.layers[0];
  REQUIRE(layer.weight_type == softedge::format::DType::kInt8);
  CHECK(q.input_bias == 0.0f);
  for (uint32_t o = 0; o < host::kNumClasses; ++o) {
    const float* w = &source.layers[0].weights[o * host::kImagePixels];
    const float largest = std::fabs(*std::max_element(
        w, w + host::kImagePixels, [](float a, float b) { return std::fabs(a) < std::fabs(b); }));
    const double weight_scale = layer.scales[o] / double{source.input_scale};
    CHECK(weight_scale == doctest::Approx(largest / 127.0).epsilon(1e-6));
    int max_q = 0;
    for (uint32_t i = 0; i < host::kImagePixels; ++i) {
      const int8_t qi = layer.weights_i8[o * host::kImagePixels + i];
      max_q = std::max(max_q, std::abs(int{qi}));
      CHECK(std::fabs(qi * weight_scale - w[i]) <= 0.5 * weight_scale * (1 + 1e-6));
    }
    CHECK(max_q == 127);  // the largest weight maps to the end of the range
  }
}

TEST_CASE("an input bias is folded into the int8 bias") {
  host::ModelSpec source = float_model(2);
  source.input_bias = -0.25f;  // feature = pixel / 255 - 0.25
  const host::ModelSpec q = host::quantize_int8(source, nullptr);
  const host::Split images = random_images(20, 3);
  for (uint32_t n = 0; n < images.count; ++n) {
    const uint8_t* pixels = &images.pixels[n * host::kImagePixels];
    for (uint32_t o = 0; o < host::kNumClasses; ++o) {
      const double exact = float_logit(source, pixels, o);
      // Rounding 784 weights by up to half a step each bounds the error.
      const double step = q.layers[0].scales[o] * 255.0 * host::kImagePixels * 0.5;
      CHECK(std::fabs(int8_logit(q, pixels, o) - exact) <= step);
      CHECK(std::fabs(int8_logit(q, pixels, o) - exact) <= 0.05);
    }
  }
}

TEST_CASE("calibration removes the mean logit error on the calibration images") {
  const host::ModelSpec source = float_model(4);
  const host::Split images = random_images(300, 5);
  const host::ModelSpec plain = host::quantize_int8(source, nullptr);
  const host::ModelSpec calibrated = host::quantize_int8(source, &images);
  for (uint32_t o = 0; o < host::kNumClasses; ++o) {
    double plain_error = 0.0, calibrated_error = 0.0;
    for (uint32_t n = 0; n < images.count; ++n) {
      const uint8_t* pixels = &images.pixels[n * host::kImagePixels];
      const double exact = float_logit(source, pixels, o);
      plain_error += int8_logit(plain, pixels, o) - exact;
      calibrated_error += int8_logit(calibrated, pixels, o) - exact;
    }
    plain_error /= images.count;
    calibrated_error /= images.count;
    INFO("output " << o << ": mean error " << plain_error << " -> " << calibrated_error);
    // What is left is the bias's own rounding: at most half an accumulator unit.
    CHECK(std::fabs(calibrated_error) <= 0.5 * calibrated.layers[0].scales[o] + 1e-6);
    CHECK(std::fabs(calibrated_error) <= std::fabs(plain_error) + 1e-9);
  }
}

TEST_CASE("the quantized model runs in the runtime and agrees with the float model") {
  const host::ModelSpec source = float_model(6);
  const host::Split images = random_images(400, 7);
  const std::vector<uint8_t> float_file = host::encode_model(source);
  const std::vector<uint8_t> int8_file = host::encode_model(host::quantize_int8(source, &images));
  CHECK(int8_file.size() <= 8500);
  CHECK(int8_file.size() * 3 < float_file.size());
  const host::Int8Comparison c = host::compare_int8(float_file, int8_file, images);
  CHECK(c.agreement >= 0.97);
  CHECK(std::fabs(c.int8_accuracy - c.float_accuracy) <= 0.03);
}

TEST_CASE("an int8 model cannot be quantized again") {
  const host::ModelSpec q = host::quantize_int8(float_model(8), nullptr);
  CHECK_THROWS_AS(host::quantize_int8(q, nullptr), std::invalid_argument);
}

TEST_CASE("a network with hidden layers quantizes to int8 all the way and agrees with float") {
  Rng rng(11);
  host::ModelSpec source = float_model(12);
  const DenseParams hidden = init_linear(host::kImagePixels, 32, 0.05f, rng);
  const DenseParams last = init_linear(32, host::kNumClasses, 0.3f, rng);
  source.layers[0].out_features = 32;
  source.layers[0].activation = softedge::format::Activation::kRelu;
  source.layers[0].weights.assign(hidden.weights.begin(), hidden.weights.end());
  source.layers[0].bias.assign(32, 0.05f);
  host::DenseLayerSpec output;
  output.in_features = 32;
  output.out_features = host::kNumClasses;
  output.weights.assign(last.weights.begin(), last.weights.end());
  output.bias.assign(host::kNumClasses, 0.0f);
  source.layers.push_back(output);

  const host::Split images = random_images(300, 13);
  CHECK_THROWS_AS(host::quantize_int8(source, nullptr), std::invalid_argument);  // ranges unknown
  const host::ModelSpec q = host::quantize_int8(source, &images);
  REQUIRE(q.layers.size() == 2);
  CHECK(q.layers[0].weight_type == softedge::format::DType::kInt8);
  CHECK(host::layer_mode(q.layers[0]) == softedge::format::LayerMode::kInt8Uint8Output);
  CHECK(q.layers[0].output_scale > 0.0f);
  CHECK(q.layers[0].requant.size() == 64);
  CHECK(q.layers[0].scales.empty());
  CHECK(host::layer_mode(q.layers[1]) == softedge::format::LayerMode::kInt8FloatOutput);
  CHECK(q.layers[1].output_scale == 0.0f);
  CHECK(q.layers[1].scales.size() == host::kNumClasses);
  CHECK(q.layers[1].requant.empty());
  const host::Int8Comparison c =
      host::compare_int8(host::encode_model(source), host::encode_model(q), images);
  CHECK(c.agreement >= 0.95);
}

TEST_CASE("requantization pairs represent the multiplier to 31 bits") {
  for (double multiplier : {1e-6, 0.001234, 0.5, 0.75, 0.9999999, 1.0, 3.5}) {
    int32_t m = 0, shift = 0;
    host::requant_pair(multiplier, &m, &shift);
    CHECK(m >= (1 << 30));
    CHECK(std::ldexp(static_cast<double>(m), -(31 + shift)) ==
          doctest::Approx(multiplier).epsilon(1e-9));
  }
  int32_t m, shift;
  CHECK_THROWS_AS(host::requant_pair(0.0, &m, &shift), std::invalid_argument);
  CHECK_THROWS_AS(host::requant_pair(1e12, &m, &shift), std::invalid_argument);
}

TEST_CASE("calibrated weight rounding lowers the logit error spread on other images") {
  // Rounding each weight to nearest ignores that the errors of correlated inputs add up;
  // the calibrated rounding (weight_rounding.h) minimises the spread over the inputs.
  // Neighbouring pixels here are strongly correlated (blocks of 4 equal pixels).
  const host::ModelSpec source = float_model(8);
  auto blocky = [](uint32_t count, uint64_t seed) {
    host::Split split = random_images(count, seed);
    for (size_t i = 0; i < split.pixels.size(); ++i) split.pixels[i] = split.pixels[i - i % 4];
    return split;
  };
  const host::Split calibration = blocky(2000, 9), test = blocky(300, 10);
  const host::ModelSpec plain = host::quantize_int8(source, nullptr);
  const host::ModelSpec calibrated = host::quantize_int8(source, &calibration);
  for (uint32_t o = 0; o < host::kNumClasses; ++o) {
    double spread[2] = {0.0, 0.0};
    const host::ModelSpec* models[2] = {&plain, &calibrated};
    for (int m = 0; m < 2; ++m) {
      double sum = 0.0, squares = 0.0;
      for (uint32_t n = 0; n < test.count; ++n) {
        const uint8_t* pixels = &test.pixels[n * host::kImagePixels];
        const double e = int8_logit(*models[m], pixels, o) - float_logit(source, pixels, o);
        sum += e;
        squares += e * e;
      }
      spread[m] = std::sqrt(squares / test.count - (sum / test.count) * (sum / test.count));
    }
    INFO("output " << o << ": error spread " << spread[0] << " -> " << spread[1]);
    CHECK(spread[1] < 0.7 * spread[0]);
  }
}
