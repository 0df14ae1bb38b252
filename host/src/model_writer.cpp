// Encoding a model (dense, convolution and pooling layers; float32 and int8) into the layout of
// softedge/format.h. The writer checks only what it needs to encode at all; whether the result
// is a valid model is the runtime loader's to say, which it asks.
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

const char* kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::kDense:
      return "dense";
    case LayerKind::kConv2d:
      return "conv2d";
    case LayerKind::kMaxPool:
      return "max pool";
    case LayerKind::kAvgPool:
      return "average pool";
  }
  return "unknown kind";
}

bool is_window(LayerKind kind) { return kind != LayerKind::kDense; }

// "layer 1 (int8, uint8 outputs, 784 -> 256)", "layer 0 (conv2d 3x3/1 pad 1, float32,
// 784 -> 6272)": error messages name the layer (dense layers as in versions 1 and 2).
std::string describe(const LayerSpec& layer, size_t index) {
  std::string kind;
  if (is_window(layer.kind)) {
    kind = std::string(kind_name(layer.kind)) + " " + std::to_string(layer.kernel_size) + "x" +
           std::to_string(layer.kernel_size) + "/" + std::to_string(layer.stride) + " pad " +
           std::to_string(layer.padding) + ", ";
  }
  return "layer " + std::to_string(index) + " (" + kind + mode_name(layer_mode(layer)) + ", " +
         std::to_string(layer.in_features) + " -> " + std::to_string(layer.out_features) + ")";
}

// A layer's weight rows (format.h): dense out x in; convolution out channels x k*k*in
// channels; pooling none.
struct Rows {
  uint32_t rows = 0;
  uint32_t row_length = 0;
};

// Walks the NHWC shapes from the input through the layers, as the loader does, to give each
// layer its weight rows. Throws when a geometry cannot be encoded in the entry's bytes or does
// not fit the layer's input (the loader would refuse it, and the tensor sizes would be
// meaningless).
std::vector<Rows> layer_rows(const ModelSpec& spec) {
  std::vector<Rows> result;
  Shape shape{spec.input_height, spec.input_width, spec.input_channels};
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    if (!is_window(layer.kind)) {
      if (layer.kernel_size != 0 || layer.stride != 0 || layer.padding != 0) {
        throw std::invalid_argument(describe(layer, l) +
                                    ": a dense layer has no kernel size, stride or padding");
      }
      result.push_back({layer.out_features, layer.in_features});
      shape = Shape{1, 1, layer.out_features};
      continue;
    }
    if (layer.kind != LayerKind::kConv2d && layer.kind != LayerKind::kMaxPool &&
        layer.kind != LayerKind::kAvgPool) {
      throw std::invalid_argument("layer " + std::to_string(l) + ": unknown layer kind " +
                                  std::to_string(static_cast<unsigned>(layer.kind)));
    }
    if (layer.kernel_size < 1 || layer.kernel_size > kMaxKernelSize || layer.stride < 1 ||
        layer.stride > 15 || layer.padding > 15) {
      throw std::invalid_argument(describe(layer, l) +
                                  ": kernel size and stride must be 1..15, padding 0..15");
    }
    const uint32_t height =
        window_output_extent(shape.height, layer.kernel_size, layer.stride, layer.padding);
    const uint32_t width =
        window_output_extent(shape.width, layer.kernel_size, layer.stride, layer.padding);
    const uint64_t positions = uint64_t{height} * width;
    if (positions == 0 || layer.out_features % positions != 0) {
      throw std::invalid_argument(describe(layer, l) + ": the window does not fit its " +
                                  std::to_string(shape.height) + "x" +
                                  std::to_string(shape.width) +
                                  " input, or out_features is not a multiple of the " +
                                  std::to_string(height) + "x" + std::to_string(width) +
                                  " output positions");
    }
    const uint32_t channels = static_cast<uint32_t>(layer.out_features / positions);
    if (layer.kind == LayerKind::kConv2d) {
      const uint64_t row_length = uint64_t{layer.kernel_size} * layer.kernel_size * shape.channels;
      if (row_length > UINT32_MAX) throw std::invalid_argument(describe(layer, l) + ": too large");
      result.push_back({channels, static_cast<uint32_t>(row_length)});
    } else {
      result.push_back({0, 0});
    }
    shape = Shape{height, width, channels};
  }
  return result;
}

