// test_non_finite_inputs.cpp — NaN and infinity on the way in or on the way through, on every
// kernel set: the documented behaviour (docs/RUNTIME.md, "NaN/Inf") is Status
// kNonFiniteLogits, every probability 0, top class 0 with probability 0. Where a ReLU turns an
// infinite value into a number (max(-Inf, 0) = 0), the result is the arithmetic's, and
// defined.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/format.h"
#include "softedge/inference.h"
#include "softedge/model.h"

namespace host = softedge::host;

using softedge::Status;
namespace fmt = softedge::format;

namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// The documented failure result: status, zeros, class 0 with probability 0.
void check_non_finite(Status status, const std::vector<float>& probabilities,
                      const softedge::Prediction& prediction) {
  CHECK(status == Status::kNonFiniteLogits);
  for (float p : probabilities) CHECK(p == 0.0f);
  CHECK(prediction.top_class == 0);
  CHECK(prediction.top_probability == 0.0f);
}

void check_finite(Status status, const std::vector<float>& probabilities) {
  REQUIRE(status == Status::kOk);
  float sum = 0;
  for (float p : probabilities) {
    CHECK(std::isfinite(p));
    sum += p;
  }
  CHECK(sum == doctest::Approx(1.0f).epsilon(1e-5));
}

// 28 x 28 -> 16 (ReLU) -> 10.
host::ModelSpec mlp_spec() {
  host::ModelSpec spec = fixtures::mnist_linear_spec(31);
  spec.layers.clear();
  spec.layers.push_back(fixtures::dense_layer(784, 16, 32, 0.1f, fmt::Activation::kRelu));
  spec.layers.push_back(fixtures::dense_layer(16, 10, 33));
  return spec;
}

// infer_f32 on `features` on every runnable kernel set; `check` sees each result.
template <class Check>
void infer_f32_everywhere(fixtures::LoadedModel& m, const std::vector<float>& features,
                          Check check) {
  fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
    std::vector<float> probabilities(m.model.num_classes, 0.5f);
    softedge::Prediction prediction{7, 0.5f};
    const Status status = softedge::infer_f32(m.model, features.data(), features.size(),
                                              probabilities.data(), probabilities.size(),
                                              m.scratch.data(), m.scratch.size(), &prediction);
    check(status, probabilities, prediction);
  });
}

}  // namespace

TEST_CASE("non-finite: NaN, +Inf or -Inf anywhere in the features, every kernel set" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel linear(fixtures::mnist_linear_spec(30));
  REQUIRE(linear.status == Status::kOk);
  // First, last, and positions inside and at the end of a vector register.
  for (size_t position : {size_t{0}, size_t{7}, size_t{15}, size_t{400}, size_t{783}}) {
    for (float bad : {kNan, kInf, -kInf}) {
      CAPTURE(position);
      CAPTURE(bad);
      std::vector<float> features(784, 0.25f);
      features[position] = bad;
      infer_f32_everywhere(linear, features, check_non_finite);
    }
  }
  // +Inf and -Inf in different features meet as Inf - Inf = NaN.
  std::vector<float> both(784, 0.0f);
  both[3] = kInf;
  both[500] = -kInf;
  infer_f32_everywhere(linear, both, check_non_finite);
}

TEST_CASE("non-finite: a NaN input stays NaN through ReLU layers" *
          fixtures::needs_every_layer_mode()) {
  // Regression: ReLU written as `x > 0 ? x : 0` turned NaN into 0, so a NaN input to a model
  // with a ReLU hidden layer gave kOk and a confident prediction (found by fuzz_model).
  fixtures::LoadedModel mlp(mlp_spec());
  REQUIRE(mlp.status == Status::kOk);
  for (size_t position : {size_t{0}, size_t{100}, size_t{783}}) {
    CAPTURE(position);
    std::vector<float> features(784, 0.5f);
    features[position] = kNan;
    infer_f32_everywhere(mlp, features, check_non_finite);
  }
  std::vector<float> all_nan(784, kNan);
  infer_f32_everywhere(mlp, all_nan, check_non_finite);
}

