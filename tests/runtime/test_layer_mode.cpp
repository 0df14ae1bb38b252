// The explicit layer mode (format.h, LayerMode): how it follows from a layer entry's fields,
// the tensor sizes it sets, the mode the loader gives each kind of layer, and the writer,
// which derives the mode the same way and leaves validation to the loader.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/format.h"
#include "softedge/model.h"
#include "softedge/status.h"

namespace host = softedge::host;

using softedge::Status;
using softedge::format::LayerMode;
namespace fmt = softedge::format;

namespace {

// The rules are constexpr: usable at compile time (the writer and the loader share them).
static_assert(fmt::layer_tensor_bytes(LayerMode::kInt8Uint8Output, 784, 256).scales == 2048,
              "an {m, shift} pair per output");

// 4x4 pixels -> 5 (int8, ReLU, uint8 outputs) -> 3 (int8, float outputs).
host::ModelSpec two_int8_layers() {
  host::ModelSpec spec = fixtures::linear_spec(4, 4, 3);
  host::DenseLayerSpec hidden;
  hidden.in_features = 16;
  hidden.out_features = 5;
  hidden.activation = fmt::Activation::kRelu;
  hidden.weight_type = fmt::DType::kInt8;
  hidden.output_scale = 0.05f;
  hidden.weights_i8.assign(16 * 5, 3);
  hidden.bias_i32.assign(5, 100);
  for (int o = 0; o < 5; ++o) hidden.requant.insert(hidden.requant.end(), {1 << 30, 8});
  host::DenseLayerSpec last;
  last.in_features = 5;
  last.out_features = 3;
  last.weight_type = fmt::DType::kInt8;
  last.weights_i8.assign(5 * 3, -2);
  last.bias_i32.assign(3, -7);
  last.scales.assign(3, 0.01f);
  spec.layers = {hidden, last};
  return spec;
}

// The message encode_model throws, or "" if it does not throw.
std::string writer_error(const host::ModelSpec& spec) {
  try {
    host::encode_model(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a layer's mode follows from its weight type and output scale") {
  CHECK(fmt::layer_mode(fmt::DType::kFloat32, 0.0f) == LayerMode::kFloat32);
  CHECK(fmt::layer_mode(fmt::DType::kFloat32, 0.5f) == LayerMode::kFloat32);  // the type decides
  CHECK(fmt::layer_mode(fmt::DType::kInt8, 0.0f) == LayerMode::kInt8FloatOutput);
  CHECK(fmt::layer_mode(fmt::DType::kInt8, -0.0f) == LayerMode::kInt8FloatOutput);
  CHECK(fmt::layer_mode(fmt::DType::kInt8, 0.05f) == LayerMode::kInt8Uint8Output);
  // Not 0: uint8 outputs, which the loader then refuses for a scale that is not > 0 and finite.
  CHECK(fmt::layer_mode(fmt::DType::kInt8, -1.0f) == LayerMode::kInt8Uint8Output);
  CHECK(fmt::layer_mode(fmt::DType::kInt8, std::numeric_limits<float>::quiet_NaN()) ==
        LayerMode::kInt8Uint8Output);
  CHECK(fmt::known_weight_type(1));
  CHECK(fmt::known_weight_type(2));
  CHECK_FALSE(fmt::known_weight_type(0));
  CHECK_FALSE(fmt::known_weight_type(3));
  CHECK_FALSE(fmt::is_int8(LayerMode::kFloat32));
  CHECK(fmt::is_int8(LayerMode::kInt8FloatOutput));
  CHECK(fmt::is_int8(LayerMode::kInt8Uint8Output));
}

TEST_CASE("each mode's tensor sizes: weights of 4 or 1 bytes, biases of 4, scales of 0, 4 or 8") {
  const fmt::LayerTensorBytes f = fmt::layer_tensor_bytes(LayerMode::kFloat32, 784, 10);
  CHECK(f.weights == 31360);
  CHECK(f.bias == 40);
  CHECK(f.scales == 0);
  const fmt::LayerTensorBytes i = fmt::layer_tensor_bytes(LayerMode::kInt8FloatOutput, 784, 10);
  CHECK(i.weights == 7840);
  CHECK(i.bias == 40);
  CHECK(i.scales == 40);
  const fmt::LayerTensorBytes u = fmt::layer_tensor_bytes(LayerMode::kInt8Uint8Output, 784, 256);
  CHECK(u.weights == 200704);
  CHECK(u.bias == 1024);
  CHECK(u.scales == 2048);
  // 64-bit products: the largest layer the format allows does not wrap.
  const uint32_t widest = fmt::kMaxFeatures;
  CHECK(fmt::layer_tensor_bytes(LayerMode::kFloat32, widest, widest).weights ==
        uint64_t{widest} * widest * 4);
}

TEST_CASE("requantization pairs: m from 2^30 up to 2^31 - 1, shift from -30 to 31") {
  CHECK(fmt::valid_requant_pair(1 << 30, 0));
  CHECK(fmt::valid_requant_pair(INT32_MAX, -30));
  CHECK(fmt::valid_requant_pair(1 << 30, 31));
  CHECK_FALSE(fmt::valid_requant_pair((1 << 30) - 1, 0));
  CHECK_FALSE(fmt::valid_requant_pair(-(1 << 30), 0));
  CHECK_FALSE(fmt::valid_requant_pair(1 << 30, -31));
  CHECK_FALSE(fmt::valid_requant_pair(1 << 30, 32));
}

TEST_CASE("the loader gives every layer its mode, and only that mode's tensors" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel f(fixtures::mnist_linear_spec());
  REQUIRE(f.status == Status::kOk);
  const softedge::DenseLayer& flt = f.model.layers[0];
  CHECK(flt.mode == LayerMode::kFloat32);
  CHECK(flt.weights != nullptr);
  CHECK(flt.bias != nullptr);
  CHECK(flt.weights_i8 == nullptr);
  CHECK(flt.scales == nullptr);
  CHECK(flt.requant == nullptr);

  fixtures::LoadedModel q(fixtures::mnist_int8_spec());
  REQUIRE(q.status == Status::kOk);
  const softedge::DenseLayer& int8 = q.model.layers[0];
  CHECK(int8.mode == LayerMode::kInt8FloatOutput);
  CHECK(int8.weights == nullptr);
  CHECK(int8.weights_i8 != nullptr);
  CHECK(int8.bias_i32 != nullptr);
  CHECK(int8.scales != nullptr);
  CHECK(int8.requant == nullptr);

  fixtures::LoadedModel two(two_int8_layers());
  REQUIRE(two.status == Status::kOk);
  const softedge::DenseLayer& hidden = two.model.layers[0];
  CHECK(hidden.mode == LayerMode::kInt8Uint8Output);
  CHECK(hidden.requant != nullptr);
  CHECK(hidden.scales == nullptr);
  CHECK(hidden.output_scale == 0.05f);
  CHECK(two.model.layers[1].mode == LayerMode::kInt8FloatOutput);
}

TEST_CASE("the loader places each tensor with its mode's size" *
          fixtures::needs_every_layer_mode()) {
  // The last tensor of the file is the int8 layer's scales: one byte short of 4 per output,
  // the file no longer holds them.
  std::vector<uint8_t> file = host::encode_model(fixtures::mnist_int8_spec());
  const uint32_t scales = fmt::read_u32(&file[fmt::kHeaderSize + fmt::layer::kScaleOffset]);
  REQUIRE(scales + 40 == file.size());
  file.pop_back();
  fmt::write_u32(&file[fmt::header::kFileSize], static_cast<uint32_t>(file.size()));
  fixtures::refresh_crc(file);
  softedge::Model model;
  CHECK(softedge::load(file.data(), file.size(), &model) == Status::kBadTensorOffset);
}

TEST_CASE("the writer derives each layer's mode as the loader does, and spec_of keeps it" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = two_int8_layers();
  CHECK(host::layer_mode(spec.layers[0]) == LayerMode::kInt8Uint8Output);
  CHECK(host::layer_mode(spec.layers[1]) == LayerMode::kInt8FloatOutput);
  CHECK(host::layer_mode(fixtures::mnist_linear_spec().layers[0]) == LayerMode::kFloat32);
  fixtures::LoadedModel loaded(spec);
  REQUIRE(loaded.status == Status::kOk);
  const host::ModelSpec again = host::spec_of(loaded.model);
  CHECK(host::layer_mode(again.layers[0]) == LayerMode::kInt8Uint8Output);
  CHECK(again.layers[0].requant == spec.layers[0].requant);
  CHECK(again.layers[0].scales.empty());
  CHECK(again.layers[1].scales == spec.layers[1].scales);
  CHECK(again.layers[1].requant.empty());
  CHECK(host::encode_model(again) == loaded.bytes);
}

TEST_CASE("the writer encodes from the mode's sizes and leaves validation to the loader" *
          fixtures::needs_every_layer_mode()) {
  // Tensors that do not match the shape and mode: the writer's own check, naming the layer.
  host::ModelSpec spec = two_int8_layers();
  spec.layers[0].requant.resize(8);  // 4 pairs for 5 outputs
  CHECK(writer_error(spec).find("layer 0 (int8, uint8 outputs, 16 -> 5): its tensors") == 0);
  spec = two_int8_layers();
  spec.layers[1].scales.push_back(1.0f);  // one more than the 3 outputs
  CHECK(writer_error(spec).find("layer 1 (int8, float outputs, 5 -> 3)") == 0);
  spec = two_int8_layers();
  spec.layers[1].weight_type = static_cast<fmt::DType>(7);
  CHECK(writer_error(spec) == "layer 1: the weight type is neither float32 nor int8");

  // Everything else is the loader's verdict, with its status message and the layers listed.
  const std::string layers =
      " [layer 0 (int8, uint8 outputs, 16 -> 5); layer 1 (int8, float outputs, 5 -> 3)]";
  spec = two_int8_layers();
  spec.layers[0].requant[1] = 32;  // shift out of range
  CHECK(writer_error(spec) == std::string("not a model the runtime loads: ") +
                                  softedge::status_message(Status::kBadQuantization) + layers);
  spec = two_int8_layers();
  spec.layers[0].activation = fmt::Activation::kNone;  // uint8 outputs need ReLU
  CHECK(writer_error(spec) == std::string("not a model the runtime loads: ") +
                                  softedge::status_message(Status::kUnsupportedLayer) + layers);
  spec = two_int8_layers();
  spec.class_names.pop_back();  // 2 names for 3 outputs
  CHECK(writer_error(spec).find(softedge::status_message(Status::kBadDimensions)) !=
        std::string::npos);
  spec = fixtures::mnist_linear_spec();
  spec.layers[0].bias[3] = std::nanf("");
  CHECK(writer_error(spec).find(softedge::status_message(Status::kNonFiniteWeights)) !=
        std::string::npos);
  spec = two_int8_layers();
  spec.layers.clear();  // nothing to encode per layer: the loader finds the count wrong
  CHECK(writer_error(spec) == std::string("not a model the runtime loads: ") +
                                  softedge::status_message(Status::kBadLayerTable) + " []");
  CHECK(writer_error(two_int8_layers()).empty());
}
