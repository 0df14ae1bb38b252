// Format version 3 (convolution and pooling layers, sigmoid): the writer's files load with
// every Layer field as the geometry gives it (shapes worked out here by hand), the version is
// the lowest that holds the model, and encode -> load -> spec_of -> encode gives the same bytes.
// The crafted hostile v3 files are in hostile_models.h (test_hostile_model_headers.cpp); the
// checks here are the ones that need a model of their own.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "conv_model_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"
#include "softedge/model.h"

namespace host = softedge::host;
namespace fmt = softedge::format;
using fmt::LayerKind;
using fmt::LayerMode;
using softedge::Layer;
using softedge::Model;
using softedge::Status;

namespace {

Status load_bytes(const std::vector<uint8_t>& file, Model* model) {
  return softedge::load(file.data(), file.size(), model);
}

// out = (in + 2 * padding - k) / stride + 1, written out again here (the test's own oracle).
uint32_t extent(uint32_t in, uint32_t k, uint32_t stride, uint32_t padding) {
  return (in + 2 * padding - k) / stride + 1;
}

void check_shape(const fmt::Shape& shape, uint32_t height, uint32_t width, uint32_t channels) {
  CHECK(shape.height == height);
  CHECK(shape.width == width);
  CHECK(shape.channels == channels);
}

// Whatever spec_of gives back encodes to the very same bytes.
void check_round_trip(const std::vector<uint8_t>& file) {
  Model model;
  REQUIRE(load_bytes(file, &model) == Status::kOk);
  const host::ModelSpec again = host::spec_of(model);
  CHECK(host::encode_model(again) == file);
}

// The byte of layer `layer`'s entry at `field`.
uint8_t& entry_byte(std::vector<uint8_t>& file, uint32_t layer, uint32_t field) {
  return file[fmt::read_u32(&file[fmt::header::kLayerTableOffset]) +
              layer * fmt::kLayerEntrySize + field];
}

}  // namespace

