// Inference: pixels go through the model's lookup table if it has one; the first layer reads
// them directly (or features written to scratch when the preprocessing has a bias); int8
// layers pass uint8 activations on, requantized in integers; the layers ping-pong between
// two scratch buffers, and softmax writes the last layer's output into the caller's array.
#include <stdint.h>

#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace softedge {
namespace {

// Scratch layout (4-byte elements): [features: input_size floats][activations A: max_width
// floats][B: max_width floats][int8 accumulators: max_width int32][remapped pixels:
// input_size bytes, only with a lookup table], each part rounded up to 16 elements so every part starts 64-byte
// aligned relative to the first one; the first one is aligned inside the caller's buffer.
// An int8 layer's uint8 outputs live in its activation buffer, as bytes.
constexpr size_t kScratchAlignment = 64;

size_t padded_floats(uint32_t count) { return (static_cast<size_t>(count) + 15) / 16 * 16; }

float* aligned_scratch(void* scratch, size_t scratch_size, const Model& model) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(scratch);
  const size_t skip = (kScratchAlignment - address % kScratchAlignment) % kScratchAlignment;
  if (scratch == nullptr || scratch_size < scratch_bytes(model)) return nullptr;
  return reinterpret_cast<float*>(static_cast<uint8_t*>(scratch) + skip);
}

float* activation_buffer(float* base, const Model& model, int which) {
  return base + padded_floats(model.input_size) + which * padded_floats(model.max_width);
}

int32_t* accumulator_buffer(float* base, const Model& model) {
  return reinterpret_cast<int32_t*>(activation_buffer(base, model, 2));
}

uint8_t* remapped_pixels_buffer(float* base, const Model& model) {
  return reinterpret_cast<uint8_t*>(activation_buffer(base, model, 3));
}

bool model_loaded(const Model& model) { return model.layer_count > 0; }

void apply_activation(const DenseLayer& layer, float* values) {
  if (layer.activation == format::Activation::kRelu) {
    // `< 0`, not `> 0`: a NaN stays NaN, so NaN input still ends in kNonFiniteLogits.
    for (uint32_t i = 0; i < layer.out_features; ++i) values[i] = values[i] < 0 ? 0 : values[i];
  }
}

// Runs layers [first, layer_count) on `input` (in scratch or the caller's array), writing
// layer l's output to activation buffer l % 2; returns the logits.
const float* run_layers(const Model& model, const KernelSet& kernels, uint32_t first,
                        const float* input, float* scratch_base) {
  for (uint32_t l = first; l < model.layer_count; ++l) {
    const DenseLayer& layer = model.layers[l];
    float* output = activation_buffer(scratch_base, model, static_cast<int>(l % 2));
    kernels.dense_f32(input, layer.weights, layer.bias, layer.in_features, layer.out_features,
                      output);
    apply_activation(layer, output);
    input = output;
  }
  return input;
}

// (acc * m) / 2^(31 + shift), rounded, clamped to [0, 255], in integers (format.h): the same
// bits on every CPU. A negative product rounds to at most 0, which the clamp (the ReLU) makes 0.
uint8_t requantize(int32_t acc, const int32_t* pair) {
  const int64_t product = static_cast<int64_t>(acc) * pair[0];
  if (product <= 0) return 0;
  const int n = 31 + pair[1];  // 1..62 (the loader checks the shift)
  const int64_t rounded = (product + (int64_t{1} << (n - 1))) >> n;
  return static_cast<uint8_t>(rounded > 255 ? 255 : rounded);
}

// int8 layers from `first` on, reading uint8 `x`, up to the first one with float outputs:
// exact integer accumulation, then either one float multiply per output (alone in its
// expression, so nothing can contract it into an FMA: the same bits on every CPU) or an
// integer requantization to uint8 for the next int8 layer. Returns the index of the next
// (float) layer; `*output` is the float result.
uint32_t run_int8_layers(const Model& model, const KernelSet& kernels, uint32_t first,
                         const uint8_t* x, float* scratch_base, float** output) {
  int32_t* acc = accumulator_buffer(scratch_base, model);
  for (uint32_t l = first;; ++l) {
    const DenseLayer& layer = model.layers[l];
    float* buffer = activation_buffer(scratch_base, model, static_cast<int>(l % 2));
    kernels.dense_u8s8_i32(x, layer.weights_i8, layer.bias_i32, layer.in_features,
                           layer.out_features, acc);
    if (layer.output_scale == 0.0f) {
      for (uint32_t o = 0; o < layer.out_features; ++o) {
        buffer[o] = static_cast<float>(acc[o]) * layer.scales[o];
      }
      apply_activation(layer, buffer);
      *output = buffer;
      return l + 1;
    }
    uint8_t* activations = reinterpret_cast<uint8_t*>(buffer);
    for (uint32_t o = 0; o < layer.out_features; ++o) {
      activations[o] = requantize(acc[o], layer.requant + 2 * o);
    }
    x = activations;  // the loader guarantees an int8 layer follows
  }
}

