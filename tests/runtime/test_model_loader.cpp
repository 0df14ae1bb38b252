#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <vector>

#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/model.h"

namespace host = softedge::host;

using softedge::Model;
using softedge::Status;
namespace fmt = softedge::format;

namespace {

Status load_bytes(const std::vector<uint8_t>& file, Model* model) {
  return softedge::load(file.data(), file.size(), model);
}

}  // namespace

TEST_CASE("a written model loads back with every field and tensor intact" *
          fixtures::needs_every_layer_mode()) {
  const host::ModelSpec spec = fixtures::mnist_linear_spec(7);
  const std::vector<uint8_t> file = host::encode_model(spec);
  CHECK(file.size() <= 31400 + 512);  // the bound for a 784 -> 10 float model

  Model model;
  REQUIRE(load_bytes(file, &model) == Status::kOk);
  CHECK(model.version == fmt::kVersion1);
  CHECK(model.file_size == file.size());
  CHECK(model.input_height == 28);
  CHECK(model.input_width == 28);
  CHECK(model.input_size == 784);
  CHECK(model.num_classes == 10);
  CHECK(model.input_scale == spec.input_scale);
  CHECK(model.input_bias == spec.input_bias);
  REQUIRE(model.layer_count == 1);
  const softedge::DenseLayer& layer = model.layers[0];
  CHECK(layer.in_features == 784);
  CHECK(layer.out_features == 10);
  CHECK(std::memcmp(layer.weights, spec.layers[0].weights.data(), 7840 * sizeof(float)) == 0);
  CHECK(std::memcmp(layer.bias, spec.layers[0].bias.data(), 10 * sizeof(float)) == 0);
  // Zero-copy: the view points into the caller's bytes, tensors 64-byte aligned in the file.
  const auto offset = reinterpret_cast<const uint8_t*>(layer.weights) - file.data();
  CHECK(offset > 0);
  CHECK(offset % 64 == 0);
  CHECK(std::string(softedge::class_name(model, 0)) == "class0");
  CHECK(std::string(softedge::class_name(model, 9)) == "class9");
  CHECK(std::string(softedge::class_name(model, 10)).empty());
}

TEST_CASE("encoding is deterministic" * fixtures::needs_every_layer_mode()) {
  CHECK(host::encode_model(fixtures::mnist_linear_spec(3)) ==
        host::encode_model(fixtures::mnist_linear_spec(3)));
}

TEST_CASE("two-layer models chain and load" * fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::linear_spec(4, 4, 3);
  spec.layers.clear();
  spec.layers.push_back(fixtures::dense_layer(16, 5, 1, 0.1f, fmt::Activation::kRelu));
  spec.layers.push_back(fixtures::dense_layer(5, 3, 2));
  Model model;
  REQUIRE(load_bytes(host::encode_model(spec), &model) == Status::kOk);
  CHECK(model.layer_count == 2);
  CHECK(model.layers[0].activation == fmt::Activation::kRelu);
  CHECK(model.max_width == 5);
}

TEST_CASE("the loader rejects wrong magic, version and header fields" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(fixtures::linear_spec(4, 4, 3));
  Model model;

  std::vector<uint8_t> file = good;
  file[0] = 'X';
  CHECK(load_bytes(file, &model) == Status::kBadMagic);

  file = good;
  fmt::write_u16(&file[fmt::header::kVersion], fmt::kNewestVersion + 1);
  fixtures::refresh_crc(file);
  CHECK(load_bytes(file, &model) == Status::kUnsupportedVersion);

  file = good;
  fmt::write_u16(&file[fmt::header::kHeaderSize], 48);
  fixtures::refresh_crc(file);
  CHECK(load_bytes(file, &model) == Status::kBadHeader);

  file = good;
  fmt::write_u32(&file[fmt::header::kFlags], 1);
  fixtures::refresh_crc(file);
  CHECK(load_bytes(file, &model) == Status::kBadHeader);

  CHECK(softedge::load(nullptr, 100, &model) == Status::kNullArgument);
  CHECK(softedge::load(good.data(), good.size(), nullptr) == Status::kNullArgument);
}

TEST_CASE("every truncation of a 784 -> 10 model is rejected" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> file = host::encode_model(fixtures::mnist_linear_spec());
  Model model;
  size_t rejected = 0;
  for (size_t size = 0; size < file.size(); ++size) {
    const Status status = softedge::load(file.data(), size, &model);
    if (status != Status::kOk) ++rejected;
    // A failed load leaves an empty view behind.
    if (status != Status::kOk && model.layer_count != 0) FAIL("half-filled model after failure");
  }
  CHECK(rejected == file.size());
  CHECK(softedge::load(file.data(), 3, &model) == Status::kTruncated);
  CHECK(softedge::load(file.data(), 63, &model) == Status::kTruncated);
  CHECK(softedge::load(file.data(), file.size() - 1, &model) == Status::kTruncated);
}

