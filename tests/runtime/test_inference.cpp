#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

namespace host = softedge::host;

using softedge::Status;

namespace {

// Straight from the spec in double precision: preprocessing, dense layers, ReLU, softmax.
std::vector<double> reference_probabilities(const host::ModelSpec& spec,
                                            const std::vector<uint8_t>& pixels) {
  std::vector<double> x;
  for (uint8_t p : pixels) x.push_back(static_cast<double>(p) * spec.input_scale + spec.input_bias);
  for (const host::DenseLayerSpec& layer : spec.layers) {
    std::vector<double> y(layer.out_features);
    for (uint32_t o = 0; o < layer.out_features; ++o) {
      double sum = layer.bias[o];
      for (uint32_t i = 0; i < layer.in_features; ++i)
        sum += layer.weights[size_t{o} * layer.in_features + i] * x[i];
      y[o] = layer.activation == softedge::format::Activation::kRelu ? std::max(sum, 0.0) : sum;
    }
    x = y;
  }
  double total = 0.0;
  for (double v : x) total += std::exp(v);
  for (double& v : x) v = std::exp(v) / total;
  return x;
}

}  // namespace

TEST_CASE("infer_u8 gives the reference probabilities on every kernel set" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::mnist_linear_spec(11);
  spec.layers[0] = fixtures::dense_layer(784, 10, 11, 0.05f);
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  const std::vector<uint8_t> pixels = fixtures::pixels(784, 5);
  const std::vector<double> expected = reference_probabilities(spec, pixels);
  uint32_t expected_top = 0;
  for (uint32_t c = 0; c < 10; ++c) if (expected[c] > expected[expected_top]) expected_top = c;

  fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
    std::vector<float> probabilities(10);
    softedge::Prediction prediction{};
    REQUIRE(softedge::infer_u8(m.model, pixels.data(), pixels.size(), probabilities.data(), 10,
                               m.scratch.data(), m.scratch.size(), &prediction) == Status::kOk);
    for (uint32_t c = 0; c < 10; ++c)
      CHECK(probabilities[c] == doctest::Approx(expected[c]).epsilon(1e-4));
    CHECK(prediction.top_class == expected_top);
    CHECK(prediction.top_probability == probabilities[expected_top]);
  });
}

TEST_CASE("a two-layer ReLU model runs through scratch and matches the reference" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::linear_spec(6, 6, 4);
  spec.input_bias = -0.5f;
  spec.layers.clear();
  spec.layers.push_back(
      fixtures::dense_layer(36, 23, 3, 0.3f, softedge::format::Activation::kRelu));
  spec.layers.push_back(fixtures::dense_layer(23, 4, 4, 0.3f));
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  const std::vector<uint8_t> pixels = fixtures::pixels(36, 9);
  const std::vector<double> expected = reference_probabilities(spec, pixels);
  std::vector<float> probabilities(4);
  REQUIRE(softedge::infer_u8(m.model, pixels.data(), 36, probabilities.data(), 4, m.scratch.data(),
                             m.scratch.size(), nullptr) == Status::kOk);
  for (uint32_t c = 0; c < 4; ++c)
    CHECK(probabilities[c] == doctest::Approx(expected[c]).epsilon(1e-4));
}

TEST_CASE("the batch call equals one call per image" * fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_linear_spec(2));
  REQUIRE(m.status == Status::kOk);
  const size_t images = 7;
  const std::vector<uint8_t> pixels = fixtures::pixels(784 * images, 3);
  std::vector<float> batch_probabilities(10 * images);
  std::vector<uint32_t> batch_classes(images), classes_only(images);
  REQUIRE(softedge::infer_batch_u8(m.model, pixels.data(), images, batch_probabilities.data(),
                                   batch_classes.data(), m.scratch.data(),
                                   m.scratch.size()) == Status::kOk);
  REQUIRE(softedge::infer_batch_u8(m.model, pixels.data(), images, nullptr, classes_only.data(),
                                   m.scratch.data(), m.scratch.size()) == Status::kOk);
  CHECK(classes_only == batch_classes);
  for (size_t n = 0; n < images; ++n) {
    std::vector<float> single(10);
    softedge::Prediction prediction{};
    REQUIRE(softedge::infer_u8(m.model, pixels.data() + 784 * n, 784, single.data(), 10,
                               m.scratch.data(), m.scratch.size(), &prediction) == Status::kOk);
    CHECK(prediction.top_class == batch_classes[n]);
    for (size_t c = 0; c < 10; ++c) CHECK(single[c] == batch_probabilities[10 * n + c]);
  }
}

TEST_CASE("inference checks sizes, scratch and the model" * fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_linear_spec());
  REQUIRE(m.status == Status::kOk);
  const std::vector<uint8_t> pixels(784, 100);
  std::vector<float> probabilities(10);
  CHECK(softedge::infer_u8(m.model, pixels.data(), 783, probabilities.data(), 10, m.scratch.data(),
                           m.scratch.size(), nullptr) == Status::kSizeMismatch);
  CHECK(softedge::infer_u8(m.model, pixels.data(), 784, probabilities.data(), 9, m.scratch.data(),
                           m.scratch.size(), nullptr) == Status::kSizeMismatch);
  CHECK(softedge::infer_u8(m.model, pixels.data(), 784, probabilities.data(), 10, m.scratch.data(),
                           m.scratch.size() - 1, nullptr) == Status::kScratchTooSmall);
  CHECK(softedge::infer_u8(m.model, nullptr, 784, probabilities.data(), 10, m.scratch.data(),
                           m.scratch.size(), nullptr) == Status::kNullArgument);
  softedge::Model unloaded{};
  CHECK(softedge::infer_u8(unloaded, pixels.data(), 784, probabilities.data(), 10, m.scratch.data(),
                           m.scratch.size(), nullptr) == Status::kNullArgument);
  // Scratch at any alignment works: the runtime aligns inside the buffer it was given.
  std::vector<uint8_t> odd(m.scratch.size() + 1);
  CHECK(softedge::infer_u8(m.model, pixels.data(), 784, probabilities.data(), 10, odd.data() + 1,
                           m.scratch.size(), nullptr) == Status::kOk);
}

TEST_CASE("NaN or infinite float input gives kNonFiniteLogits and zero probabilities" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_linear_spec());
  REQUIRE(m.status == Status::kOk);
  for (float bad :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<float> features(784, 0.5f);
    features[400] = bad;
    std::vector<float> probabilities(10, 0.5f);
    softedge::Prediction prediction{7, 0.5f};
    CHECK(softedge::infer_f32(m.model, features.data(), 784, probabilities.data(), 10,
                              m.scratch.data(), m.scratch.size(),
                              &prediction) == Status::kNonFiniteLogits);
    for (float p : probabilities) CHECK(p == 0.0f);
    CHECK(prediction.top_class == 0);
  }
  // Huge but finite features that overflow the dot product are reported the same way.
  std::vector<float> huge(784, 3e38f);
  std::vector<float> probabilities(10);
  CHECK(softedge::infer_f32(m.model, huge.data(), 784, probabilities.data(), 10, m.scratch.data(),
                            m.scratch.size(), nullptr) == Status::kNonFiniteLogits);
}