// The bytes the spec's vectors hold for each tensor of the layer's mode.
LayerTensorBytes given_tensor_bytes(const LayerSpec& layer) {
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

// The file is laid out from the sizes the layer's rows and mode give its tensors (format.h),
// so the vectors must hold exactly that much (nothing for a pooling layer).
void check_tensor_sizes(const LayerSpec& layer, const Rows& rows, size_t index) {
  const LayerTensorBytes expected =
      rows.rows == 0 ? LayerTensorBytes{0, 0, 0}
                     : layer_tensor_bytes(layer_mode(layer), rows.row_length, rows.rows);
  const LayerTensorBytes given = given_tensor_bytes(layer);
  if (given.weights != expected.weights || given.bias != expected.bias ||
      given.scales != expected.scales) {
    throw std::invalid_argument(describe(layer, index) +
                                ": its tensors do not have the sizes its shape gives them");
  }
}

// What the file's fields must be able to hold before anything can be encoded; the layers'
// weight rows.
std::vector<Rows> check_encodable(const ModelSpec& spec) {
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
  }
  const std::vector<Rows> rows = layer_rows(spec);
  for (size_t l = 0; l < spec.layers.size(); ++l) check_tensor_sizes(spec.layers[l], rows[l], l);
  return rows;
}

// The lowest version that holds the model (format.h): 3 for a layer other than dense or a
// sigmoid, else 2 for an int8 layer or an input lookup table, else 1.
uint16_t lowest_version(const ModelSpec& spec) {
  bool needs_version2 = !spec.input_lut.empty();
  for (const LayerSpec& layer : spec.layers) {
    if (is_window(layer.kind) || layer.activation == Activation::kSigmoid) return kVersion3;
    needs_version2 = needs_version2 || is_int8(layer_mode(layer));
  }
  return needs_version2 ? kVersion2 : kVersion1;
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
  const std::vector<Rows> rows = check_encodable(spec);
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
  for (uint32_t l = 0; l < layer_count; ++l) {
    if (rows[l].rows == 0) continue;  // pooling: no tensors, offsets 0
    const LayerTensorBytes bytes =
        layer_tensor_bytes(layer_mode(spec.layers[l]), rows[l].row_length, rows[l].rows);
    offsets[l].weights = placer.place(bytes.weights);
    offsets[l].bias = placer.place(bytes.bias);
    if (bytes.scales != 0) offsets[l].scales = placer.place(bytes.scales);
  }
  const uint32_t file_size = placer.end();

  std::vector<uint8_t> file(file_size, 0);
  std::memcpy(&file[header::kMagic], kMagic, sizeof kMagic);
  write_u16(&file[header::kVersion], lowest_version(spec));
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
    const LayerSpec& layer = spec.layers[l];
    uint8_t* entry = &file[table_offset + l * kLayerEntrySize];
    write_u16(entry + layer::kKind, static_cast<uint16_t>(layer.kind));
    write_u16(entry + layer::kActivation, static_cast<uint16_t>(layer.activation));
    write_u32(entry + layer::kInFeatures, layer.in_features);
    write_u32(entry + layer::kOutFeatures, layer.out_features);
    write_u16(entry + layer::kWeightType, static_cast<uint16_t>(layer.weight_type));
    // Dense layers: 0 (checked in layer_rows); windows: k, then stride | padding << 4.
    entry[layer::kKernelSize] = static_cast<uint8_t>(layer.kernel_size);
    entry[layer::kStridePadding] = static_cast<uint8_t>(layer.stride | layer.padding << 4);
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

format::LayerMode layer_mode(const LayerSpec& layer) {
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
    const Layer& view = model.layers[l];
    const size_t weights = size_t{view.rows} * view.row_length;
    const size_t rows = view.rows;
    LayerSpec layer;
    layer.kind = view.kind;
    layer.kernel_size = view.kernel_size;
    layer.stride = view.stride;
    layer.padding = view.padding;
    layer.in_features = view.in_features;
    layer.out_features = view.out_features;
    layer.activation = view.activation;
    layer.weight_type = view.weight_type;
    layer.output_scale = view.output_scale;
    // Pooling layers have no tensors (rows 0): their vectors stay empty.
    if (rows == 0) {
      spec.layers.push_back(std::move(layer));
      continue;
    }
    switch (view.mode) {
      case LayerMode::kFloat32:
        layer.weights.assign(view.weights, view.weights + weights);
        layer.bias.assign(view.bias, view.bias + rows);
        break;
      case LayerMode::kInt8FloatOutput:
        layer.weights_i8.assign(view.weights_i8, view.weights_i8 + weights);
        layer.bias_i32.assign(view.bias_i32, view.bias_i32 + rows);
        layer.scales.assign(view.scales, view.scales + rows);
        break;
      case LayerMode::kInt8Uint8Output:
        layer.weights_i8.assign(view.weights_i8, view.weights_i8 + weights);
        layer.bias_i32.assign(view.bias_i32, view.bias_i32 + rows);
        layer.requant.assign(view.requant, view.requant + 2 * rows);
        break;
    }
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace host
}  // namespace softedge
