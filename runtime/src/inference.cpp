// Inference: pixels go through the model's lookup table if it has one; the first layer reads
// them directly (or features written to scratch when the preprocessing has a bias); int8
// layers pass uint8 activations on, requantized in integers; the layers ping-pong between
// two scratch buffers, and softmax writes the last layer's output into the caller's array.
#include <stdint.h>

#include "layer_modes.h"
#include "scratch_layout.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace softedge {
namespace {

using detail::Scratch;
using format::LayerMode;

bool model_loaded(const Model& model) { return model.layer_count > 0; }

#if SOFTEDGE_LAYER_MODE_FLOAT32 || SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
void apply_activation(const DenseLayer& layer, float* values) {
  if (layer.activation == format::Activation::kRelu) {
    // `< 0`, not `> 0`: a NaN stays NaN, so NaN input still ends in kNonFiniteLogits.
    for (uint32_t i = 0; i < layer.out_features; ++i) values[i] = values[i] < 0 ? 0 : values[i];
  }
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
// (acc * m) / 2^(31 + shift), rounded, clamped to [0, 255], in integers (format.h): the same
// bits on every CPU. A negative product rounds to at most 0, which the clamp (the ReLU) makes 0.
uint8_t requantize(int32_t acc, const int32_t* pair) {
  const int64_t product = static_cast<int64_t>(acc) * pair[0];
  if (product <= 0) return 0;
  const int n = 31 + pair[1];  // 1..62 (the loader checks the shift)
  const int64_t rounded = (product + (int64_t{1} << (n - 1))) >> n;
  return static_cast<uint8_t>(rounded > 255 ? 255 : rounded);
}
#endif

// Runs layers [first, layer_count), layer l writing scratch activations l % 2, and returns
// the logits. `x` holds what layer `first` reads: floats for a float32 layer, uint8 values
// (pixels, or the previous layer's uint8 outputs) for an int8 one; the loader guarantees
// every later layer finds the type it reads. int8 layers sum exactly in integers, then
// either multiply each sum by its float scale (alone in its expression, so nothing can
// contract it into an FMA: the same bits on every CPU) or requantize it to uint8. Only the
// modes this build compiles (layer_modes.h) have a case: the loader refuses the others.
const float* run_layers(const Model& model, const KernelSet& kernels, uint32_t first,
                        const void* x, const Scratch& scratch) {
  for (uint32_t l = first; l < model.layer_count; ++l) {
    const DenseLayer& layer = model.layers[l];
    // Copied out: the compiler must otherwise assume the byte stores below change `layer`.
    const uint32_t in = layer.in_features, out = layer.out_features;
    float* output = scratch.activations(l);
#if SOFTEDGE_LAYER_MODE_INT8
    int32_t* acc = scratch.accumulators();
#endif
    switch (layer.mode) {
#if SOFTEDGE_LAYER_MODE_FLOAT32
      case LayerMode::kFloat32:
        kernels.dense_f32(static_cast<const float*>(x), layer.weights, layer.bias, in, out,
                          output);
        apply_activation(layer, output);
        break;
#endif
#if SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
      case LayerMode::kInt8FloatOutput: {
        kernels.dense_u8s8_i32(static_cast<const uint8_t*>(x), layer.weights_i8, layer.bias_i32,
                               in, out, acc);
        const float* scales = layer.scales;
        for (uint32_t o = 0; o < out; ++o) output[o] = static_cast<float>(acc[o]) * scales[o];
        apply_activation(layer, output);
        break;
      }
#endif
#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
      case LayerMode::kInt8Uint8Output: {
        kernels.dense_u8s8_i32(static_cast<const uint8_t*>(x), layer.weights_i8, layer.bias_i32,
                               in, out, acc);
        const int32_t* requant = layer.requant;
        uint8_t* activations = reinterpret_cast<uint8_t*>(output);
        for (uint32_t o = 0; o < out; ++o) activations[o] = requantize(acc[o], requant + 2 * o);
        break;
      }
#endif
      default:  // a mode left out of this build: load() refused the model
        break;
    }
    x = output;
  }
  return static_cast<const float*>(x);
}

// From raw pixels, remapped by the model's lookup table if it has one. An int8 layer 0 reads
// the pixels. A float32 layer 0 reads the features pixels_to_f32 writes to scratch, or, with
// a zero input bias and the fused kernel compiled in (layer_modes.h), the pixels directly
// (feature = pixel * scale, so W.x = scale * W.pixels).
const float* run_u8(const Model& model, const KernelSet& kernels, const uint8_t* pixels,
                    const Scratch& scratch) {
  if (model.input_lut != nullptr) {
    uint8_t* remapped = scratch.remapped_pixels();
    for (uint32_t i = 0; i < model.input_size; ++i) remapped[i] = model.input_lut[pixels[i]];
    pixels = remapped;
  }
#if SOFTEDGE_LAYER_MODE_FLOAT32
  const DenseLayer& first = model.layers[0];
  if (first.mode == LayerMode::kFloat32) {
#if SOFTEDGE_FUSED_PIXEL_LAYER
    if (model.input_bias == 0.0f) {
      float* output = scratch.activations(0);
      kernels.dense_u8_f32(pixels, model.input_scale, first.weights, first.bias,
                           first.in_features, first.out_features, output);
      apply_activation(first, output);
      return run_layers(model, kernels, 1, output, scratch);
    }
#endif
    kernels.pixels_to_f32(pixels, model.input_size, model.input_scale, model.input_bias,
                          scratch.features());
    return run_layers(model, kernels, 0, scratch.features(), scratch);
  }
#endif
  return run_layers(model, kernels, 0, pixels, scratch);
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
                  size_t scratch_size, Scratch* view) {
  if (!model_loaded(model) || input == nullptr || probabilities == nullptr) {
    return Status::kNullArgument;
  }
  if (input_count != model.input_size || probability_count != model.num_classes) {
    return Status::kSizeMismatch;
  }
  if (!detail::make_scratch(scratch, scratch_size, model, view)) return Status::kScratchTooSmall;
  return Status::kOk;
}

}  // namespace

size_t scratch_bytes(const Model& model) {
  return detail::scratch_bytes_for(detail::scratch_layout(model));
}

Status infer_u8(const Model& model, const uint8_t* pixels, size_t pixel_count,
                float* probabilities, size_t probability_count, void* scratch,
                size_t scratch_size, Prediction* prediction) {
  Scratch view;
  const Status status = check_call(model, pixels, pixel_count, probabilities,
                                   probability_count, scratch, scratch_size, &view);
  if (status != Status::kOk) return status;
  return finish(model, run_u8(model, active_kernels(), pixels, view), probabilities, prediction);
}

Status infer_f32(const Model& model, const float* features, size_t feature_count,
                 float* probabilities, size_t probability_count, void* scratch,
                 size_t scratch_size, Prediction* prediction) {
  Scratch view;
  const Status status = check_call(model, features, feature_count, probabilities,
                                   probability_count, scratch, scratch_size, &view);
  if (status != Status::kOk) return status;
  // int8 layers take raw pixels (zero point 0), not float features.
  if (model.layers[0].mode != LayerMode::kFloat32) return Status::kUnsupportedLayer;
  return finish(model, run_layers(model, active_kernels(), 0, features, view), probabilities,
                prediction);
}

Status infer_batch_u8(const Model& model, const uint8_t* pixels, size_t image_count,
                      float* probabilities, uint32_t* top_classes, void* scratch,
                      size_t scratch_size) {
  if (!model_loaded(model) || (pixels == nullptr && image_count > 0)) {
    return Status::kNullArgument;
  }
  Scratch view;
  if (!detail::make_scratch(scratch, scratch_size, model, &view)) return Status::kScratchTooSmall;
  // Without a caller array, each image's probabilities go to the activation buffer the last
  // layer did not write (it holds at least max_width >= num_classes floats).
  float* spare = view.activations(model.layer_count);
  const KernelSet& kernels = active_kernels();
  for (size_t n = 0; n < image_count; ++n) {
    const float* logits = run_u8(model, kernels, pixels + n * model.input_size, view);
    float* out = probabilities != nullptr ? probabilities + n * model.num_classes : spare;
    Prediction prediction;
    const Status status = finish(model, logits, out, &prediction);
    if (top_classes != nullptr) top_classes[n] = prediction.top_class;
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}

}  // namespace softedge