TEST_CASE("non-finite: an infinity a ReLU turns into 0 gives a defined, finite result" *
          fixtures::needs_every_layer_mode()) {
  // One input, one hidden unit with weight +1 and ReLU, then 1 -> 2. Input -Inf: the hidden
  // unit is -Inf, ReLU makes it exactly 0, and the logits are the output biases.
  host::ModelSpec spec;
  spec.input_height = spec.input_width = spec.input_channels = 1;
  spec.class_names = {"a", "b"};
  host::DenseLayerSpec hidden;
  hidden.in_features = 1;
  hidden.out_features = 1;
  hidden.activation = fmt::Activation::kRelu;
  hidden.weights = {1.0f};
  hidden.bias = {0.0f};
  host::DenseLayerSpec out;
  out.in_features = 1;
  out.out_features = 2;
  out.weights = {1.0f, -1.0f};
  out.bias = {0.0f, std::log(3.0f)};
  spec.layers = {hidden, out};
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  infer_f32_everywhere(m, {-kInf}, [](Status status, const std::vector<float>& p,
                                      const softedge::Prediction& prediction) {
    check_finite(status, p);
    CHECK(p[0] == doctest::Approx(0.25f));
    CHECK(p[1] == doctest::Approx(0.75f));
    CHECK(prediction.top_class == 1);
  });
  // +Inf survives the ReLU and reaches the logits: +Inf and -Inf.
  infer_f32_everywhere(m, {kInf}, check_non_finite);
  infer_f32_everywhere(m, {kNan}, check_non_finite);
}

TEST_CASE("non-finite: finite features whose sums overflow, every kernel set" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel linear(fixtures::mnist_linear_spec(34));
  REQUIRE(linear.status == Status::kOk);
  infer_f32_everywhere(linear, std::vector<float>(784, 3e38f), check_non_finite);
  infer_f32_everywhere(linear, std::vector<float>(784, -3e38f), check_non_finite);
  // Large but not overflowing: still a valid distribution (the stable softmax).
  infer_f32_everywhere(linear, std::vector<float>(784, 1e30f),
                       [](Status status, const std::vector<float>& p, const softedge::Prediction&) {
                         check_finite(status, p);
                       });
}

TEST_CASE("non-finite: pixels times a huge input scale overflow, single and batch calls" *
          fixtures::needs_every_layer_mode()) {
  // Pixels cannot be NaN, but a (finite, accepted) input scale of 1e38 makes 255 * 1e38
  // infinite. Both pixel paths: the fused first layer (input bias 0) and features first.
  for (const float input_bias : {0.0f, 1.0f}) {
    CAPTURE(input_bias);
    host::ModelSpec spec = fixtures::mnist_linear_spec(35);
    spec.input_scale = 1e38f;
    spec.input_bias = input_bias;
    fixtures::LoadedModel m(spec);
    REQUIRE(m.status == Status::kOk);
    std::vector<uint8_t> images(3 * 784, 0);  // image 0 all 0; images 1 and 2 all 255
    std::fill(images.begin() + 784, images.end(), 255);
    fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
      std::vector<float> p(10, 0.5f);
      softedge::Prediction prediction{7, 0.5f};
      // Pixels 0: features 0 * 1e38 + bias, finite: a valid result.
      check_finite(softedge::infer_u8(m.model, images.data(), 784, p.data(), 10,
                                      m.scratch.data(), m.scratch.size(), &prediction), p);
      check_non_finite(softedge::infer_u8(m.model, images.data() + 784, 784, p.data(), 10,
                                          m.scratch.data(), m.scratch.size(), &prediction),
                       p, prediction);
      // The batch call stops at the first failing image and returns its status; that image's
      // probabilities are zeros and its class 0.
      std::vector<float> batch(30, 0.5f);
      std::vector<uint32_t> classes(3, 7);
      const Status status = softedge::infer_batch_u8(m.model, images.data(), 3, batch.data(),
                                                     classes.data(), m.scratch.data(),
                                                     m.scratch.size());
      CHECK(status == Status::kNonFiniteLogits);
      for (size_t c = 0; c < 10; ++c) CHECK(batch[10 + c] == 0.0f);
      CHECK(classes[1] == 0);
      CHECK(classes[2] == 7);  // not reached
    });
  }
}

TEST_CASE("non-finite: an int8 scale near FLT_MAX overflows acc * scale, every kernel set" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::mnist_int8_spec(36);
  spec.layers[0].scales.assign(10, 3e38f);
  spec.layers[0].bias_i32.assign(10, 1000);
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  const std::vector<uint8_t> pixels(784, 0);  // acc = bias = 1000: 1000 * 3e38 = Inf
  fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
    std::vector<float> p(10, 0.5f);
    softedge::Prediction prediction{7, 0.5f};
    check_non_finite(softedge::infer_u8(m.model, pixels.data(), 784, p.data(), 10,
                                        m.scratch.data(), m.scratch.size(), &prediction),
                     p, prediction);
    uint32_t top = 7;
    CHECK(softedge::infer_batch_u8(m.model, pixels.data(), 1, nullptr, &top, m.scratch.data(),
                                   m.scratch.size()) == Status::kNonFiniteLogits);
    CHECK(top == 0);
  });
}
