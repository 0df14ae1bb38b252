// embedded/layer-modes: the runtime runs exactly the layer modes it was built with
// (SOFTEDGE_LAYER_MODES). For each mode, a small model that uses it: a compiled mode loads and
// predicts the class computed here by hand; a mode left out is refused by load() with
// kLayerModeUnavailable. And the kernel sets have a member exactly where a compiled mode
// calls it. It runs in every build that is not bare metal, single-set firmware
// configurations included (it needs no scalar set), so the models are encoded here, not by
// the model writer, which refuses what its runtime cannot load.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vector>

#include "softedge/softedge.h"

namespace {

namespace fmt = softedge::format;
using softedge::Status;
using fmt::LayerMode;

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s\n", what);
    ++g_failures;
  }
}

struct Layer {
  LayerMode mode;
  uint32_t in, out;
  bool relu;
  std::vector<float> weights, bias, scales;  // float32; scales: kInt8FloatOutput
  std::vector<int8_t> weights_i8;
  std::vector<int32_t> bias_i32, requant;  // int8 modes; requant: kInt8Uint8Output pairs
  float output_scale;                      // kInt8Uint8Output
};

template <class T>
uint32_t put(std::vector<uint8_t>& file, const std::vector<T>& values) {
  const uint32_t offset = fmt::align_up(static_cast<uint32_t>(file.size()), fmt::kTensorAlignment);
  file.resize(offset + values.size() * sizeof(T));
  memcpy(&file[offset], values.data(), values.size() * sizeof(T));
  return offset;
}

// A 2 x 2 x 1 input (4 pixels), 3 classes "a", "b", "c", input scale 1/255 and bias 0: the
// byte layout of format.h, version 2 when any layer is int8.
std::vector<uint8_t> encode(const std::vector<Layer>& layers) {
  std::vector<uint8_t> file(fmt::kHeaderSize + layers.size() * fmt::kLayerEntrySize);
  const char names[] = "a\0b\0c";
  const uint32_t names_offset = static_cast<uint32_t>(file.size());
  file.insert(file.end(), names, names + sizeof names);
  bool int8 = false;
  for (size_t l = 0; l < layers.size(); ++l) {
    const Layer& layer = layers[l];
    uint8_t* entry = nullptr;
    uint32_t weights, bias, scales = 0;
    if (layer.mode == LayerMode::kFloat32) {
      weights = put(file, layer.weights);
      bias = put(file, layer.bias);
    } else {
      int8 = true;
      weights = put(file, layer.weights_i8);
      bias = put(file, layer.bias_i32);
      scales = layer.mode == LayerMode::kInt8FloatOutput ? put(file, layer.scales)
                                                         : put(file, layer.requant);
    }
    entry = &file[fmt::kHeaderSize + l * fmt::kLayerEntrySize];
    fmt::write_u16(entry + fmt::layer::kKind, static_cast<uint16_t>(fmt::LayerKind::kDense));
    fmt::write_u16(entry + fmt::layer::kActivation,
                   static_cast<uint16_t>(layer.relu ? fmt::Activation::kRelu
                                                    : fmt::Activation::kNone));
    fmt::write_u32(entry + fmt::layer::kInFeatures, layer.in);
    fmt::write_u32(entry + fmt::layer::kOutFeatures, layer.out);
    fmt::write_u16(entry + fmt::layer::kWeightType,
                   static_cast<uint16_t>(layer.mode == LayerMode::kFloat32 ? fmt::DType::kFloat32
                                                                            : fmt::DType::kInt8));
    fmt::write_u32(entry + fmt::layer::kWeightOffset, weights);
    fmt::write_u32(entry + fmt::layer::kBiasOffset, bias);
    fmt::write_u32(entry + fmt::layer::kScaleOffset, scales);
    fmt::write_f32(entry + fmt::layer::kOutputScale, layer.output_scale);
  }
  uint8_t* h = file.data();
  memcpy(h + fmt::header::kMagic, fmt::kMagic, sizeof fmt::kMagic);
  fmt::write_u16(h + fmt::header::kVersion, int8 ? fmt::kVersion2 : fmt::kVersion1);
  fmt::write_u16(h + fmt::header::kHeaderSize, fmt::kHeaderSize);
  fmt::write_u32(h + fmt::header::kFileSize, static_cast<uint32_t>(file.size()));
  fmt::write_u16(h + fmt::header::kInputHeight, 2);
  fmt::write_u16(h + fmt::header::kInputWidth, 2);
  fmt::write_u16(h + fmt::header::kInputChannels, 1);
  fmt::write_u16(h + fmt::header::kNumClasses, 3);
  fmt::write_u16(h + fmt::header::kLayerCount, static_cast<uint16_t>(layers.size()));
  fmt::write_u16(h + fmt::header::kLayerEntrySize, fmt::kLayerEntrySize);
  fmt::write_u32(h + fmt::header::kLayerTableOffset, fmt::kHeaderSize);
  fmt::write_u32(h + fmt::header::kClassNamesOffset, names_offset);
  fmt::write_u32(h + fmt::header::kClassNamesSize, sizeof names);
  fmt::write_u32(h + fmt::header::kPreprocess, static_cast<uint32_t>(fmt::Preprocess::kAffine));
  fmt::write_f32(h + fmt::header::kInputScale, 1.0f / 255.0f);
  fmt::write_u32(h + fmt::header::kCrc32, softedge::model_file_crc(file.data(), file.size()));
  return file;
}

