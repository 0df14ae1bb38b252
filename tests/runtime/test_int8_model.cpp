// int8 models through the loader and inference: identical logits on every kernel set.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

namespace host = softedge::host;

using softedge::Status;
namespace fmt = softedge::format;


TEST_CASE("an int8 784 -> 10 model is version 2, at most 8,500 bytes, and loads back" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = fixtures::mnist_int8_spec();
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  CHECK(m.bytes.size() <= 8500);
  CHECK(m.model.version == fmt::kVersion2);
  const softedge::DenseLayer& layer = m.model.layers[0];
  CHECK(layer.weight_type == fmt::DType::kInt8);
  CHECK(layer.weights == nullptr);
  CHECK(std::memcmp(layer.weights_i8, spec.layers[0].weights_i8.data(), 7840) == 0);
  CHECK(std::memcmp(layer.bias_i32, spec.layers[0].bias_i32.data(), 40) == 0);
  CHECK(std::memcmp(layer.scales, spec.layers[0].scales.data(), 40) == 0);
  // Float-only files stay version 1, readable by older runtimes.
  CHECK(fmt::read_u16(&host::encode_model(fixtures::mnist_linear_spec())[fmt::header::kVersion]) ==
        fmt::kVersion1);
}

// The integer sums are bit-exact on every set (test_int8_kernels.cpp) and the scaling is one
// shared multiply, so the logits are too; the probabilities go through each set's exp.
TEST_CASE("int8 inference is softmax(float(acc) * scale) on every kernel set" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = fixtures::mnist_int8_spec(9);
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  std::vector<uint8_t> pixels(784);
  fixtures::Values values(3);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>((values.next() + 1.0f) * 127.9f);

  // The definition, written out: exact integer sum, one float multiply.
  const host::DenseLayerSpec& layer = spec.layers[0];
  std::vector<float> logits(10);
  for (uint32_t o = 0; o < 10; ++o) {
    int64_t acc = layer.bias_i32[o];
    for (uint32_t i = 0; i < 784; ++i) acc += int64_t{pixels[i]} * layer.weights_i8[o * 784 + i];
    logits[o] = static_cast<float>(acc) * layer.scales[o];
  }
  std::vector<float> expected(10);
  uint32_t expected_top = 0;
  REQUIRE(softedge::force_kernel("scalar") == Status::kOk);
  REQUIRE(softedge::softmax(logits.data(), 10, expected.data(), &expected_top));

  fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
    std::vector<float> probabilities(10);
    softedge::Prediction prediction{};
    REQUIRE(softedge::infer_u8(m.model, pixels.data(), 784, probabilities.data(), 10,
                               m.scratch.data(), m.scratch.size(), &prediction) == Status::kOk);
    CHECK(prediction.top_class == expected_top);
    for (uint32_t c = 0; c < 10; ++c)
      CHECK(probabilities[c] == doctest::Approx(expected[c]).epsilon(1e-5));
    // The batch path gives the same probabilities as the single-image path.
    std::vector<float> batch(10);
    uint32_t top = 99;
    REQUIRE(softedge::infer_batch_u8(m.model, pixels.data(), 1, batch.data(), &top,
                                     m.scratch.data(), m.scratch.size()) == Status::kOk);
    CHECK(batch == probabilities);
    CHECK(top == expected_top);
  });
}

TEST_CASE("float features cannot feed an int8 model" * fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_int8_spec());
  REQUIRE(m.status == Status::kOk);
  std::vector<float> features(784, 0.5f), probabilities(10);
  CHECK(softedge::infer_f32(m.model, features.data(), 784, probabilities.data(), 10,
                            m.scratch.data(), m.scratch.size(),
                            nullptr) == Status::kUnsupportedLayer);
}

TEST_CASE("the loader rejects malformed int8 layers" * fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(fixtures::mnist_int8_spec());
  const uint32_t table = fmt::read_u32(&good[fmt::header::kLayerTableOffset]);
  const uint32_t scales = fmt::read_u32(&good[table + fmt::layer::kScaleOffset]);
  const uint32_t bias = fmt::read_u32(&good[table + fmt::layer::kBiasOffset]);
  softedge::Model model;
  auto edited = [&](auto edit) {
    std::vector<uint8_t> file = good;
    edit(file);
    fixtures::refresh_crc(file);
    return softedge::load(file.data(), file.size(), &model);
  };
  CHECK(edited([](std::vector<uint8_t>&) {}) == Status::kOk);
  CHECK(edited([](std::vector<uint8_t>& f) {  // int8 layers need version 2
          fmt::write_u16(&f[fmt::header::kVersion], fmt::kVersion1);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_f32(&f[scales], 0.0f); }) ==
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_f32(&f[scales + 4], -1.0f); }) ==
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_f32(&f[scales], NAN); }) ==
        Status::kBadQuantization);
  // 784 * 255 * 128 + bias must stay within int32, or the integer sum could overflow.
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_u32(&f[bias], 0x7FFFFFFFu); }) ==
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_u32(&f[bias], 0x80000000u); }) ==
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // scales overlapping the bias
          fmt::write_u32(&f[table + fmt::layer::kScaleOffset], bias);
        }) == Status::kBadTensorOffset);
  CHECK(edited([](std::vector<uint8_t>& f) {  // an input bias cannot be applied to raw pixels
          fmt::write_f32(&f[fmt::header::kInputBias], 0.5f);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // the last layer cannot output uint8
          fmt::write_f32(&f[table + fmt::layer::kOutputScale], 0.1f);
        }) == Status::kUnsupportedLayer);
}

TEST_CASE("every truncation and every bit flip of an int8 model is rejected" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::linear_spec(4, 4, 3);
  host::DenseLayerSpec& layer = spec.layers[0];
  layer.weight_type = fmt::DType::kInt8;
  layer.weights_i8.assign(48, 5);
  layer.bias_i32 = {1, -2, 3};
  layer.scales = {0.5f, 0.25f, 0.125f};
  const std::vector<uint8_t> good = host::encode_model(spec);
  softedge::Model model;
  REQUIRE(softedge::load(good.data(), good.size(), &model) == Status::kOk);
  size_t rejected = 0;
  for (size_t size = 0; size < good.size(); ++size) {
    rejected += softedge::load(good.data(), size, &model) != Status::kOk;
  }
  CHECK(rejected == good.size());
  rejected = 0;
  std::vector<uint8_t> file = good;
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    file[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    rejected += softedge::load(file.data(), file.size(), &model) != Status::kOk;
    file[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  CHECK(rejected == good.size() * 8);
}