TEST_CASE("every single-bit flip of a small model is rejected" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(fixtures::linear_spec(4, 4, 3));
  Model model;
  size_t rejected = 0;
  std::vector<uint8_t> file = good;
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    file[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    if (load_bytes(file, &model) != Status::kOk) ++rejected;
    file[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  CHECK(rejected == good.size() * 8);
  // A flip inside a tensor is caught by the checksum.
  file[file.size() - 1] ^= 1;
  CHECK(load_bytes(file, &model) == Status::kChecksumMismatch);
}

TEST_CASE("structural checks hold even when the checksum is valid" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(fixtures::linear_spec(4, 4, 3));
  const uint32_t table = fmt::read_u32(&good[fmt::header::kLayerTableOffset]);
  Model model;
  auto edited = [&](auto edit) {
    std::vector<uint8_t> file = good;
    edit(file);
    fixtures::refresh_crc(file);
    return load_bytes(file, &model);
  };

  CHECK(edited([](std::vector<uint8_t>& f) { fmt::write_u16(&f[fmt::header::kInputWidth], 0); }) ==
        Status::kBadDimensions);
  CHECK(edited([](std::vector<uint8_t>& f) { fmt::write_u16(&f[fmt::header::kInputWidth], 5); }) ==
        Status::kBadDimensions);  // layer no longer chains to the input
  CHECK(edited([](std::vector<uint8_t>& f) { fmt::write_u16(&f[fmt::header::kLayerCount], 0); }) ==
        Status::kBadLayerTable);
  CHECK(edited([](std::vector<uint8_t>& f) { fmt::write_u16(&f[fmt::header::kLayerCount], 9); }) ==
        Status::kBadLayerTable);
  CHECK(edited([&](std::vector<uint8_t>& f) {
          fmt::write_u32(&f[table + fmt::layer::kWeightOffset], 0xFFFFFFC0u);
        }) == Status::kBadTensorOffset);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // misaligned
          fmt::write_u32(&f[table + fmt::layer::kWeightOffset],
                         fmt::read_u32(&f[table + fmt::layer::kWeightOffset]) + 4);
        }) == Status::kBadTensorOffset);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // bias overlapping the weights
          fmt::write_u32(&f[table + fmt::layer::kBiasOffset],
                         fmt::read_u32(&f[table + fmt::layer::kWeightOffset]));
        }) == Status::kBadTensorOffset);
  CHECK(edited([&](std::vector<uint8_t>& f) {  // 2^31 outputs: past the per-layer limit
          fmt::write_u32(&f[table + fmt::layer::kOutFeatures], 0x80000000u);
        }) == Status::kBadDimensions);
  CHECK(edited([&](std::vector<uint8_t>& f) {
          fmt::write_u16(&f[table + fmt::layer::kWeightType],
                         static_cast<uint16_t>(fmt::DType::kInt8));
        }) == Status::kUnsupportedLayer);
  CHECK(edited([&](std::vector<uint8_t>& f) {
          fmt::write_u16(&f[table + fmt::layer::kActivation], 7);
        }) == Status::kUnsupportedLayer);
  CHECK(edited([](std::vector<uint8_t>& f) {
          fmt::write_f32(&f[fmt::header::kInputScale], std::numeric_limits<float>::infinity());
        }) == Status::kBadPreprocessing);
  CHECK(edited([](std::vector<uint8_t>& f) {  // names block one byte short: last name unterminated
          fmt::write_u32(&f[fmt::header::kClassNamesSize],
                         fmt::read_u32(&f[fmt::header::kClassNamesSize]) - 1);
        }) == Status::kBadClassNames);
  CHECK(edited([](std::vector<uint8_t>& f) { fmt::write_u16(&f[fmt::header::kNumClasses], 4); }) ==
        Status::kBadClassNames);
  CHECK(edited([&](std::vector<uint8_t>& f) {
          const uint32_t bias = fmt::read_u32(&f[table + fmt::layer::kBiasOffset]);
          fmt::write_f32(&f[bias], std::numeric_limits<float>::quiet_NaN());
        }) == Status::kNonFiniteWeights);
}

TEST_CASE("the loader needs 4-byte aligned bytes and accepts trailing bytes" *
          fixtures::needs_every_layer_mode()) {
  const std::vector<uint8_t> good = host::encode_model(fixtures::linear_spec(4, 4, 3));
  std::vector<uint8_t> shifted(good.size() + 1);
  std::memcpy(shifted.data() + 1, good.data(), good.size());
  Model model;
  CHECK(softedge::load(shifted.data() + 1, good.size(), &model) == Status::kMisalignedBuffer);

  std::vector<uint8_t> padded = good;
  padded.resize(good.size() + 100, 0xAB);  // e.g. a flash partition larger than the model
  CHECK(load_bytes(padded, &model) == Status::kOk);
  CHECK(model.file_size == good.size());
}