TEST_CASE("a float conv/pool model loads with every layer's shapes, geometry and rows" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = fixtures::float_conv_spec();
  const std::vector<uint8_t> file = host::encode_model(spec);
  Model model;
  REQUIRE(load_bytes(file, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion3);
  REQUIRE(model.layer_count == 5);

  // Layer 0: conv 3x3 / 2, pad 1 over 7 x 5 x 2.
  const uint32_t h0 = extent(7, 3, 2, 1), w0 = extent(5, 3, 2, 1);
  const Layer& conv0 = model.layers[0];
  CHECK(conv0.kind == LayerKind::kConv2d);
  check_shape(conv0.in_shape, 7, 5, 2);
  check_shape(conv0.out_shape, h0, w0, 4);
  CHECK(conv0.in_features == 70);
  CHECK(conv0.out_features == h0 * w0 * 4);
  CHECK(conv0.kernel_size == 3);
  CHECK(conv0.stride == 2);
  CHECK(conv0.padding == 1);
  CHECK(conv0.rows == 4);
  CHECK(conv0.row_length == 3 * 3 * 2);
  CHECK(conv0.mode == LayerMode::kFloat32);
  CHECK(conv0.activation == fmt::Activation::kRelu);
  // OHWI rows as written, zero-copy.
  CHECK(std::memcmp(conv0.weights, spec.layers[0].weights.data(), 4 * 18 * sizeof(float)) == 0);
  CHECK(std::memcmp(conv0.bias, spec.layers[0].bias.data(), 4 * sizeof(float)) == 0);

  // Layer 1: max pool 2 / 1, no tensors.
  const uint32_t h1 = extent(h0, 2, 1, 0), w1 = extent(w0, 2, 1, 0);
  const Layer& max1 = model.layers[1];
  CHECK(max1.kind == LayerKind::kMaxPool);
  check_shape(max1.in_shape, h0, w0, 4);
  check_shape(max1.out_shape, h1, w1, 4);
  CHECK(max1.kernel_size == 2);
  CHECK(max1.stride == 1);
  CHECK(max1.padding == 0);
  CHECK(max1.rows == 0);
  CHECK(max1.row_length == 0);
  CHECK(max1.weights == nullptr);
  CHECK(max1.bias == nullptr);
  CHECK(max1.weights_i8 == nullptr);

  // Layer 2: conv 2x2 / 1, pad 1, sigmoid.
  const uint32_t h2 = extent(h1, 2, 1, 1), w2 = extent(w1, 2, 1, 1);
  const Layer& conv2 = model.layers[2];
  check_shape(conv2.in_shape, h1, w1, 4);
  check_shape(conv2.out_shape, h2, w2, 3);
  CHECK(conv2.rows == 3);
  CHECK(conv2.row_length == 2 * 2 * 4);
  CHECK(conv2.activation == fmt::Activation::kSigmoid);

  // Layer 3: average pool 2 / 2.
  const uint32_t h3 = extent(h2, 2, 2, 0), w3 = extent(w2, 2, 2, 0);
  const Layer& avg3 = model.layers[3];
  CHECK(avg3.kind == LayerKind::kAvgPool);
  check_shape(avg3.out_shape, h3, w3, 3);
  CHECK(avg3.out_features == h3 * w3 * 3);

  // Layer 4: dense over the flattened NHWC tensor.
  const Layer& dense4 = model.layers[4];
  CHECK(dense4.kind == LayerKind::kDense);
  check_shape(dense4.in_shape, h3, w3, 3);
  check_shape(dense4.out_shape, 1, 1, 3);
  CHECK(dense4.in_features == h3 * w3 * 3);
  CHECK(dense4.rows == 3);
  CHECK(dense4.row_length == h3 * w3 * 3);
  CHECK(dense4.kernel_size == 0);
  CHECK(dense4.stride == 0);
  CHECK(dense4.padding == 0);
  CHECK(model.max_width == h0 * w0 * 4);
}

TEST_CASE("load() notes the first convolution or pooling layer, layer_count without one" *
          fixtures::needs_every_layer_mode()) {
  Model model;
  REQUIRE(load_bytes(host::encode_model(fixtures::mnist_linear_spec()), &model) == Status::kOk);
  CHECK(model.first_window_layer == model.layer_count);

  REQUIRE(load_bytes(host::encode_model(fixtures::float_conv_spec()), &model) == Status::kOk);
  CHECK(model.first_window_layer == 0);

  // A dense layer first (over a 1 x 1 x 6 input), then a 1 x 1 max pool: found at 1.
  host::ModelSpec spec = fixtures::float_conv_spec();
  spec.input_height = 1;
  spec.input_width = 1;
  spec.input_channels = 6;
  spec.layers = {fixtures::dense_layer(6, 3, 7, 0.5f),
                 fixtures::pool_layer(LayerKind::kMaxPool, 3, 3, 1, 1)};
  REQUIRE(load_bytes(host::encode_model(spec), &model) == Status::kOk);
  REQUIRE(model.layer_count == 2);
  CHECK(model.layers[1].kind == LayerKind::kMaxPool);
  CHECK(model.first_window_layer == 1);
}

TEST_CASE("an int8 conv/pool chain loads with its modes, scales and rows" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = fixtures::int8_conv_spec();
  const std::vector<uint8_t> file = host::encode_model(spec);
  Model model;
  REQUIRE(load_bytes(file, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion3);
  REQUIRE(model.layer_count == 5);
  const Layer& conv0 = model.layers[0];
  CHECK(conv0.mode == LayerMode::kInt8Uint8Output);
  check_shape(conv0.in_shape, 6, 5, 1);
  check_shape(conv0.out_shape, extent(6, 3, 1, 1), extent(5, 3, 1, 1), 4);
  CHECK(conv0.rows == 4);
  CHECK(conv0.row_length == 9);
  CHECK(std::memcmp(conv0.weights_i8, spec.layers[0].weights_i8.data(), 36) == 0);
  CHECK(std::memcmp(conv0.requant, spec.layers[0].requant.data(), 8 * sizeof(int32_t)) == 0);
  const Layer& max1 = model.layers[1];
  CHECK(max1.mode == LayerMode::kInt8Uint8Output);
  CHECK(max1.output_scale == spec.layers[0].output_scale);
  CHECK(max1.requant == nullptr);
  check_shape(max1.out_shape, 3, 2, 4);
  const Layer& conv2 = model.layers[2];
  CHECK(conv2.mode == LayerMode::kInt8Uint8Output);
  check_shape(conv2.out_shape, extent(3, 2, 1, 1), extent(2, 2, 1, 1), 2);
  CHECK(conv2.row_length == 16);
  const Layer& avg3 = model.layers[3];
  check_shape(avg3.out_shape, 2, 1, 2);
  CHECK(model.layers[4].mode == LayerMode::kInt8FloatOutput);
  CHECK(model.layers[4].in_features == 4);
}

TEST_CASE("conv/pool models: encode -> load -> spec_of -> encode gives the same bytes" *
          fixtures::needs_every_layer_mode()) {
  check_round_trip(host::encode_model(fixtures::float_conv_spec()));
  check_round_trip(host::encode_model(fixtures::int8_conv_spec()));
  // spec_of copies the geometry back.
  Model model;
  const std::vector<uint8_t> file = host::encode_model(fixtures::float_conv_spec());
  REQUIRE(load_bytes(file, &model) == Status::kOk);
  const host::ModelSpec spec = host::spec_of(model);
  CHECK(spec.layers[0].kind == LayerKind::kConv2d);
  CHECK(spec.layers[0].kernel_size == 3);
  CHECK(spec.layers[0].stride == 2);
  CHECK(spec.layers[0].padding == 1);
  CHECK(spec.layers[1].kind == LayerKind::kMaxPool);
  CHECK(spec.layers[1].weights.empty());
  CHECK(spec.layers[1].bias.empty());
}

TEST_CASE("the geometry bytes: k at 14, stride | padding << 4 at 15, 0 in dense entries" *
          fixtures::needs_every_layer_mode()) {
  std::vector<uint8_t> file = host::encode_model(fixtures::float_conv_spec());
  CHECK(entry_byte(file, 0, fmt::layer::kKernelSize) == 3);
  CHECK(entry_byte(file, 0, fmt::layer::kStridePadding) == (2 | 1 << 4));
  CHECK(entry_byte(file, 1, fmt::layer::kKernelSize) == 2);
  CHECK(entry_byte(file, 1, fmt::layer::kStridePadding) == 1);
  CHECK(entry_byte(file, 4, fmt::layer::kKernelSize) == 0);
  CHECK(entry_byte(file, 4, fmt::layer::kStridePadding) == 0);
  // Pools: no tensors, offsets 0.
  for (uint32_t field : {fmt::layer::kWeightOffset, fmt::layer::kBiasOffset,
                         fmt::layer::kScaleOffset}) {
    for (uint32_t byte = 0; byte < 4; ++byte) CHECK(entry_byte(file, 1, field + byte) == 0);
  }
}

TEST_CASE("the writer picks the lowest version: dense v1/v2 as before, v3 for windows or sigmoid" *
          fixtures::needs_every_layer_mode()) {
  Model model;
  const std::vector<uint8_t> v1 = host::encode_model(fixtures::mnist_linear_spec(3));
  REQUIRE(load_bytes(v1, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion1);
  CHECK(model.layers[0].kind == LayerKind::kDense);
  check_shape(model.layers[0].in_shape, 28, 28, 1);
  check_shape(model.layers[0].out_shape, 1, 1, 10);
  CHECK(model.layers[0].rows == 10);
  CHECK(model.layers[0].row_length == 784);
  const std::vector<uint8_t> v2 = host::encode_model(fixtures::mnist_int8_spec());
  REQUIRE(load_bytes(v2, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion2);

  // One sigmoid makes a dense model v3; the same file claiming v2 is refused.
  host::ModelSpec sigmoid = fixtures::linear_spec(4, 4, 3, 9);
  sigmoid.layers = {fixtures::dense_layer(16, 6, 10, 0.2f, fmt::Activation::kSigmoid),
                    fixtures::dense_layer(6, 3, 11)};
  std::vector<uint8_t> v3 = host::encode_model(sigmoid);
  REQUIRE(load_bytes(v3, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion3);
  CHECK(model.layers[0].activation == fmt::Activation::kSigmoid);
  fmt::write_u16(&v3[fmt::header::kVersion], fmt::kVersion2);
  fixtures::refresh_crc(v3);
  CHECK(load_bytes(v3, &model) == Status::kUnsupportedLayer);

  // A conv model claiming v2 or v1 is refused: its layer kinds are version 3's.
  std::vector<uint8_t> conv = host::encode_model(fixtures::float_conv_spec());
  for (uint16_t version : {fmt::kVersion1, fmt::kVersion2}) {
    fmt::write_u16(&conv[fmt::header::kVersion], version);
    fixtures::refresh_crc(conv);
    CHECK(load_bytes(conv, &model) == Status::kUnsupportedLayer);
  }
}

TEST_CASE("an int8 convolution's accumulator bound uses its row length, not in_features" *
          fixtures::needs_every_layer_mode()) {
  // Layer 0: 9 weights per row (in_features is 30): |bias| + 9 * 255 * 128 <= INT32_MAX.
  const int32_t largest = INT32_MAX - 9 * 255 * 128;
  host::ModelSpec spec = fixtures::int8_conv_spec();
  spec.layers[0].bias_i32[1] = largest;
  Model model;
  std::vector<uint8_t> file = host::encode_model(spec);
  CHECK(load_bytes(file, &model) == Status::kOk);
  spec.layers[0].bias_i32[1] = -largest;
  CHECK(load_bytes(host::encode_model(spec), &model) == Status::kOk);
  // One more is refused (the writer asks the loader, so edit the written bytes).
  const uint32_t bias = fmt::read_u32(&file[fmt::read_u32(&file[fmt::header::kLayerTableOffset]) +
                                            fmt::layer::kBiasOffset]);
  fmt::write_u32(&file[bias + 4], static_cast<uint32_t>(largest + 1));
  fixtures::refresh_crc(file);
  CHECK(load_bytes(file, &model) == Status::kBadQuantization);
}

TEST_CASE("the writer refuses conv/pool specs it cannot encode, naming the layer") {
  host::ModelSpec spec = fixtures::float_conv_spec();
  spec.layers[0].stride = 16;  // 4 bits
  CHECK_THROWS_WITH_AS(host::encode_model(spec), doctest::Contains("layer 0 (conv2d"),
                       std::invalid_argument);
  spec = fixtures::float_conv_spec();
  spec.layers[0].weights.pop_back();
  CHECK_THROWS_WITH_AS(host::encode_model(spec), doctest::Contains("sizes its shape"),
                       std::invalid_argument);
  spec = fixtures::float_conv_spec();
  spec.layers[1].weights = {1.0f};  // pools have no tensors
  CHECK_THROWS_AS(host::encode_model(spec), std::invalid_argument);
  spec = fixtures::float_conv_spec();
  spec.layers[4].kernel_size = 1;  // dense layers have no geometry
  CHECK_THROWS_WITH_AS(host::encode_model(spec), doctest::Contains("layer 4 (float32"),
                       std::invalid_argument);
  spec = fixtures::float_conv_spec();
  spec.layers[0].kernel_size = 9;  // wider than the 5 + 2 padded columns
  CHECK_THROWS_WITH_AS(host::encode_model(spec), doctest::Contains("does not fit"),
                       std::invalid_argument);
  spec = fixtures::float_conv_spec();
  spec.layers[3].activation = fmt::Activation::kRelu;  // encodable; the loader refuses it
  CHECK_THROWS_WITH_AS(host::encode_model(spec), doctest::Contains("not a model the runtime"),
                       std::invalid_argument);
}
