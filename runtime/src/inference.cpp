// Inference: preprocess pixels into scratch, run the dense layers ping-ponging between two
// scratch buffers, softmax the last layer's output into the caller's array.
#include <stdint.h>

#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace softedge {
namespace {

// Scratch layout (floats): [features: input_size][activations A: max_width][B: max_width],
// each part rounded up to 16 floats so every part starts 64-byte aligned relative to the
// first one; the first one is aligned inside the caller's buffer.
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

bool model_loaded(const Model& model) { return model.layer_count > 0; }

// Runs the layers on `features` (already in scratch or the caller's array); writes the logits
// to a scratch buffer and returns it.
const float* run_layers(const Model& model, const KernelSet& kernels, const float* features,
                        float* scratch_base) {
  const float* input = features;
  float* output = nullptr;
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const DenseLayer& layer = model.layers[l];
    output = activation_buffer(scratch_base, model, static_cast<int>(l % 2));
    kernels.dense_f32(input, layer.weights, layer.bias, layer.in_features, layer.out_features,
                      output);
    if (layer.activation == format::Activation::kRelu) {
      for (uint32_t i = 0; i < layer.out_features; ++i) output[i] = output[i] > 0 ? output[i] : 0;
    }
    input = output;
  }
  return output;
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
  const size_t floats = padded_floats(model.input_size) + 2 * padded_floats(model.max_width);
  return floats * sizeof(float) + kScratchAlignment - 1;
}

Status infer_u8(const Model& model, const uint8_t* pixels, size_t pixel_count,
                float* probabilities, size_t probability_count, void* scratch,
                size_t scratch_size, Prediction* prediction) {
  const Status status = check_call(model, pixels, pixel_count, probabilities,
                                   probability_count, scratch, scratch_size);
  if (status != Status::kOk) return status;
  const KernelSet& kernels = active_kernels();
  float* base = aligned_scratch(scratch, scratch_size, model);
  kernels.pixels_to_f32(pixels, model.input_size, model.input_scale, model.input_bias, base);
  return finish(model, run_layers(model, kernels, base, base), probabilities, prediction);
}

Status infer_f32(const Model& model, const float* features, size_t feature_count,
                 float* probabilities, size_t probability_count, void* scratch,
                 size_t scratch_size, Prediction* prediction) {
  const Status status = check_call(model, features, feature_count, probabilities,
                                   probability_count, scratch, scratch_size);
  if (status != Status::kOk) return status;
  float* base = aligned_scratch(scratch, scratch_size, model);
  return finish(model, run_layers(model, active_kernels(), features, base), probabilities,
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
    kernels.pixels_to_f32(pixels + n * model.input_size, model.input_size, model.input_scale,
                          model.input_bias, base);
    const float* logits = run_layers(model, kernels, base, base);
    float* out = probabilities != nullptr ? probabilities + n * model.num_classes : spare;
    Prediction prediction;
    const Status status = finish(model, logits, out, &prediction);
    if (top_classes != nullptr) top_classes[n] = prediction.top_class;
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}

}  // namespace softedge