const uint8_t kPixels[4] = {10, 200, 30, 90};

// Row o of each layer picks pixel o (weight 1, others 0) plus a small bias, so the logits are
// easy to follow: class 1 (pixel 200) wins in every model.
Layer float_layer() {
  Layer l{LayerMode::kFloat32, 4, 3, false, {}, {0.0f, 0.0f, 0.0f}, {}, {}, {}, {}, 0.0f};
  l.weights.assign(12, 0.0f);
  for (uint32_t o = 0; o < 3; ++o) l.weights[o * 4 + o] = 1.0f;
  return l;
}

Layer int8_float_layer(uint32_t in) {
  Layer l{LayerMode::kInt8FloatOutput, in, 3, false, {}, {}, {0.01f, 0.01f, 0.01f}, {}, {}, {},
          0.0f};
  l.weights_i8.assign(3 * in, 0);
  for (uint32_t o = 0; o < 3; ++o) l.weights_i8[o * in + o] = 1;
  l.bias_i32 = {1, 2, 3};
  return l;
}

// 4 -> 4 with uint8 outputs: q[o] = round(pixel[o] * m / 2^(31 + shift)) = pixel[o] / 2.
Layer int8_uint8_layer() {
  Layer l{LayerMode::kInt8Uint8Output, 4, 4, true, {}, {}, {}, {}, {}, {}, 0.5f};
  l.weights_i8.assign(16, 0);
  for (uint32_t o = 0; o < 4; ++o) l.weights_i8[o * 4 + o] = 1;
  l.bias_i32 = {0, 0, 0, 0};
  for (uint32_t o = 0; o < 4; ++o) l.requant.insert(l.requant.end(), {1 << 30, 0});
  return l;
}

const char* mode_name(LayerMode mode) {
  switch (mode) {
    case LayerMode::kFloat32: return "float32";
    case LayerMode::kInt8FloatOutput: return "int8_float_output";
    case LayerMode::kInt8Uint8Output: return "int8_uint8_output";
  }
  return "?";
}

// `model` uses `mode` (and, for uint8 outputs, also kInt8FloatOutput for its last layer).
void check_model(LayerMode mode, const std::vector<Layer>& layers) {
  const std::vector<uint8_t> bytes = encode(layers);
  std::vector<uint32_t> aligned((bytes.size() + 3) / 4);  // load() needs 4-byte alignment
  memcpy(aligned.data(), bytes.data(), bytes.size());
  bool runnable = true;
  for (const Layer& layer : layers) runnable &= softedge::layer_mode_compiled(layer.mode);
  softedge::Model model;
  const Status status =
      softedge::load(reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size(), &model);
  printf("%-18s model: %s (%s)\n", mode_name(mode),
         runnable ? "compiled in, loads and runs" : "left out, refused",
         softedge::status_message(status));
  if (!runnable) {
    check(status == Status::kLayerModeUnavailable, "a mode left out: kLayerModeUnavailable");
    return;
  }
  check(status == Status::kOk, "a compiled mode loads");
  if (status != Status::kOk) return;
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  float probabilities[3];
  softedge::Prediction prediction{};
  check(softedge::infer_u8(model, kPixels, 4, probabilities, 3, scratch.data(), scratch.size(),
                           &prediction) == Status::kOk,
        "inference succeeds");
  check(prediction.top_class == 1, "the class with pixel 200 wins");
  check(probabilities[1] > 0.4f && probabilities[1] < 1.0f, "a probability, not a constant");
}

}  // namespace

int main() {
  // The kernel sets: a member exactly where a compiled mode calls it.
  const bool float32 = softedge::layer_mode_compiled(LayerMode::kFloat32);
  const bool int8 = softedge::layer_mode_compiled(LayerMode::kInt8FloatOutput) ||
                    softedge::layer_mode_compiled(LayerMode::kInt8Uint8Output);
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    printf("kernel set %s: dense_f32 %s, dense_u8_f32 %s, pixels_to_f32 %s, dense_u8s8_i32 %s\n",
           kernels.name, kernels.dense_f32 ? "in" : "out", kernels.dense_u8_f32 ? "in" : "out",
           kernels.pixels_to_f32 ? "in" : "out", kernels.dense_u8s8_i32 ? "in" : "out");
    check((kernels.dense_f32 != nullptr) == float32, "dense_f32 exactly with float32");
    check((kernels.pixels_to_f32 != nullptr) == float32, "pixels_to_f32 exactly with float32");
    check(kernels.dense_u8_f32 == nullptr || float32, "dense_u8_f32 only with float32");
    check((kernels.dense_u8s8_i32 != nullptr) == int8, "dense_u8s8_i32 exactly with int8");
    check(kernels.softmax_f32 != nullptr, "softmax always");
  }

  check_model(LayerMode::kFloat32, {float_layer()});
  check_model(LayerMode::kInt8FloatOutput, {int8_float_layer(4)});
  check_model(LayerMode::kInt8Uint8Output, {int8_uint8_layer(), int8_float_layer(4)});
  if (g_failures == 0) printf("layer modes: as built\n");
  return g_failures == 0 ? 0 : 1;
}
