// int8 networks with hidden layers (uint8 activations, integer requantization) and the input
// lookup table: the loader's rules and exact results on every kernel set.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/model.h"

namespace host = softedge::host;

using softedge::Status;
namespace fmt = softedge::format;

namespace {

// 6x6 pixels -> 7 (int8, ReLU, uint8 outputs) -> 3 (int8, float logits), with a lookup table;
// `hidden_rows` instead of 7 hidden outputs.
host::ModelSpec hidden_spec(uint32_t hidden_rows = 7) {
  host::ModelSpec spec = fixtures::linear_spec(6, 6, 3);
  spec.input_lut.resize(256);
  for (int p = 0; p < 256; ++p)
    spec.input_lut[p] = static_cast<uint8_t>(std::lround(std::sqrt(p / 255.0) * 255.0));
  fixtures::Values values(11);
  host::DenseLayerSpec hidden;
  hidden.in_features = 36;
  hidden.out_features = hidden_rows;
  hidden.activation = fmt::Activation::kRelu;
  hidden.weight_type = fmt::DType::kInt8;
  hidden.output_scale = 0.05f;
  for (uint32_t i = 0; i < 36 * hidden_rows; ++i)
    hidden.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
  for (uint32_t o = 0; o < hidden_rows; ++o) {
    hidden.bias_i32.push_back(static_cast<int32_t>(values.next() * 3000.0f));
    hidden.requant.push_back((1 << 30) + static_cast<int32_t>((values.next() + 1.0f) * 5e8f));
    hidden.requant.push_back(9 + o % 3);  // multipliers of 2^-10..2^-12: activations across 0..255
  }
  host::DenseLayerSpec last;
  last.in_features = hidden_rows;
  last.out_features = 3;
  last.weight_type = fmt::DType::kInt8;
  for (uint32_t i = 0; i < hidden_rows * 3; ++i)
    last.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
  for (int o = 0; o < 3; ++o) {
    last.bias_i32.push_back(static_cast<int32_t>(values.next() * 1000.0f));
    last.scales.push_back(0.01f * (o + 1));
  }
  spec.layers = {hidden, last};
  return spec;
}

// The definition in format.h, written out in int64 arithmetic.
std::vector<float> reference_logits(const host::ModelSpec& spec,
                                    const std::vector<uint8_t>& pixels) {
  std::vector<int64_t> x;
  for (uint8_t p : pixels) x.push_back(spec.input_lut[p]);
  const host::DenseLayerSpec& hidden = spec.layers[0];
  std::vector<int64_t> activations;
  for (uint32_t o = 0; o < hidden.out_features; ++o) {
    int64_t acc = hidden.bias_i32[o];
    for (uint32_t i = 0; i < hidden.in_features; ++i)
      acc += x[i] * hidden.weights_i8[o * hidden.in_features + i];
    const int n = 31 + hidden.requant[2 * o + 1];
    const int64_t product = acc * hidden.requant[2 * o];
    const int64_t q = product <= 0 ? 0 : (product + (int64_t{1} << (n - 1))) >> n;
    activations.push_back(q > 255 ? 255 : q);
  }
  const host::DenseLayerSpec& last = spec.layers[1];
  std::vector<float> logits;
  for (uint32_t o = 0; o < last.out_features; ++o) {
    int64_t acc = last.bias_i32[o];
    for (uint32_t i = 0; i < last.in_features; ++i)
      acc += activations[i] * last.weights_i8[o * last.in_features + i];
    logits.push_back(static_cast<float>(acc) * last.scales[o]);
  }
  return logits;
}

// Model::weight_sums' pairs for one layer of the spec.
std::vector<int32_t> weight_sum_pairs(const host::DenseLayerSpec& layer) {
  return fixtures::weight_sum_pairs(layer.weights_i8, layer.bias_i32, layer.in_features,
                                    layer.out_features);
}

// Whether some compiled set takes the weight sums (then load() keeps them).
bool some_set_takes_weight_sums() {
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    if (softedge::kernel_at(k).dense_u8s8_i32_summed != nullptr) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("load() keeps the weight sums of the int8 dense layers that fit, where a set takes them" *
          fixtures::needs_every_layer_mode()) {
  // 7 + 3 rows fit the model's 32; of 33 + 3, only the last layer's.
  for (uint32_t hidden_rows : {7u, 33u}) {
    INFO("hidden rows " << hidden_rows);
    const host::ModelSpec spec = hidden_spec(hidden_rows);
    fixtures::LoadedModel m(spec);
    REQUIRE(m.status == Status::kOk);
    const softedge::Layer& hidden = m.model.layers[0];
    const softedge::Layer& last = m.model.layers[1];
    if (!some_set_takes_weight_sums()) {
      CHECK(hidden.weight_sums_slot == 0);
      CHECK(last.weight_sums_slot == 0);
      continue;
    }
    const bool hidden_fits = hidden_rows <= softedge::kWeightSumRows;
    CHECK(hidden.weight_sums_slot == (hidden_fits ? 1 : 0));
    CHECK(last.weight_sums_slot == (hidden_fits ? 1 + hidden_rows : 1));
    if (hidden_fits) {
      const std::vector<int32_t> expected = weight_sum_pairs(spec.layers[0]);
      CHECK(std::vector<int32_t>(m.model.weight_sums, m.model.weight_sums + expected.size()) ==
            expected);
    }
    const int32_t* last_pairs = m.model.weight_sums + 2 * (last.weight_sums_slot - 1);
    CHECK(std::vector<int32_t>(last_pairs, last_pairs + 6) == weight_sum_pairs(spec.layers[1]));
  }
}

TEST_CASE(
    "an int8 network with a hidden layer and a lookup table gives the reference on every kernel "
    "set" * fixtures::needs_every_layer_mode()) {
  // 7 hidden rows: both layers with their weight sums where a set takes them; 33: the first
  // layer without.
  for (uint32_t hidden_rows : {7u, 33u}) {
    INFO("hidden rows " << hidden_rows);
    const host::ModelSpec spec = hidden_spec(hidden_rows);
    fixtures::LoadedModel m(spec);
    REQUIRE(m.status == Status::kOk);
    CHECK(m.model.version == fmt::kVersion2);
    REQUIRE(m.model.input_lut != nullptr);
    CHECK(std::memcmp(m.model.input_lut, spec.input_lut.data(), 256) == 0);
    CHECK(m.model.layers[0].output_scale == 0.05f);
    REQUIRE(m.model.layers[0].requant != nullptr);

    fixtures::Values values(2);
    for (int image = 0; image < 20; ++image) {
      std::vector<uint8_t> pixels(36);
      for (uint8_t& p : pixels) p = static_cast<uint8_t>((values.next() + 1.0f) * 127.9f);
      const std::vector<float> logits = reference_logits(spec, pixels);
      std::vector<float> expected(3);
      uint32_t expected_top = 0;
      REQUIRE(softedge::force_kernel("scalar") == Status::kOk);
      REQUIRE(softedge::softmax(logits.data(), 3, expected.data(), &expected_top));
      fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
        std::vector<float> probabilities(3);
        softedge::Prediction prediction{};
        REQUIRE(softedge::infer_u8(m.model, pixels.data(), 36, probabilities.data(), 3,
                                   m.scratch.data(), m.scratch.size(), &prediction) == Status::kOk);
        CHECK(prediction.top_class == expected_top);
        for (int c = 0; c < 3; ++c)
          CHECK(probabilities[c] == doctest::Approx(expected[c]).epsilon(1e-5));
      });
    }
  }
}

