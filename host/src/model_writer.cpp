// Encoding a model (float32 and int8 layers) into the layout of softedge/format.h.
#include "softedge/host/model_writer.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <stdexcept>

#include "softedge/crc32.h"

namespace softedge {
namespace host {
namespace {

using namespace format;

bool all_finite(const std::vector<float>& values) {
  for (float v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

bool is_int8(const DenseLayerSpec& layer) { return layer.weight_type == DType::kInt8; }

void check_tensors(const DenseLayerSpec& layer) {
  const size_t weights = size_t{layer.in_features} * layer.out_features;
  if (!is_int8(layer)) {
    if (layer.weights.size() != weights || layer.bias.size() != layer.out_features) {
      throw std::invalid_argument("float layer tensors do not match the layer's shape");
    }
    if (!all_finite(layer.weights) || !all_finite(layer.bias)) {
      throw std::invalid_argument("weights and biases must be finite");
    }
    return;
  }
  const bool uint8_outputs = layer.output_scale != 0.0f;
  if (layer.weights_i8.size() != weights || layer.bias_i32.size() != layer.out_features ||
      (uint8_outputs ? layer.requant.size() != 2 * size_t{layer.out_features}
                     : layer.scales.size() != layer.out_features)) {
    throw std::invalid_argument("int8 layer tensors do not match the layer's shape");
  }
  if (uint8_outputs) {
    if (!(layer.output_scale > 0.0f) || !std::isfinite(layer.output_scale) ||
        layer.activation != Activation::kRelu) {
      throw std::invalid_argument("uint8 outputs need a positive output scale and ReLU");
    }
    for (size_t o = 0; o < layer.out_features; ++o) {
      if (layer.requant[2 * o] < (1 << 30) || layer.requant[2 * o + 1] < -30 ||
          layer.requant[2 * o + 1] > 31) {
        throw std::invalid_argument("requantization pairs out of range");
      }
    }
  } else {
    for (float scale : layer.scales) {
      if (!(scale > 0.0f) || !std::isfinite(scale)) {
        throw std::invalid_argument("int8 scales must be positive and finite");
      }
    }
  }
  const int64_t input_range = int64_t{layer.in_features} * 255 * 128;
  for (int32_t bias : layer.bias_i32) {
    if (std::llabs(bias) + input_range > INT32_MAX) {
      throw std::invalid_argument("int8 bias too large: the accumulator could overflow");
    }
  }
}

// Everything the loader would reject is refused here, with a reason, instead.
void check_spec(const ModelSpec& spec) {
  if (spec.layers.empty() || spec.layers.size() > kMaxLayers) {
    throw std::invalid_argument("a model needs 1 to 8 layers");
  }
  const uint64_t input = uint64_t{spec.input_height} * spec.input_width * spec.input_channels;
  if (input == 0 || input > kMaxFeatures) throw std::invalid_argument("input size out of range");
  if (!std::isfinite(spec.input_scale) || !std::isfinite(spec.input_bias)) {
    throw std::invalid_argument("input scale and bias must be finite");
  }
  if (!spec.input_lut.empty() && spec.input_lut.size() != kInputLutSize) {
    throw std::invalid_argument("the input lookup table has 256 entries");
  }
  uint64_t width = input;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const DenseLayerSpec& layer = spec.layers[l];
    if (layer.in_features != width || layer.out_features == 0 ||
        layer.out_features > kMaxFeatures) {
      throw std::invalid_argument("layer shapes do not chain");
    }
    const bool previous_uint8 = l > 0 && spec.layers[l - 1].output_scale != 0.0f;
    if (is_int8(layer) && (l == 0 ? spec.input_bias != 0.0f : !previous_uint8)) {
      throw std::invalid_argument(
          "an int8 layer reads the pixels (input bias 0) or an int8 layer's uint8 outputs");
    }
    if (!is_int8(layer) && (previous_uint8 || layer.output_scale != 0.0f)) {
      throw std::invalid_argument("uint8 outputs come from an int8 layer and feed one");
    }
    if (l + 1 == spec.layers.size() && layer.output_scale != 0.0f) {
      throw std::invalid_argument("the last layer must output floats");
    }
    check_tensors(layer);
    width = layer.out_features;
  }
  if (spec.class_names.size() != width || width > kMaxClasses) {
    throw std::invalid_argument("one class name per output is needed (at most 1024 classes)");
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

  TensorPlacer placer(uint64_t{names_offset} + names_size);
  const uint32_t lut_offset = spec.input_lut.empty() ? 0 : placer.place(kInputLutSize);
  std::vector<LayerOffsets> offsets(layer_count);
  bool needs_version2 = lut_offset != 0;
  for (uint32_t l = 0; l < layer_count; ++l) {
    const DenseLayerSpec& layer = spec.layers[l];
    if (is_int8(layer)) {
      needs_version2 = true;
      offsets[l].weights = placer.place(layer.weights_i8.size());
      offsets[l].bias = placer.place(layer.bias_i32.size() * sizeof(int32_t));
      offsets[l].scales = layer.output_scale != 0.0f
                              ? placer.place(layer.requant.size() * sizeof(int32_t))
                              : placer.place(layer.scales.size() * sizeof(float));
    } else {
      offsets[l].weights = placer.place(layer.weights.size() * sizeof(float));
      offsets[l].bias = placer.place(layer.bias.size() * sizeof(float));
    }
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
  std::memcpy(&file[names_offset], names.data(), names.size());
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
    if (is_int8(layer)) {
      put_values(file, offsets[l].weights, layer.weights_i8);
      put_values(file, offsets[l].bias, layer.bias_i32);
      if (layer.output_scale != 0.0f) {
        put_values(file, offsets[l].scales, layer.requant);
      } else {
        put_values(file, offsets[l].scales, layer.scales);
      }
    } else {
      put_values(file, offsets[l].weights, layer.weights);
      put_values(file, offsets[l].bias, layer.bias);
    }
  }
  write_u32(&file[header::kCrc32], model_file_crc(file.data(), file.size()));
  return file;
}

ModelSpec spec_of(const Model& model) {
  ModelSpec spec;
  spec.input_height = model.input_height;
  spec.input_width = model.input_width;
  spec.input_channels = model.input_channels;
  spec.input_scale = model.input_scale;
  spec.input_bias = model.input_bias;
  if (model.input_lut != nullptr) spec.input_lut.assign(model.input_lut, model.input_lut + kInputLutSize);
  for (uint32_t c = 0; c < model.num_classes; ++c) spec.class_names.push_back(class_name(model, c));
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const DenseLayer& view = model.layers[l];
    const size_t weights = size_t{view.in_features} * view.out_features;
    DenseLayerSpec layer;
    layer.in_features = view.in_features;
    layer.out_features = view.out_features;
    layer.activation = view.activation;
    layer.weight_type = view.weight_type;
    if (view.weight_type == DType::kInt8) {
      layer.weights_i8.assign(view.weights_i8, view.weights_i8 + weights);
      layer.bias_i32.assign(view.bias_i32, view.bias_i32 + view.out_features);
      layer.output_scale = view.output_scale;
      if (view.output_scale != 0.0f) {
        layer.requant.assign(view.requant, view.requant + 2 * size_t{view.out_features});
      } else {
        layer.scales.assign(view.scales, view.scales + view.out_features);
      }
    } else {
      layer.weights.assign(view.weights, view.weights + weights);
      layer.bias.assign(view.bias, view.bias + view.out_features);
    }
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace host
}  // namespace softedge
