// Encoding a model (float32 and int8 layers) into the layout of softedge/format.h. The writer
// checks only what it needs to encode at all; whether the result is a valid model is the
// runtime loader's to say, which it asks.
#include "softedge/host/model_writer.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "softedge/crc32.h"
#include "softedge/status.h"

namespace softedge {
namespace host {
namespace {

using namespace format;

const char* mode_name(LayerMode mode) {
  switch (mode) {
    case LayerMode::kFloat32:
      return "float32";
    case LayerMode::kInt8FloatOutput:
      return "int8, float outputs";
    case LayerMode::kInt8Uint8Output:
      return "int8, uint8 outputs";
  }
  return "?";
}

// "layer 1 (int8, uint8 outputs, 784 -> 256)": error messages name the layer.
std::string describe(const DenseLayerSpec& layer, size_t index) {
  return "layer " + std::to_string(index) + " (" + mode_name(layer_mode(layer)) + ", " +
         std::to_string(layer.in_features) + " -> " + std::to_string(layer.out_features) + ")";
}

// The bytes the spec's vectors hold for each tensor of the layer's mode.
LayerTensorBytes given_tensor_bytes(const DenseLayerSpec& layer) {
  const uint64_t bias_i32 = layer.bias_i32.size() * sizeof(int32_t);
  switch (layer_mode(layer)) {
    case LayerMode::kFloat32:
      return {layer.weights.size() * sizeof(float), layer.bias.size() * sizeof(float), 0};
    case LayerMode::kInt8FloatOutput:
      return {layer.weights_i8.size(), bias_i32, layer.scales.size() * sizeof(float)};
    case LayerMode::kInt8Uint8Output:
      return {layer.weights_i8.size(), bias_i32, layer.requant.size() * sizeof(int32_t)};
  }
  return {};
}

// The file is laid out from the sizes the layer's shape and mode give its tensors (format.h),
// so the vectors must hold exactly that much.
void check_tensor_sizes(const DenseLayerSpec& layer, size_t index) {
  const LayerTensorBytes expected =
      layer_tensor_bytes(layer_mode(layer), layer.in_features, layer.out_features);
  const LayerTensorBytes given = given_tensor_bytes(layer);
  if (given.weights != expected.weights || given.bias != expected.bias ||
      given.scales != expected.scales) {
    throw std::invalid_argument(describe(layer, index) +
                                ": its tensors do not have the sizes its shape gives them");
  }
}

// What the file's fields must be able to hold before anything can be encoded.
void check_encodable(const ModelSpec& spec) {
  if (spec.layers.size() > UINT16_MAX || spec.class_names.size() > UINT16_MAX) {
    throw std::invalid_argument("too many layers or classes for the format's 16-bit counts");
  }
  if (!spec.input_lut.empty() && spec.input_lut.size() != kInputLutSize) {
    throw std::invalid_argument("the input lookup table has 256 entries");
  }
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    if (!known_weight_type(static_cast<uint16_t>(spec.layers[l].weight_type))) {
      throw std::invalid_argument("layer " + std::to_string(l) +
                                  ": the weight type is neither float32 nor int8");
    }
    check_tensor_sizes(spec.layers[l], l);
  }
}

template <class T>
void put_values(std::vector<uint8_t>& file, uint32_t offset, const std::vector<T>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if constexpr (sizeof(T) == 1) {
      file[offset + i] = static_cast<uint8_t>(values[i]);
    } else if constexpr (std::is_same<T, float>::value) {
      write_f32(&file[offset + 4 * i], values[i]);
    } else {
      write_u32(&file[offset + 4 * i], static_cast<uint32_t>(values[i]));
    }
  }
}

// Lays out tensors one after the other, each at a multiple of 64 bytes.
class TensorPlacer {
 public:
  explicit TensorPlacer(uint64_t start) : cursor_(start) {}
  uint32_t place(uint64_t bytes) {
    cursor_ = (cursor_ + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
    const uint64_t offset = cursor_;
    cursor_ += bytes;
    if (cursor_ > UINT32_MAX) throw std::invalid_argument("model too large for the format");
    return static_cast<uint32_t>(offset);
  }
  uint32_t end() const { return static_cast<uint32_t>(cursor_); }

 private:
  uint64_t cursor_;
};

struct LayerOffsets {
  uint32_t weights = 0, bias = 0, scales = 0;
};

}  // namespace

std::vector<uint8_t> encode_model(const ModelSpec& spec) {
  check_encodable(spec);
  const uint32_t layer_count = static_cast<uint32_t>(spec.layers.size());
  const uint32_t table_offset = kHeaderSize;
  const uint32_t names_offset = table_offset + layer_count * kLayerEntrySize;
  std::string names;
  for (const std::string& name : spec.class_names) {
    names += name;
    names += '\0';
  }
  if (uint64_t{names.size()} > UINT32_MAX) {
    throw std::invalid_argument("class names too long for the format");
  }
  const uint32_t names_size = static_cast<uint32_t>(names.size());

  TensorPlacer placer(uint64_t{names_offset} + names_size);
  const uint32_t lut_offset = spec.input_lut.empty() ? 0 : placer.place(kInputLutSize);
  std::vector<LayerOffsets> offsets(layer_count);
  bool needs_version2 = lut_offset != 0;
  for (uint32_t l = 0; l < layer_count; ++l) {
    const DenseLayerSpec& layer = spec.layers[l];
    const LayerMode mode = layer_mode(layer);
    const LayerTensorBytes bytes = layer_tensor_bytes(mode, layer.in_features, layer.out_features);
    needs_version2 = needs_version2 || is_int8(mode);
    offsets[l].weights = placer.place(bytes.weights);
    offsets[l].bias = placer.place(bytes.bias);
    if (bytes.scales != 0) offsets[l].scales = placer.place(bytes.scales);
  }
  const uint32_t file_size = placer.end();

  std::vector<uint8_t> file(file_size, 0);
  std::memcpy(&file[header::kMagic], kMagic, sizeof kMagic);
  write_u16(&file[header::kVersion], needs_version2 ? kVersion2 : kVersion1);
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
  write_u32(&file[header::kInputLutOffset], lut_offset);
  std::memcpy(file.data() + names_offset, names.data(), names.size());
  if (lut_offset != 0) std::memcpy(&file[lut_offset], spec.input_lut.data(), kInputLutSize);

  for (uint32_t l = 0; l < layer_count; ++l) {
    const DenseLayerSpec& layer = spec.layers[l];
    uint8_t* entry = &file[table_offset + l * kLayerEntrySize];
    write_u16(entry + layer::kKind, static_cast<uint16_t>(LayerKind::kDense));
    write_u16(entry + layer::kActivation, static_cast<uint16_t>(layer.activation));
    write_u32(entry + layer::kInFeatures, layer.in_features);
    write_u32(entry + layer::kOutFeatures, layer.out_features);
    write_u16(entry + layer::kWeightType, static_cast<uint16_t>(layer.weight_type));
    write_u32(entry + layer::kWeightOffset, offsets[l].weights);
    write_u32(entry + layer::kBiasOffset, offsets[l].bias);
    write_u32(entry + layer::kScaleOffset, offsets[l].scales);
    write_f32(entry + layer::kOutputScale, layer.output_scale);
    switch (layer_mode(layer)) {
      case LayerMode::kFloat32:
        put_values(file, offsets[l].weights, layer.weights);
        put_values(file, offsets[l].bias, layer.bias);
        break;
      case LayerMode::kInt8FloatOutput:
        put_values(file, offsets[l].weights, layer.weights_i8);
        put_values(file, offsets[l].bias, layer.bias_i32);
        put_values(file, offsets[l].scales, layer.scales);
        break;
      case LayerMode::kInt8Uint8Output:
        put_values(file, offsets[l].weights, layer.weights_i8);
        put_values(file, offsets[l].bias, layer.bias_i32);
        put_values(file, offsets[l].scales, layer.requant);
        break;
    }
  }
  write_u32(&file[header::kCrc32], model_file_crc(file.data(), file.size()));

  // The runtime's own loader judges the bytes: the writer never accepts what it refuses.
  Model loaded;
  const Status status = load(file.data(), file.size(), &loaded);
  if (status != Status::kOk) {
    std::string layers;
    for (size_t l = 0; l < spec.layers.size(); ++l) {
      layers += (l ? "; " : "") + describe(spec.layers[l], l);
    }
    throw std::invalid_argument(std::string("not a model the runtime loads: ") +
                                status_message(status) + " [" + layers + "]");
  }
  return file;
}

format::LayerMode layer_mode(const DenseLayerSpec& layer) {
  return format::layer_mode(layer.weight_type, layer.output_scale);
}

ModelSpec spec_of(const Model& model) {
  ModelSpec spec;
  spec.input_height = model.input_height;
  spec.input_width = model.input_width;
  spec.input_channels = model.input_channels;
  spec.input_scale = model.input_scale;
  spec.input_bias = model.input_bias;
  if (model.input_lut != nullptr)
    spec.input_lut.assign(model.input_lut, model.input_lut + kInputLutSize);
  for (uint32_t c = 0; c < model.num_classes; ++c) spec.class_names.push_back(class_name(model, c));
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const DenseLayer& view = model.layers[l];
    const size_t weights = size_t{view.in_features} * view.out_features;
    DenseLayerSpec layer;
    layer.in_features = view.in_features;
    layer.out_features = view.out_features;
    layer.activation = view.activation;
    layer.weight_type = view.weight_type;
    layer.output_scale = view.output_scale;
    switch (view.mode) {
      case LayerMode::kFloat32:
        layer.weights.assign(view.weights, view.weights + weights);
        layer.bias.assign(view.bias, view.bias + view.out_features);
        break;
      case LayerMode::kInt8FloatOutput:
        layer.weights_i8.assign(view.weights_i8, view.weights_i8 + weights);
        layer.bias_i32.assign(view.bias_i32, view.bias_i32 + view.out_features);
        layer.scales.assign(view.scales, view.scales + view.out_features);
        break;
      case LayerMode::kInt8Uint8Output:
        layer.weights_i8.assign(view.weights_i8, view.weights_i8 + weights);
        layer.bias_i32.assign(view.bias_i32, view.bias_i32 + view.out_features);
        layer.requant.assign(view.requant, view.requant + 2 * size_t{view.out_features});
        break;
    }
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace host
}  // namespace softedge