TEST_CASE("the loader enforces the int8 chain rules and the lookup table's place" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(hidden_spec());
  const uint32_t table = fmt::read_u32(&good[fmt::header::kLayerTableOffset]);
  const uint8_t* second = &good[table + fmt::kLayerEntrySize];
  const uint32_t requant = fmt::read_u32(&good[table + fmt::layer::kScaleOffset]);
  softedge::Model model;
  auto edited = [&](auto edit) {
    std::vector<uint8_t> file = good;
    edit(file);
    fixtures::refresh_crc(file);
    return softedge::load(file.data(), file.size(), &model);
  };
  const size_t second_entry = second - good.data();
  CHECK(edited([](std::vector<uint8_t>&) {}) == Status::kOk);
  CHECK(edited([](std::vector<uint8_t>& f) {  // the table needs version 2
          fmt::write_u16(&f[fmt::header::kVersion], fmt::kVersion1);
        }) != Status::kOk);
  CHECK(edited([](std::vector<uint8_t>& f) {  // misaligned table
          fmt::write_u32(&f[fmt::header::kInputLutOffset],
                         fmt::read_u32(&f[fmt::header::kInputLutOffset]) + 4);
        }) == Status::kBadPreprocessing);
  CHECK(edited([](std::vector<uint8_t>& f) {  // past the end
          fmt::write_u32(&f[fmt::header::kInputLutOffset], 0xFFFFFF00u);
        }) == Status::kBadPreprocessing);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // uint8 outputs need ReLU
          fmt::write_u16(&f[table + fmt::layer::kActivation], 0);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // the last layer cannot output uint8
          fmt::write_f32(&f[second_entry + fmt::layer::kOutputScale], 0.5f);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // an int8 layer after float outputs
          fmt::write_f32(&f[table + fmt::layer::kOutputScale], 0.0f);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // negative output scale
          fmt::write_f32(&f[table + fmt::layer::kOutputScale], -0.05f);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_u32(&f[requant], 5); }) ==  // m < 2^30
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) { fmt::write_u32(&f[requant + 4], 32); }) ==  // shift
        Status::kBadQuantization);
  CHECK(edited([&](std::vector<uint8_t>& f) {
          fmt::write_u32(&f[requant + 4], static_cast<uint32_t>(-31));
        }) == Status::kBadQuantization);
}

TEST_CASE("the writer refuses chains the loader would reject") {
  host::ModelSpec spec = hidden_spec();
  spec.layers[1].output_scale = 0.1f;  // uint8 outputs on the last layer
  spec.layers[1].requant = {1 << 30, 0, 1 << 30, 0, 1 << 30, 0};
  spec.layers[1].activation = fmt::Activation::kRelu;
  CHECK_THROWS_AS(host::encode_model(spec), std::invalid_argument);
  spec = hidden_spec();
  spec.input_lut.resize(100);
  CHECK_THROWS_AS(host::encode_model(spec), std::invalid_argument);
}
