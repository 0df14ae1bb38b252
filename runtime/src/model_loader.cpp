// load(): validate a model file completely before anything reads its tensors.
//
// Order: magic, version, header size and file size first (so a wrong or newer file gets
// its own error, not a checksum error), then the CRC, then every structural field. The CRC alone is
// not trusted: a hostile file can carry a valid CRC, so each offset and size is checked in 64-bit
// arithmetic against the file, and the regions the file declares (header, layer table, names,
// tensors) must not overlap.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "layer_modes.h"
#include "softedge/crc32.h"
#include "softedge/model.h"
#include "weight_sums.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "softedge views float tensors in place and needs a little-endian target"
#endif

namespace softedge {
namespace {

using namespace format;

struct Region {
  uint64_t begin;
  uint64_t end;
};

struct RegionList {
  Region items[4 + 3 * kMaxLayers];  // header, table, names, lut, 3 tensors per layer
  uint32_t count = 0;

  // Records [begin, begin + bytes); false if it leaves the file or overlaps a recorded one.
  bool add(uint64_t begin, uint64_t bytes, uint64_t file_size) {
    const uint64_t end = begin + bytes;
    if (bytes == 0 || end > file_size) return false;
    for (uint32_t i = 0; i < count; ++i) {
      if (begin < items[i].end && items[i].begin < end) return false;
    }
    items[count++] = Region{begin, end};
    return true;
  }
};

#if SOFTEDGE_LAYER_MODE_FLOAT32
bool all_finite(const float* values, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    if (!isfinite(values[i])) return false;
  }
  return true;
}
#endif

// Exactly num_classes non-empty names, each ending in NUL, filling the block: no NUL first or
// right after another (an empty name), and a NUL last.
Status check_class_names(const Model* model) {
  const uint8_t* block = reinterpret_cast<const uint8_t*>(model->class_names);
  uint32_t found = 0;
  uint8_t previous = 0;  // as if a name ended just before the block
  for (uint32_t i = 0; i < model->class_names_size; ++i) {
    if (block[i] == 0) {
      if (previous == 0) return Status::kBadClassNames;  // empty name
      ++found;
    }
    previous = block[i];
  }
  if (previous != 0 || found != model->num_classes) return Status::kBadClassNames;
  return Status::kOk;
}

// The tensor of `bytes` bytes at the offset stored at entry[field].
bool place_tensor(const uint8_t* entry, uint32_t field, uint32_t file_size, RegionList* regions,
                  uint32_t* offset, uint64_t bytes) {
  *offset = read_u32(entry + field);
  return *offset % kTensorAlignment == 0 && regions->add(*offset, bytes, file_size);
}

// Places the layer's tensors, their sizes set by its mode and weight rows (format.h), and
// points the view at them.
Status place_tensors(const uint8_t* data, const uint8_t* entry, uint32_t file_size,
                     RegionList* regions, Layer* layer) {
  const LayerTensorBytes bytes = layer_tensor_bytes(layer->mode, layer->row_length, layer->rows);
  // A layer without a scale tensor (float32) has 0 in its place.
  if (bytes.scales == 0 && read_u32(entry + layer::kScaleOffset) != 0) {
    return Status::kBadLayerTable;
  }
  uint32_t weights, bias, scales = 0;
  if (!place_tensor(entry, layer::kWeightOffset, file_size, regions, &weights, bytes.weights) ||
      !place_tensor(entry, layer::kBiasOffset, file_size, regions, &bias, bytes.bias) ||
      (bytes.scales != 0 &&
       !place_tensor(entry, layer::kScaleOffset, file_size, regions, &scales, bytes.scales))) {
    return Status::kBadTensorOffset;
  }
  if (layer->mode == LayerMode::kFloat32) {
    layer->weights = reinterpret_cast<const float*>(data + weights);
    layer->bias = reinterpret_cast<const float*>(data + bias);
  } else {
    layer->weights_i8 = reinterpret_cast<const int8_t*>(data + weights);
    layer->bias_i32 = reinterpret_cast<const int32_t*>(data + bias);
    if (layer->mode == LayerMode::kInt8Uint8Output) {
      layer->requant = reinterpret_cast<const int32_t*>(data + scales);
    } else {
      layer->scales = reinterpret_cast<const float*>(data + scales);
    }
  }
  return Status::kOk;
}

// The values the kernels rely on. Float layers: finite weights and biases. int8 layers: an
// accumulator that cannot overflow int32 whatever the inputs (a hostile file could otherwise
// make the kernels' integer arithmetic undefined), and valid scales or requantization pairs.
// Only the compiled modes reach it (load_layer).
Status check_values(const Layer& layer) {
#if SOFTEDGE_LAYER_MODE_FLOAT32
  if (layer.mode == LayerMode::kFloat32) {
    const float* tensors[2] = {layer.weights, layer.bias};
    const uint64_t counts[2] = {static_cast<uint64_t>(layer.row_length) * layer.rows, layer.rows};
    for (int t = 0; t < 2; ++t) {
      if (!all_finite(tensors[t], counts[t])) return Status::kNonFiniteWeights;
    }
    return Status::kOk;
  }
#endif
  const uint64_t input_range = static_cast<uint64_t>(layer.row_length) * kMaxInt8Product;
  for (uint32_t o = 0; o < layer.rows; ++o) {
    const int64_t bias = layer.bias_i32[o];
    const uint64_t magnitude = static_cast<uint64_t>(bias < 0 ? -bias : bias) + input_range;
    const bool scale_ok = layer.mode == LayerMode::kInt8Uint8Output
                              ? valid_requant_pair(layer.requant[2 * o], layer.requant[2 * o + 1])
                              : layer.scales[o] > 0.0f && isfinite(layer.scales[o]);
    if (magnitude > INT32_MAX || !scale_ok) return Status::kBadQuantization;
  }
  return Status::kOk;
}

// The type rules that chain layers with weights (dense, convolution): an int8 layer reads the
// pixels (first layer; the input bias must be 0 as raw pixels have no place for it) or the
// uint8 outputs of an int8 layer; uint8 outputs come from a ReLU layer, not the last, and feed
// an int8 layer.
Status check_layer_chain(uint16_t version, bool last, LayerMode mode, Activation activation,
                         float output_scale, const Model& model, const Layer* previous) {
  const bool previous_uint8 =
      previous != nullptr && previous->mode == LayerMode::kInt8Uint8Output;
  if (!is_int8(mode)) return previous_uint8 ? Status::kUnsupportedLayer : Status::kOk;
  if (version < kVersion2) return Status::kUnsupportedLayer;
  if (previous == nullptr ? model.input_bias != 0.0f : !previous_uint8) {
    return Status::kUnsupportedLayer;
  }
  if (mode == LayerMode::kInt8Uint8Output &&
      (!(output_scale > 0.0f) || !isfinite(output_scale) || activation != Activation::kRelu ||
       last)) {
    return Status::kUnsupportedLayer;
  }
  return Status::kOk;
}

// Whether this build runs layers of a known `kind`.
constexpr bool layer_kind_compiled(uint16_t kind) {
  return kind == static_cast<uint16_t>(LayerKind::kDense) ||
         (kind == static_cast<uint16_t>(LayerKind::kConv2d) ? SOFTEDGE_LAYER_KIND_CONV2D
          : kind == static_cast<uint16_t>(LayerKind::kMaxPool)
              ? SOFTEDGE_LAYER_KIND_MAX_POOL
              : SOFTEDGE_LAYER_KIND_AVG_POOL);
}

#if SOFTEDGE_WINDOW_LAYERS
// Pooling passes its input's data on unchanged in kind: no activation; float data (float32,
// output scale 0 as for every float32 entry), or the uint8 data of the int8 layer before it
// (int8 with that layer's output scale, bit for bit), then not as the last layer.
Status check_pool_chain(bool last, LayerMode mode, uint16_t activation, const uint8_t* entry,
                        const Layer* previous) {
  if (activation != static_cast<uint16_t>(Activation::kNone)) return Status::kUnsupportedLayer;
  const bool previous_uint8 =
      previous != nullptr && previous->mode == LayerMode::kInt8Uint8Output;
  if (!is_int8(mode)) return previous_uint8 ? Status::kUnsupportedLayer : Status::kOk;
  if (!previous_uint8 || last) return Status::kUnsupportedLayer;
  uint32_t previous_bits;
  memcpy(&previous_bits, &previous->output_scale, sizeof previous_bits);
  return read_u32(entry + layer::kOutputScale) == previous_bits ? Status::kOk
                                                                : Status::kUnsupportedLayer;
}

// The window of a convolution or pooling layer (format.h, layer::kKernelSize) and the output
// shape and weight rows it gives. False when the geometry bytes are out of range, the window
// does not fit the padded input, or out_features is not the output shape's size. Every product
// is taken in 64 bits (in_shape's size is at most kMaxFeatures, k at most 15).
bool load_window(const uint8_t* entry, Layer* layer) {
  const uint32_t k = entry[layer::kKernelSize];
  const uint32_t stride = entry[layer::kStridePadding] & 0xFu;
  const uint32_t padding = entry[layer::kStridePadding] >> 4;
  const bool conv = layer->kind == LayerKind::kConv2d;
  // Padding is zero features for a convolution; pooling windows never pad.
  if (k == 0 || k > kMaxKernelSize || stride == 0 || padding >= (conv ? k : 1)) return false;
  const Shape in = layer->in_shape;
  const uint32_t height = window_output_extent(in.height, k, stride, padding);
  const uint32_t width = window_output_extent(in.width, k, stride, padding);
  const uint64_t positions = static_cast<uint64_t>(height) * width;
  if (positions == 0) return false;
  // A convolution's output channels are its weight rows; pooling keeps the input's channels.
  const uint64_t channels = conv ? layer->out_features / positions : in.channels;
  const uint64_t row_length = conv ? static_cast<uint64_t>(k) * k * in.channels : 0;
  // The im2col scratch holds one output row of patches: width x row_length values (so also
  // row_length), bounded like every other width so the scratch size stays far from overflow.
  if (channels == 0 || positions * channels != layer->out_features ||
      width * row_length > kMaxFeatures) {
    return false;
  }
  layer->kernel_size = k;
  layer->stride = stride;
  layer->padding = padding;
  layer->out_shape = Shape{height, width, static_cast<uint32_t>(channels)};
  layer->rows = conv ? static_cast<uint32_t>(channels) : 0;
  layer->row_length = static_cast<uint32_t>(row_length);
  return true;
}
#endif

// Layer `layer` of `model` from its table entry; `previous` is the layer before it (null for
// the first) and `last` whether it is the last.
Status load_layer(const uint8_t* data, uint32_t file_size, uint16_t version,
                  const Layer* previous, bool last, const uint8_t* entry, const Model& model,
                  uint32_t expected_in, RegionList* regions, Layer* layer) {
  // Versions 1 and 2 know dense layers and the activations none and ReLU only; version 3 adds
  // convolution, pooling and the sigmoid.
  const uint16_t kind = read_u16(entry + layer::kKind);
  const bool v3 = version >= kVersion3;
  if (kind != static_cast<uint16_t>(LayerKind::kDense)) {
    if (kind - 2u > 2u || !v3) return Status::kUnsupportedLayer;
    // A valid kind this build leaves out: refused like a mode left out, before the checks
    // only its own code knows.
    if (!layer_kind_compiled(kind)) return Status::kLayerModeUnavailable;
  }
  const uint16_t activation = read_u16(entry + layer::kActivation);
  if (activation > static_cast<uint16_t>(Activation::kSigmoid) ||
      (activation == static_cast<uint16_t>(Activation::kSigmoid) && !v3)) {
    return Status::kUnsupportedLayer;
  }
  const uint16_t weight_type = read_u16(entry + layer::kWeightType);
  if (!known_weight_type(weight_type)) return Status::kUnsupportedLayer;
  const float output_scale = read_f32(entry + layer::kOutputScale);
  const LayerMode mode = layer_mode(static_cast<DType>(weight_type), output_scale);
  // Bytes 14 and 15 are the window's geometry, reserved (0) in a dense layer.
  if (kind == static_cast<uint16_t>(LayerKind::kDense) &&
      read_u16(entry + layer::kReserved16) != 0) {
    return Status::kBadLayerTable;
  }
  // A float32 layer's output scale is all zero bits.
  if (mode == LayerMode::kFloat32 && read_u32(entry + layer::kOutputScale) != 0) {
    return Status::kBadLayerTable;
  }
  const bool pool = kind >= static_cast<uint16_t>(LayerKind::kMaxPool);
  Status status = Status::kOk;
#if SOFTEDGE_WINDOW_LAYERS
  if (pool) status = check_pool_chain(last, mode, activation, entry, previous);
#endif
  if (!pool) {
    status = check_layer_chain(version, last, mode, static_cast<Activation>(activation),
                               output_scale, model, previous);
  }
  if (status != Status::kOk) return status;
  // A valid layer whose mode (or activation) this build leaves out: its own status, after the
  // format's rules (so a broken file gets the same status from every build).
  const bool sigmoid_left_out =
      !SOFTEDGE_ACTIVATION_SIGMOID && activation == static_cast<uint16_t>(Activation::kSigmoid);
  if (!layer_mode_compiled(mode) || sigmoid_left_out) return Status::kLayerModeUnavailable;
  const uint32_t in = read_u32(entry + layer::kInFeatures);
  const uint32_t out = read_u32(entry + layer::kOutFeatures);
  if (in != expected_in || out == 0 || out > kMaxFeatures) return Status::kBadDimensions;

  layer->kind = static_cast<LayerKind>(kind);
  layer->in_features = in;
  layer->out_features = out;
  layer->activation = static_cast<Activation>(activation);
  layer->weight_type = static_cast<DType>(weight_type);
  layer->mode = mode;
  layer->output_scale = output_scale;  // float32: checked to be +0.0 above
#if SOFTEDGE_WINDOW_LAYERS
  if (kind != static_cast<uint16_t>(LayerKind::kDense)) {
    if (!load_window(entry, layer)) return Status::kBadDimensions;
    // Pooling has no tensors: its three offsets are 0.
    if (pool) {
      return read_u32(entry + layer::kWeightOffset) == 0 &&
                     read_u32(entry + layer::kBiasOffset) == 0 &&
                     read_u32(entry + layer::kScaleOffset) == 0
                 ? Status::kOk
                 : Status::kBadLayerTable;
    }
  } else {
    layer->out_shape = Shape{1, 1, out};
  }
#endif
  if (kind == static_cast<uint16_t>(LayerKind::kDense)) {
    layer->rows = out;
    layer->row_length = in;
  }
  status = place_tensors(data, entry, file_size, regions, layer);
  return status != Status::kOk ? status : check_values(*layer);
}

Status load_checked(const uint8_t* data, size_t size, Model* model) {
  if (data == nullptr || model == nullptr) return Status::kNullArgument;
  // Every field a layer's kind or mode does not use stays 0 (null pointers).
  memset(model, 0, sizeof *model);
  if (reinterpret_cast<uintptr_t>(data) % 4 != 0) return Status::kMisalignedBuffer;
  if (size < sizeof kMagic) return Status::kTruncated;
  if (memcmp(data, kMagic, sizeof kMagic) != 0) return Status::kBadMagic;
  if (size < kHeaderSize) return Status::kTruncated;
  const uint16_t version = read_u16(data + header::kVersion);
  if (version == 0 || version > kNewestVersion) return Status::kUnsupportedVersion;
  if (read_u16(data + header::kHeaderSize) != kHeaderSize) return Status::kBadHeader;
  const uint32_t file_size = read_u32(data + header::kFileSize);
  if (file_size < kHeaderSize) return Status::kBadHeader;
  if (file_size > size) return Status::kTruncated;
  const uint32_t stored_crc = read_u32(data + header::kCrc32);
  if (model_file_crc(data, file_size) != stored_crc) return Status::kChecksumMismatch;
  if (read_u32(data + header::kFlags) != 0 || read_u32(data + header::kReserved) != 0) {
    return Status::kBadHeader;
  }

  model->version = version;
  model->file_size = file_size;
  model->crc32 = stored_crc;
  model->input_height = read_u16(data + header::kInputHeight);
  model->input_width = read_u16(data + header::kInputWidth);
  model->input_channels = read_u16(data + header::kInputChannels);
  const uint64_t input_size = static_cast<uint64_t>(model->input_height) *
                              model->input_width * model->input_channels;
  if (input_size == 0 || input_size > kMaxFeatures) return Status::kBadDimensions;
  model->input_size = static_cast<uint32_t>(input_size);
  model->num_classes = read_u16(data + header::kNumClasses);
  if (model->num_classes == 0 || model->num_classes > kMaxClasses) {
    return Status::kBadDimensions;
  }

  if (read_u32(data + header::kPreprocess) != static_cast<uint32_t>(Preprocess::kAffine)) {
    return Status::kBadPreprocessing;
  }
  model->input_scale = read_f32(data + header::kInputScale);
  model->input_bias = read_f32(data + header::kInputBias);
  if (!isfinite(model->input_scale) || !isfinite(model->input_bias)) {
    return Status::kBadPreprocessing;
  }

  RegionList regions;
  regions.add(0, kHeaderSize, file_size);
  const uint32_t lut_offset = read_u32(data + header::kInputLutOffset);
  if (lut_offset != 0) {
    if (version < kVersion2 || lut_offset % kTensorAlignment != 0 ||
        !regions.add(lut_offset, kInputLutSize, file_size)) {
      return Status::kBadPreprocessing;
    }
    model->input_lut = data + lut_offset;
  }
  const uint32_t layer_count = read_u16(data + header::kLayerCount);
  const uint32_t table_offset = read_u32(data + header::kLayerTableOffset);
  if (layer_count == 0 || layer_count > kMaxLayers ||
      read_u16(data + header::kLayerEntrySize) != kLayerEntrySize || table_offset % 4 != 0 ||
      !regions.add(table_offset, static_cast<uint64_t>(layer_count) * kLayerEntrySize,
                   file_size)) {
    return Status::kBadLayerTable;
  }

  const uint32_t names_offset = read_u32(data + header::kClassNamesOffset);
  const uint32_t names_size = read_u32(data + header::kClassNamesSize);
  if (!regions.add(names_offset, names_size, file_size)) return Status::kBadClassNames;
  model->class_names = reinterpret_cast<const char*>(data + names_offset);
  model->class_names_size = names_size;
  Status status = check_class_names(model);
  if (status != Status::kOk) return status;

  model->layer_count = layer_count;
  model->first_window_layer = static_cast<uint8_t>(layer_count);
#if SOFTEDGE_WINDOW_LAYERS
  // Each layer reads the shape the one before it wrote, the first the input image (NHWC).
  // Only window layers need shapes: a dense-only build (the size-first presets, whose code
  // budget has no room for them) leaves every Shape 0 and runs on in/out_features.
  Shape shape{model->input_height, model->input_width, model->input_channels};
#endif
  uint32_t width = model->input_size;
  for (uint32_t i = 0; i < layer_count; ++i) {
    Layer* layer = &model->layers[i];
#if SOFTEDGE_WINDOW_LAYERS
    layer->in_shape = shape;
#endif
    status = load_layer(data, file_size, version, i > 0 ? layer - 1 : nullptr,
                        i + 1 == layer_count, data + table_offset + i * kLayerEntrySize,
                        *model, width, &regions, layer);
    if (status != Status::kOk) return status;
#if SOFTEDGE_WINDOW_LAYERS
    shape = layer->out_shape;
#endif
    width = layer->out_features;
    if (width > model->max_width) model->max_width = width;
    if (layer->kind != LayerKind::kDense && model->first_window_layer == layer_count) {
      model->first_window_layer = static_cast<uint8_t>(i);
    }
  }
  if (width != model->num_classes) return Status::kBadDimensions;
#if SOFTEDGE_WEIGHT_SUMS
  detail::keep_weight_sums(model);
#endif
  return Status::kOk;
}

}  // namespace

bool layer_mode_compiled(LayerMode mode) {
  switch (mode) {
    case LayerMode::kFloat32: return SOFTEDGE_LAYER_MODE_FLOAT32;
    case LayerMode::kInt8FloatOutput: return SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT;
    case LayerMode::kInt8Uint8Output: return SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT;
  }
  return false;
}

Status load(const uint8_t* data, size_t size, Model* model) {
  const Status status = load_checked(data, size, model);
  // A failed load leaves no half-filled view that could be used by mistake.
  if (status != Status::kOk && model != nullptr) *model = Model{};
  return status;
}

const char* class_name(const Model& model, uint32_t index) {
  if (index >= model.num_classes || model.class_names == nullptr) return "";
  const char* name = model.class_names;
  for (uint32_t i = 0; i < index; ++i) name += strlen(name) + 1;
  return name;
}

}  // namespace softedge
