// Encoding a float model into the v1 layout of softedge/format.h.
#include "softedge/model_writer.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "softedge/crc32.h"

namespace softedge {
namespace {

using namespace format;

bool all_finite(const std::vector<float>& values) {
  for (float v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// Everything the loader would reject is refused here, with a reason, instead.
void check_spec(const FloatModelSpec& spec) {
  if (spec.layers.empty() || spec.layers.size() > kMaxLayers) {
    throw std::invalid_argument("a model needs 1 to 8 layers");
  }
  const uint64_t input = uint64_t{spec.input_height} * spec.input_width * spec.input_channels;
  if (input == 0 || input > kMaxFeatures) throw std::invalid_argument("input size out of range");
  if (!std::isfinite(spec.input_scale) || !std::isfinite(spec.input_bias)) {
    throw std::invalid_argument("input scale and bias must be finite");
  }
  uint64_t width = input;
  uint64_t tensor_bytes = 0;
  for (const FloatDenseLayer& layer : spec.layers) {
    if (layer.in_features != width || layer.out_features == 0 ||
        layer.out_features > kMaxFeatures ||
        layer.weights.size() != size_t{layer.in_features} * layer.out_features ||
        layer.bias.size() != layer.out_features) {
      throw std::invalid_argument("layer shapes do not chain or do not match their tensors");
    }
    if (!all_finite(layer.weights) || !all_finite(layer.bias)) {
      throw std::invalid_argument("weights and biases must be finite");
    }
    tensor_bytes += (layer.weights.size() + layer.bias.size()) * sizeof(float) + 2 * kTensorAlignment;
    width = layer.out_features;
  }
  if (spec.class_names.size() != width || width > kMaxClasses) {
    throw std::invalid_argument("one class name per output is needed (at most 1024 classes)");
  }
  if (tensor_bytes > UINT32_MAX / 2) throw std::invalid_argument("model too large for format v1");
}

void put_floats(std::vector<uint8_t>& file, uint32_t offset, const std::vector<float>& values) {
  for (size_t i = 0; i < values.size(); ++i) write_f32(&file[offset + 4 * i], values[i]);
}

}  // namespace

std::vector<uint8_t> encode_model(const FloatModelSpec& spec) {
  check_spec(spec);
  const uint32_t layer_count = static_cast<uint32_t>(spec.layers.size());
  const uint32_t table_offset = kHeaderSize;
  const uint32_t names_offset = table_offset + layer_count * kLayerEntrySize;
  std::string names;
  for (const std::string& name : spec.class_names) {
    if (name.empty() || name.find('\0') != std::string::npos) {
      throw std::invalid_argument("class names must be non-empty and contain no NUL");
    }
    names += name;
    names += '\0';
  }
  const uint32_t names_size = static_cast<uint32_t>(names.size());

  // Tensors follow, each at a multiple of 64 bytes.
  uint32_t cursor = names_offset + names_size;
  std::vector<uint32_t> weight_offsets, bias_offsets;
  for (const FloatDenseLayer& layer : spec.layers) {
    cursor = align_up(cursor, kTensorAlignment);
    weight_offsets.push_back(cursor);
    cursor += static_cast<uint32_t>(layer.weights.size() * sizeof(float));
    cursor = align_up(cursor, kTensorAlignment);
    bias_offsets.push_back(cursor);
    cursor += static_cast<uint32_t>(layer.bias.size() * sizeof(float));
  }
  const uint32_t file_size = cursor;

  std::vector<uint8_t> file(file_size, 0);
  std::memcpy(&file[header::kMagic], kMagic, sizeof kMagic);
  write_u16(&file[header::kVersion], kVersion);
  write_u16(&file[header::kHeaderSize], kHeaderSize);
  write_u32(&file[header::kFileSize], file_size);
  write_u16(&file[header::kInputHeight], spec.input_height);
  write_u16(&file[header::kInputWidth], spec.input_width);
  write_u16(&file[header::kInputChannels], spec.input_channels);
  write_u16(&file[header::kNumClasses], static_cast<uint16_t>(spec.class_names.size()));
  write_u16(&file[header::kLayerCount], static_cast<uint16_t>(layer_count));
  write_u16(&file[header::kLayerEntrySize], kLayerEntrySize);
  write_u32(&file[header::kLayerTableOffset], table_offset);
  write_u32(&file[header::kClassNamesOffset], names_offset);
  write_u32(&file[header::kClassNamesSize], names_size);
  write_u32(&file[header::kPreprocess], static_cast<uint32_t>(Preprocess::kAffine));
  write_f32(&file[header::kInputScale], spec.input_scale);
  write_f32(&file[header::kInputBias], spec.input_bias);
  std::memcpy(&file[names_offset], names.data(), names.size());

  for (uint32_t l = 0; l < layer_count; ++l) {
    const FloatDenseLayer& layer = spec.layers[l];
    uint8_t* entry = &file[table_offset + l * kLayerEntrySize];
    write_u16(entry + layer::kKind, static_cast<uint16_t>(LayerKind::kDense));
    write_u16(entry + layer::kActivation, static_cast<uint16_t>(layer.activation));
    write_u32(entry + layer::kInFeatures, layer.in_features);
    write_u32(entry + layer::kOutFeatures, layer.out_features);
    write_u16(entry + layer::kWeightType, static_cast<uint16_t>(DType::kFloat32));
    write_u32(entry + layer::kWeightOffset, weight_offsets[l]);
    write_u32(entry + layer::kBiasOffset, bias_offsets[l]);
    put_floats(file, weight_offsets[l], layer.weights);
    put_floats(file, bias_offsets[l], layer.bias);
  }
  write_u32(&file[header::kCrc32], model_file_crc(file.data(), file.size()));
  return file;
}

}  // namespace softedge