// From raw pixels, remapped by the model's lookup table if it has one. With a zero input
// bias, preprocessing is a pure scale and the first layer reads the pixels directly
// (feature = pixel * scale, so W.x = scale * W.pixels); otherwise the features are written
// to scratch first. int8 layers always read the pixels.
const float* run_u8(const Model& model, const KernelSet& kernels, const uint8_t* pixels,
                    float* scratch_base) {
  if (model.input_lut != nullptr) {
    uint8_t* remapped = remapped_pixels_buffer(scratch_base, model);
    for (uint32_t i = 0; i < model.input_size; ++i) remapped[i] = model.input_lut[pixels[i]];
    pixels = remapped;
  }
  const DenseLayer& first = model.layers[0];
  float* output = activation_buffer(scratch_base, model, 0);
  if (first.weight_type == format::DType::kInt8) {
    const uint32_t next = run_int8_layers(model, kernels, 0, pixels, scratch_base, &output);
    return run_layers(model, kernels, next, output, scratch_base);
  }
  if (model.input_bias != 0.0f) {
    kernels.pixels_to_f32(pixels, model.input_size, model.input_scale, model.input_bias,
                          scratch_base);
    return run_layers(model, kernels, 0, scratch_base, scratch_base);
  }
  kernels.dense_u8_f32(pixels, model.input_scale, first.weights, first.bias, first.in_features,
                       first.out_features, output);
  apply_activation(first, output);
  return run_layers(model, kernels, 1, output, scratch_base);
}

Status finish(const Model& model, const float* logits, float* probabilities,
              Prediction* prediction) {
  uint32_t top = 0;
  const bool finite = softmax(logits, model.num_classes, probabilities, &top);
  if (prediction != nullptr) {
    prediction->top_class = top;
    prediction->top_probability = probabilities[top];
  }
  return finite ? Status::kOk : Status::kNonFiniteLogits;
}

Status check_call(const Model& model, const void* input, size_t input_count,
                  const float* probabilities, size_t probability_count, void* scratch,
                  size_t scratch_size) {
  if (!model_loaded(model) || input == nullptr || probabilities == nullptr) {
    return Status::kNullArgument;
  }
  if (input_count != model.input_size || probability_count != model.num_classes) {
    return Status::kSizeMismatch;
  }
  if (aligned_scratch(scratch, scratch_size, model) == nullptr) return Status::kScratchTooSmall;
  return Status::kOk;
}

}  // namespace

size_t scratch_bytes(const Model& model) {
  // The remapped-pixel part exists only for models with a lookup table.
  const size_t remapped = model.input_lut != nullptr ? padded_floats((model.input_size + 3) / 4) : 0;
  const size_t floats =
      padded_floats(model.input_size) + 3 * padded_floats(model.max_width) + remapped;
  return floats * sizeof(float) + kScratchAlignment - 1;
}

Status infer_u8(const Model& model, const uint8_t* pixels, size_t pixel_count,
                float* probabilities, size_t probability_count, void* scratch,
                size_t scratch_size, Prediction* prediction) {
  const Status status = check_call(model, pixels, pixel_count, probabilities,
                                   probability_count, scratch, scratch_size);
  if (status != Status::kOk) return status;
  float* base = aligned_scratch(scratch, scratch_size, model);
  return finish(model, run_u8(model, active_kernels(), pixels, base), probabilities, prediction);
}

Status infer_f32(const Model& model, const float* features, size_t feature_count,
                 float* probabilities, size_t probability_count, void* scratch,
                 size_t scratch_size, Prediction* prediction) {
  const Status status = check_call(model, features, feature_count, probabilities,
                                   probability_count, scratch, scratch_size);
  if (status != Status::kOk) return status;
  // int8 layers take raw pixels (zero point 0), not float features.
  if (model.layers[0].weight_type != format::DType::kFloat32) return Status::kUnsupportedLayer;
  float* base = aligned_scratch(scratch, scratch_size, model);
  return finish(model, run_layers(model, active_kernels(), 0, features, base), probabilities,
                prediction);
}

Status infer_batch_u8(const Model& model, const uint8_t* pixels, size_t image_count,
                      float* probabilities, uint32_t* top_classes, void* scratch,
                      size_t scratch_size) {
  if (!model_loaded(model) || (pixels == nullptr && image_count > 0)) {
    return Status::kNullArgument;
  }
  float* base = aligned_scratch(scratch, scratch_size, model);
  if (base == nullptr) return Status::kScratchTooSmall;
  // Without a caller array, each image's probabilities go to the activation buffer the last
  // layer did not write (it holds at least max_width >= num_classes floats).
  float* spare = activation_buffer(base, model, static_cast<int>(model.layer_count % 2));
  const KernelSet& kernels = active_kernels();
  for (size_t n = 0; n < image_count; ++n) {
    const float* logits = run_u8(model, kernels, pixels + n * model.input_size, base);
    float* out = probabilities != nullptr ? probabilities + n * model.num_classes : spare;
    Prediction prediction;
    const Status status = finish(model, logits, out, &prediction);
    if (top_classes != nullptr) top_classes[n] = prediction.top_class;
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}

}  // namespace softedge
