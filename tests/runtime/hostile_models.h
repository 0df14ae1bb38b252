// hostile_models.h — crafted model files, one defect each, with the Status load() must return
// (docs/FORMAT.md, "Check" columns). Every edit keeps the CRC valid unless the case says
// otherwise, so the defect reaches the structural checks: a hostile file can carry a valid
// checksum. Used by the runtime suite (test_hostile_model_headers.cpp, every target) and by
// the host suite (the `softedge` tool must print the matching message naming the file).
#ifndef SOFTEDGE_TESTS_HOSTILE_MODELS_H
#define SOFTEDGE_TESTS_HOSTILE_MODELS_H

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "conv_model_fixtures.h"
#include "model_fixtures.h"
#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/host/model_writer.h"
#include "softedge/model.h"

namespace fixtures {

struct HostileCase {
  std::string name;           // what is wrong, for messages and file names
  std::vector<uint8_t> file;  // handed whole to load()
  softedge::Status expected;
};

namespace hostile_detail {

namespace fmt = softedge::format;
using Bytes = std::vector<uint8_t>;
using softedge::Status;

inline uint32_t table_of(const Bytes& f) {
  return fmt::read_u32(&f[fmt::header::kLayerTableOffset]);
}
inline uint32_t entry_field(const Bytes& f, uint32_t layer, uint32_t field) {
  return fmt::read_u32(&f[table_of(f) + layer * fmt::kLayerEntrySize + field]);
}

// 4 x 4 -> 3 float32 (v1): header 64, table 64..96, names 96..117, weights 128..320, bias
// 320..332.
inline Bytes tiny_float() { return softedge::host::encode_model(linear_spec(4, 4, 3, 21)); }

// The same shape with an int8 layer (v2).
inline Bytes tiny_int8() {
  softedge::host::ModelSpec spec = linear_spec(4, 4, 3, 22);
  softedge::host::DenseLayerSpec& layer = spec.layers[0];
  layer.weight_type = fmt::DType::kInt8;
  layer.weights.clear();
  layer.bias.clear();
  layer.weights_i8.assign(48, 3);
  layer.bias_i32 = {100, -200, 300};
  layer.scales = {0.5f, 0.25f, 0.125f};
  return softedge::host::encode_model(spec);
}

// tiny_int8() with 256 more bytes at offset 320 holding an input lookup table (lut(p) = 255 - p),
// file size 576. Valid.
inline Bytes int8_with_lut() {
  Bytes f = tiny_int8();
  f.resize(576, 0);
  for (uint32_t p = 0; p < 256; ++p) f[320 + p] = static_cast<uint8_t>(255 - p);
  fmt::write_u32(&f[fmt::header::kFileSize], 576);
  fmt::write_u32(&f[fmt::header::kInputLutOffset], 320);
  refresh_crc(f);
  return f;
}

// 4 x 4 -> 5 (ReLU) -> 3, float32.
inline Bytes two_layers() {
  softedge::host::ModelSpec spec = linear_spec(4, 4, 3, 23);
  spec.layers.clear();
  spec.layers.push_back(dense_layer(16, 5, 24, 0.1f, fmt::Activation::kRelu));
  spec.layers.push_back(dense_layer(5, 3, 25));
  return softedge::host::encode_model(spec);
}

}  // namespace hostile_detail

// Every crafted case. `file` is what load() gets (4-byte aligned by the caller).
inline std::vector<HostileCase> hostile_cases() {
  using namespace hostile_detail;
  namespace header = fmt::header;
  namespace layer = fmt::layer;
  std::vector<HostileCase> cases;
  const Bytes f32 = tiny_float();
  const Bytes i8 = tiny_int8();
  const Bytes mlp = two_layers();

  auto add = [&cases](const std::string& name, const Bytes& base,
                      const std::function<void(Bytes&)>& edit, Status expected,
                      bool refresh = true) {
    Bytes file = base;
    edit(file);
    if (refresh) refresh_crc(file);
    cases.push_back({name, file, expected});
  };
  auto u16 = [](uint32_t offset, uint16_t value) {
    return [=](Bytes& f) { fmt::write_u16(&f[offset], value); };
  };
  auto u32 = [](uint32_t offset, uint32_t value) {
    return [=](Bytes& f) { fmt::write_u32(&f[offset], value); };
  };
  // A field of layer `l`'s table entry.
  auto entry16 = [](uint32_t l, uint32_t field, uint16_t value) {
    return [=](Bytes& f) {
      fmt::write_u16(&f[table_of(f) + l * fmt::kLayerEntrySize + field], value);
    };
  };
  auto entry32 = [](uint32_t l, uint32_t field, uint32_t value) {
    return [=](Bytes& f) {
      fmt::write_u32(&f[table_of(f) + l * fmt::kLayerEntrySize + field], value);
    };
  };
  auto entry_add = [](uint32_t l, uint32_t field, uint32_t delta) {
    return [=](Bytes& f) {
      uint8_t* p = &f[table_of(f) + l * fmt::kLayerEntrySize + field];
      fmt::write_u32(p, fmt::read_u32(p) + delta);
    };
  };
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const uint16_t newer = static_cast<uint16_t>(fmt::kNewestVersion + 1);

  // --- magic, version, header -----------------------------------------------------------
  add("wrong magic", f32, [](Bytes& f) { f[3] = 'H'; }, Status::kBadMagic);
  add("version 0", f32, u16(header::kVersion, 0), Status::kUnsupportedVersion);
  add("newer version", f32, u16(header::kVersion, newer), Status::kUnsupportedVersion);
  add("version 65535", f32, u16(header::kVersion, 0xFFFF), Status::kUnsupportedVersion);
  // A future file need not follow today's rules at all: its version is checked before the
  // checksum and everything else, so it is reported as newer, not as corrupt.
  add("newer version, other checksum and layout", f32,
      [&](Bytes& f) {
        fmt::write_u16(&f[header::kVersion], newer);
        fmt::write_u16(&f[header::kLayerEntrySize], 48);
        f.back() ^= 0xFF;
      },
      Status::kUnsupportedVersion, false);
  add("header size 48", f32, u16(header::kHeaderSize, 48), Status::kBadHeader);
  add("header size 65535", f32, u16(header::kHeaderSize, 0xFFFF), Status::kBadHeader);
  add("file size 0", f32, u32(header::kFileSize, 0), Status::kBadHeader, false);
  add("file size 63", f32, u32(header::kFileSize, 63), Status::kBadHeader, false);
  add("file size one past the buffer", f32,
      [](Bytes& f) { fmt::write_u32(&f[header::kFileSize], static_cast<uint32_t>(f.size() + 1)); },
      Status::kTruncated, false);
  add("file size 4 GiB - 1", f32, u32(header::kFileSize, 0xFFFFFFFFu), Status::kTruncated, false);
  add("flags set", f32, u32(header::kFlags, 1), Status::kBadHeader);
  add("reserved field set", f32, u32(header::kReserved, 0x80000000u), Status::kBadHeader);
  add("checksum off by one bit", f32, [](Bytes& f) { f[header::kCrc32] ^= 1; },
      Status::kChecksumMismatch, false);
  add("one tensor byte changed, old checksum", f32, [](Bytes& f) { f[200] ^= 0x40; },
      Status::kChecksumMismatch, false);

  // --- dimensions ---------------------------------------------------------------------------
  add("input 65535 x 65535 x 65535 (product overflows 32 bits)", f32,
      [](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 0xFFFF);
        fmt::write_u16(&f[header::kInputWidth], 0xFFFF);
        fmt::write_u16(&f[header::kInputChannels], 0xFFFF);
      },
      Status::kBadDimensions);
  add("input 32769 x 32768 x 4 (product wraps to 131072 in 32 bits)", f32,
      [](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 0x8001);
        fmt::write_u16(&f[header::kInputWidth], 0x8000);
        fmt::write_u16(&f[header::kInputChannels], 4);
      },
      Status::kBadDimensions);
  add("input 1024 x 1024 x 2 (above kMaxFeatures)", f32,
      [](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 1024);
        fmt::write_u16(&f[header::kInputWidth], 1024);
        fmt::write_u16(&f[header::kInputChannels], 2);
      },
      Status::kBadDimensions);
  add("input height 0", f32, u16(header::kInputHeight, 0), Status::kBadDimensions);
  add("input width 0", f32, u16(header::kInputWidth, 0), Status::kBadDimensions);
  add("input channels 0", f32, u16(header::kInputChannels, 0), Status::kBadDimensions);
  add("0 classes", f32, u16(header::kNumClasses, 0), Status::kBadDimensions);
  add("1025 classes (above kMaxClasses)", f32, u16(header::kNumClasses, 1025),
      Status::kBadDimensions);
  add("in_features differs from the input size", f32, entry32(0, layer::kInFeatures, 17),
      Status::kBadDimensions);
  add("out_features 0", f32, entry32(0, layer::kOutFeatures, 0), Status::kBadDimensions);
  add("out_features 2^20 + 1 (above kMaxFeatures)", f32,
      entry32(0, layer::kOutFeatures, fmt::kMaxFeatures + 1), Status::kBadDimensions);
  add("out_features 4 GiB - 1", f32, entry32(0, layer::kOutFeatures, 0xFFFFFFFFu),
      Status::kBadDimensions);
  add("out_features 2^20 (allowed, but 64 MiB of weights past the end)", f32,
      entry32(0, layer::kOutFeatures, fmt::kMaxFeatures), Status::kBadTensorOffset);
  add("2^20 x 4096 weights (2^32 elements: 0 in 32-bit arithmetic)", f32,
      [](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 1024);
        fmt::write_u16(&f[header::kInputWidth], 1024);
        fmt::write_u16(&f[header::kInputChannels], 1);
        const uint32_t entry = table_of(f);
        fmt::write_u32(&f[entry + layer::kInFeatures], 1u << 20);
        fmt::write_u32(&f[entry + layer::kOutFeatures], 4096);
      },
      Status::kBadTensorOffset);
  add("layers do not chain (layer 1 reads 4 of 5 outputs)", mlp,
      entry32(1, layer::kInFeatures, 4), Status::kBadDimensions);
  {
    // Last layer 4 wide, num_classes 3 (and exactly 3 names, so the names are fine).
    softedge::host::ModelSpec spec = linear_spec(4, 4, 4, 26);
    Bytes f = softedge::host::encode_model(spec);
    fmt::write_u16(&f[header::kNumClasses], 3);
    fmt::write_u32(&f[header::kClassNamesSize], fmt::read_u32(&f[header::kClassNamesSize]) - 7);
    refresh_crc(f);
    cases.push_back({"last layer width differs from num_classes", f, Status::kBadDimensions});
  }

  // --- offsets past the end -----------------------------------------------------------------
  add("weights at 4 GiB - 64 (end wraps in 32 bits)", f32,
      entry32(0, layer::kWeightOffset, 0xFFFFFFC0u), Status::kBadTensorOffset);
  add("weights start past the end", f32, entry32(0, layer::kWeightOffset, 384),
      Status::kBadTensorOffset);
  add("bias starts past the end", f32, entry32(0, layer::kBiasOffset, 384),
      Status::kBadTensorOffset);
  add("file size cuts the bias short", f32,
      [](Bytes& f) {
        fmt::write_u32(&f[header::kFileSize], static_cast<uint32_t>(f.size() - 4));
        fmt::write_u32(&f[header::kCrc32], softedge::model_file_crc(f.data(), f.size() - 4));
      },
      Status::kBadTensorOffset, false);
  add("layer table past the end", f32, u32(header::kLayerTableOffset, 0xFFFFFFE0u),
      Status::kBadLayerTable);
  add("class names past the end", f32, u32(header::kClassNamesOffset, 0xFFFFFFF0u),
      Status::kBadClassNames);
  add("class names size 4 GiB - 1", f32, u32(header::kClassNamesSize, 0xFFFFFFFFu),
      Status::kBadClassNames);
  add("int8 scales past the end", i8, entry32(0, layer::kScaleOffset, 0xFFFFFFC0u),
      Status::kBadTensorOffset);

  // --- overlapping regions ------------------------------------------------------------------
  add(
      "bias overlaps the weights", f32,
      [](Bytes& f) {
        fmt::write_u32(&f[table_of(f) + layer::kBiasOffset],
                       entry_field(f, 0, layer::kWeightOffset));
      },
      Status::kBadTensorOffset);
  add("weights over the header", f32, entry32(0, layer::kWeightOffset, 0),
      Status::kBadTensorOffset);
  add("weights over the layer table", f32, entry32(0, layer::kWeightOffset, 64),
      Status::kBadTensorOffset);
  add("layer table over the header", f32, u32(header::kLayerTableOffset, 32),
      Status::kBadLayerTable);
  add("class names over the layer table", f32, u32(header::kClassNamesOffset, 64),
      Status::kBadClassNames);
  add(
      "int8 scales over the bias", i8,
      [](Bytes& f) {
        fmt::write_u32(&f[table_of(f) + layer::kScaleOffset],
                       entry_field(f, 0, layer::kBiasOffset));
      },
      Status::kBadTensorOffset);
  add("layer 1 weights over layer 0 weights", mlp,
      [](Bytes& f) {
        fmt::write_u32(&f[table_of(f) + fmt::kLayerEntrySize + layer::kWeightOffset],
                       entry_field(f, 0, layer::kWeightOffset));
      },
      Status::kBadTensorOffset);

  // --- misaligned ---------------------------------------------------------------------------
  add("weights 4 bytes off alignment", f32, entry_add(0, layer::kWeightOffset, 4),
      Status::kBadTensorOffset);
  add("weights 1 byte off alignment", f32, entry_add(0, layer::kWeightOffset, 1),
      Status::kBadTensorOffset);
  add("bias 4 bytes off alignment", f32, entry_add(0, layer::kBiasOffset, 4),
      Status::kBadTensorOffset);
  add("int8 weights 1 byte off alignment", i8, entry_add(0, layer::kWeightOffset, 1),
      Status::kBadTensorOffset);
  add("layer table at an odd offset", f32, u32(header::kLayerTableOffset, 66),
      Status::kBadLayerTable);

  // --- layer table --------------------------------------------------------------------------
  add("0 layers", f32, u16(header::kLayerCount, 0), Status::kBadLayerTable);
  add("9 layers (above kMaxLayers)", f32, u16(header::kLayerCount, 9), Status::kBadLayerTable);
  add("65535 layers", f32, u16(header::kLayerCount, 0xFFFF), Status::kBadLayerTable);
  // The table then covers 64..128, over the names block (96..117), and the names are placed
  // after the table: docs/FORMAT.md gives that overlap kBadClassNames.
  add("2 layers in a 1-layer file (table grows over the names)", f32,
      u16(header::kLayerCount, 2), Status::kBadClassNames);
  // Layer 1 is not read: layer 0's 5 outputs are not the 3 classes.
  add("1 layer in a 2-layer file", mlp, u16(header::kLayerCount, 1), Status::kBadDimensions);
  add("layer entry size 33", f32, u16(header::kLayerEntrySize, 33), Status::kBadLayerTable);
  add("layer entry size 16", f32, u16(header::kLayerEntrySize, 16), Status::kBadLayerTable);
  add("layer kind 2", f32, entry16(0, layer::kKind, 2), Status::kUnsupportedLayer);
  add("activation 2", f32, entry16(0, layer::kActivation, 2), Status::kUnsupportedLayer);
  add("weight type 0", f32, entry16(0, layer::kWeightType, 0), Status::kUnsupportedLayer);
  add("weight type 3", f32, entry16(0, layer::kWeightType, 3), Status::kUnsupportedLayer);
  add("layer reserved16 set", f32, entry16(0, layer::kReserved16, 1), Status::kBadLayerTable);
  add("float layer with a scale offset", f32, entry32(0, layer::kScaleOffset, 320),
      Status::kBadLayerTable);
  add("float layer with an output scale", f32,
      [](Bytes& f) { fmt::write_f32(&f[table_of(f) + layer::kOutputScale], 0.5f); },
      Status::kBadLayerTable);

  // --- values -------------------------------------------------------------------------------
  add("a NaN weight", f32,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kWeightOffset) + 20], nan); },
      Status::kNonFiniteWeights);
  add("an infinite weight (the last one)", f32,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kBiasOffset) - 4], inf); },
      Status::kNonFiniteWeights);
  add("a -Inf bias", f32,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kBiasOffset) + 8], -inf); },
      Status::kNonFiniteWeights);
  add("a NaN weight in layer 1", mlp,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 1, layer::kWeightOffset)], nan); },
      Status::kNonFiniteWeights);
  add("preprocess 0", f32, u32(header::kPreprocess, 0), Status::kBadPreprocessing);
  add("preprocess 2", f32, u32(header::kPreprocess, 2), Status::kBadPreprocessing);
  add("input scale NaN", f32, [&](Bytes& f) { fmt::write_f32(&f[header::kInputScale], nan); },
      Status::kBadPreprocessing);
  add("input bias Inf", f32, [&](Bytes& f) { fmt::write_f32(&f[header::kInputBias], inf); },
      Status::kBadPreprocessing);
  add("input lookup table in a version 1 file", f32, u32(header::kInputLutOffset, 384),
      Status::kBadPreprocessing);
  add("input lookup table past the end", i8, u32(header::kInputLutOffset, 0xFFFFFF00u),
      Status::kBadPreprocessing);
  add("input lookup table misaligned", i8, u32(header::kInputLutOffset, 68),
      Status::kBadPreprocessing);
  // Regions are placed in order (header, lookup table, layer table, names, then each layer's
  // tensors); an overlap is reported by the region placed second.
  add("input lookup table over the layer table", int8_with_lut(),
      u32(header::kInputLutOffset, 64), Status::kBadLayerTable);
  add("input lookup table over the int8 scales", int8_with_lut(),
      [](Bytes& f) {
        fmt::write_u32(&f[header::kInputLutOffset], entry_field(f, 0, layer::kScaleOffset));
      },
      Status::kBadTensorOffset);

  // --- int8 -------------------------------------------------------------------------------
  add("int8 layer in a version 1 file", i8, u16(header::kVersion, 1), Status::kUnsupportedLayer);
  add("int8 layer with an input bias", i8,
      [](Bytes& f) { fmt::write_f32(&f[header::kInputBias], 0.5f); }, Status::kUnsupportedLayer);
  add("int8 layer after a float layer", mlp,
      [](Bytes& f) {
        fmt::write_u16(&f[header::kVersion], 2);
        fmt::write_u16(&f[table_of(f) + fmt::kLayerEntrySize + layer::kWeightType], 2);
      },
      Status::kUnsupportedLayer);
  add("int8 last layer with uint8 outputs (output scale set)", i8,
      [](Bytes& f) { fmt::write_f32(&f[table_of(f) + layer::kOutputScale], 0.5f); },
      Status::kUnsupportedLayer);
  add("int8 scale 0", i8,
      [](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kScaleOffset)], 0.0f); },
      Status::kBadQuantization);
  add("int8 scale negative", i8,
      [](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kScaleOffset) + 4], -1.0f); },
      Status::kBadQuantization);
  add("int8 scale NaN", i8,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kScaleOffset) + 8], nan); },
      Status::kBadQuantization);
  add("int8 scale Inf", i8,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 0, layer::kScaleOffset)], inf); },
      Status::kBadQuantization);
  add("int8 bias INT32_MAX (the accumulator could overflow)", i8,
      [](Bytes& f) { fmt::write_u32(&f[entry_field(f, 0, layer::kBiasOffset)], 0x7FFFFFFFu); },
      Status::kBadQuantization);
  add("int8 bias INT32_MIN", i8,
      [](Bytes& f) { fmt::write_u32(&f[entry_field(f, 0, layer::kBiasOffset) + 8], 0x80000000u); },
      Status::kBadQuantization);

  // --- version 3: convolution and pooling (conv_model_fixtures.h) ----------------------------
  // fc: 0 conv 3x3/2 pad 1 over 7x5x2 -> 4x3x4, 1 max pool 2/1 -> 3x2x4, 2 conv 2x2/1 pad 1
  // (sigmoid) -> 4x3x3, 3 average pool 2/2 -> 2x1x3, 4 dense 6 -> 3. ic: 0 int8 conv (uint8
  // outputs) 6x5x1 -> 6x5x4, 1 int8 max pool -> 3x2x4, 2 int8 conv (uint8) -> 4x3x2, 3 int8
  // average pool -> 2x1x2, 4 int8 dense 4 -> 3 (float outputs).
  const Bytes fc = softedge::host::encode_model(fixtures::float_conv_spec());
  const Bytes ic = softedge::host::encode_model(fixtures::int8_conv_spec());
  auto entry8 = [](uint32_t l, uint32_t field, uint8_t value) {
    return [=](Bytes& f) { f[table_of(f) + l * fmt::kLayerEntrySize + field] = value; };
  };
  auto both = [](std::function<void(Bytes&)> a, std::function<void(Bytes&)> b) {
    return [=](Bytes& f) {
      a(f);
      b(f);
    };
  };
  add("layer kind 0 in a version 3 file", fc, entry16(0, layer::kKind, 0),
      Status::kUnsupportedLayer);
  add("layer kind 5 in a version 3 file", fc, entry16(0, layer::kKind, 5),
      Status::kUnsupportedLayer);
  add("convolution in a version 2 file", fc, u16(header::kVersion, 2), Status::kUnsupportedLayer);
  add("convolution in a version 1 file", fc, u16(header::kVersion, 1), Status::kUnsupportedLayer);
  add("max pool in a version 2 file", i8,
      both(u16(header::kVersion, 2), entry16(0, layer::kKind, 3)), Status::kUnsupportedLayer);
  add("sigmoid in a version 2 file", i8,
      both(u16(header::kVersion, 2), entry16(0, layer::kActivation, 2)),
      Status::kUnsupportedLayer);
  add("activation 3 in a version 3 file", fc, entry16(0, layer::kActivation, 3),
      Status::kUnsupportedLayer);
  add("kernel size 0", fc, entry8(0, layer::kKernelSize, 0), Status::kBadDimensions);
  add("kernel size 16", fc, entry8(0, layer::kKernelSize, 16), Status::kBadDimensions);
  add("kernel size 255", fc, entry8(0, layer::kKernelSize, 255), Status::kBadDimensions);
  add("stride 0", fc, entry8(0, layer::kStridePadding, 0x10), Status::kBadDimensions);
  add("convolution padding equal to its kernel size", fc,
      entry8(2, layer::kStridePadding, 0x21), Status::kBadDimensions);
  add("convolution padding 15", fc, entry8(0, layer::kStridePadding, 0xF2),
      Status::kBadDimensions);
  add("max pool with padding 1", fc, entry8(1, layer::kStridePadding, 0x11),
      Status::kBadDimensions);
  add("average pool with padding 1", fc, entry8(3, layer::kStridePadding, 0x12),
      Status::kBadDimensions);
  add("convolution window wider than the padded input", fc, entry8(0, layer::kKernelSize, 8),
      Status::kBadDimensions);
  add("pool window larger than its input", fc, entry8(3, layer::kKernelSize, 5),
      Status::kBadDimensions);
  add("convolution out_features not a multiple of its positions", fc,
      entry32(0, layer::kOutFeatures, 47), Status::kBadDimensions);
  add("convolution out_features 2^20 + 1", fc,
      entry32(0, layer::kOutFeatures, fmt::kMaxFeatures + 1), Status::kBadDimensions);
  // 60 = 12 positions x 5 channels is a valid shape, but 5 rows of weights (360 bytes) run
  // into the bias written after the 4 rows (288 bytes).
  add("convolution with 5 channels in the tensors of 4", fc,
      entry32(0, layer::kOutFeatures, 60), Status::kBadTensorOffset);
  add("max pool out_features not its input channels x positions", fc,
      entry32(1, layer::kOutFeatures, 12), Status::kBadDimensions);
  add("convolution in_features differs from the input image", fc,
      entry32(0, layer::kInFeatures, 71), Status::kBadDimensions);
  add("dense layer after a pool with a stride (geometry byte 15)", fc,
      entry8(4, layer::kStridePadding, 1), Status::kBadLayerTable);
  add("dense layer with a kernel size (geometry byte 14)", fc, entry8(4, layer::kKernelSize, 1),
      Status::kBadLayerTable);
  add("max pool with a weight offset", fc, entry32(1, layer::kWeightOffset, 64),
      Status::kBadLayerTable);
  add("max pool with a bias offset", fc, entry32(1, layer::kBiasOffset, 64),
      Status::kBadLayerTable);
  add("average pool with a scale offset", fc, entry32(3, layer::kScaleOffset, 64),
      Status::kBadLayerTable);
  add("max pool with ReLU", fc, entry16(1, layer::kActivation, 1), Status::kUnsupportedLayer);
  add("average pool with sigmoid", fc, entry16(3, layer::kActivation, 2),
      Status::kUnsupportedLayer);
  add("float max pool with an output scale", fc,
      [](Bytes& f) { fmt::write_f32(&f[table_of(f) + 32 + layer::kOutputScale], 0.5f); },
      Status::kBadLayerTable);
  add("int8 max pool after a float convolution", fc,
      both(entry16(1, layer::kWeightType, 2),
           [](Bytes& f) { fmt::write_f32(&f[table_of(f) + 32 + layer::kOutputScale], 0.5f); }),
      Status::kUnsupportedLayer);
  add("int8 max pool whose output scale is one ulp off the layer before", ic,
      entry_add(1, layer::kOutputScale, 1), Status::kUnsupportedLayer);
  add("int8 max pool with output scale 0 (float outputs)", ic,
      entry32(1, layer::kOutputScale, 0), Status::kUnsupportedLayer);
  add("float max pool on uint8 data", ic,
      both(entry16(1, layer::kWeightType, 1), entry32(1, layer::kOutputScale, 0)),
      Status::kUnsupportedLayer);
  add("int8 max pool as the last layer", ic, u16(header::kLayerCount, 2),
      Status::kUnsupportedLayer);
  add("sigmoid on a convolution's uint8 outputs", ic, entry16(0, layer::kActivation, 2),
      Status::kUnsupportedLayer);
  add("int8 convolution with an input bias", ic,
      [](Bytes& f) { fmt::write_f32(&f[header::kInputBias], 0.5f); }, Status::kUnsupportedLayer);
  add("int8 convolution with uint8 outputs and no ReLU", ic, entry16(2, layer::kActivation, 0),
      Status::kUnsupportedLayer);
  // Layer 0's weights are rows x row_length = 4 x (3 * 3 * 2) floats, 288 bytes.
  add("convolution bias over the last row of its weights", fc,
      [](Bytes& f) {
        fmt::write_u32(&f[table_of(f) + layer::kBiasOffset],
                       entry_field(f, 0, layer::kWeightOffset) + 256);
      },
      Status::kBadTensorOffset);
  add("a NaN convolution weight", fc,
      [&](Bytes& f) { fmt::write_f32(&f[entry_field(f, 2, layer::kWeightOffset) + 4], nan); },
      Status::kNonFiniteWeights);
  add("int8 convolution bias above its 9-weight accumulator bound", ic,
      [](Bytes& f) {
        fmt::write_u32(&f[entry_field(f, 0, layer::kBiasOffset)], INT32_MAX - 9 * 255 * 128 + 1);
      },
      Status::kBadQuantization);
  add("int8 convolution requantization shift 32", ic,
      [](Bytes& f) { fmt::write_u32(&f[entry_field(f, 0, layer::kScaleOffset) + 4], 32); },
      Status::kBadQuantization);
  // Products of the geometry: an input of 1 x 1 x 4700 under a 15 x 15 window (padding 7)
  // makes rows of 15 * 15 * 4700 > 2^20 weights; 1 x 600 x 1000 under 3 x 3 (padding 1)
  // makes an im2col row of 600 patches x 9000 values > 2^20.
  add("convolution rows of 15 x 15 x 4700 weights (above kMaxFeatures)", fc,
      [&](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 1);
        fmt::write_u16(&f[header::kInputWidth], 1);
        fmt::write_u16(&f[header::kInputChannels], 4700);
        fmt::write_u32(&f[table_of(f) + layer::kInFeatures], 4700);
        fmt::write_u32(&f[table_of(f) + layer::kOutFeatures], 4);
        f[table_of(f) + layer::kKernelSize] = 15;
        f[table_of(f) + layer::kStridePadding] = 0x71;
      },
      Status::kBadDimensions);
  add("convolution patch row of 600 x 9000 values (above kMaxFeatures)", fc,
      [&](Bytes& f) {
        fmt::write_u16(&f[header::kInputHeight], 1);
        fmt::write_u16(&f[header::kInputWidth], 600);
        fmt::write_u16(&f[header::kInputChannels], 1000);
        fmt::write_u32(&f[table_of(f) + layer::kInFeatures], 600000);
        fmt::write_u32(&f[table_of(f) + layer::kOutFeatures], 2400);
        f[table_of(f) + layer::kKernelSize] = 3;
        f[table_of(f) + layer::kStridePadding] = 0x11;
      },
      Status::kBadDimensions);

  // --- class names --------------------------------------------------------------------------
  add("class names size 0", f32, u32(header::kClassNamesSize, 0), Status::kBadClassNames);
  add("an empty class name", f32,
      [](Bytes& f) { f[fmt::read_u32(&f[header::kClassNamesOffset])] = 0; },
      Status::kBadClassNames);
  add("last class name unterminated", f32,
      [](Bytes& f) {
        fmt::write_u32(&f[header::kClassNamesSize], fmt::read_u32(&f[header::kClassNamesSize]) - 1);
      },
      Status::kBadClassNames);
  add("more names than classes", f32, u16(header::kNumClasses, 2), Status::kBadClassNames);
  return cases;
}

}  // namespace fixtures

#endif
