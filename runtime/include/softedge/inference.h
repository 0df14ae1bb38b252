// softedge/inference.h — run a loaded model: pixels in, probabilities and top class out.
//
// The caller owns all memory. Ask scratch_bytes(model) once, provide a buffer at least that
// large (any alignment), and reuse it for every call; nothing is allocated. Calls on
// different scratch buffers may run concurrently.
//
// Layers: dense, convolution and pooling (format version 3; a build may leave the last two
// out, SOFTEDGE_LAYER_KINDS). Convolutions run as im2col of one output row at a time into the
// scratch, then the dense kernels over those patches; pooling reduces each window directly.
// Both read and write NHWC tensors (docs/RUNTIME.md, "Convolution and pooling").
//
// Numerics: softmax subtracts the largest logit, so finite logits of any magnitude give
// finite probabilities that sum to 1. If any logit is NaN or infinite (NaN/Inf in a float
// input, or a float input so large that the sum overflows) the call returns
// Status::kNonFiniteLogits, sets every probability to 0 and the top class to 0.
#ifndef SOFTEDGE_INFERENCE_H
#define SOFTEDGE_INFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/model.h"
#include "softedge/status.h"

namespace softedge {

struct Prediction {
  uint32_t top_class;
  float top_probability;
};

// Bytes of scratch one inference needs (infer_batch_u8 too: it then runs one image at a time).
// A model with convolutions needs one more part, for one output row's im2col patches of its
// largest convolution (out_w x row_length values); a dense-only model's size is unchanged.
size_t scratch_bytes(const Model& model);

// Bytes of scratch with which infer_batch_u8 runs tiles of up to 16 images at once (each
// weight load then serves several images: several times the throughput of one image at a
// time on x86), for calls of up to `images` images; scratch_bytes(model) for one image.
// Convolution and pooling layers run the tile's images one at a time (one patch part).
// Tens of KB for a 784-input model; embedded callers that do not batch keep scratch_bytes().
// On x86, for 256 images or more, it also holds the dense layers' weights transposed once per
// call (docs/RUNTIME.md, "Batch"): 200 KB more for a 784 -> 256 int8 layer, 800 KB float.
size_t batch_scratch_bytes(const Model& model, size_t images);

// One image of raw pixels (model.input_size bytes, the model applies its own preprocessing).
// `probabilities` receives model.num_classes values; `prediction` may be null.
Status infer_u8(const Model& model, const uint8_t* pixels, size_t pixel_count,
                float* probabilities, size_t probability_count, void* scratch,
                size_t scratch_size, Prediction* prediction);

// One image of already preprocessed features (model.input_size floats). Models whose first
// layer is int8 read raw pixels only: for them this returns kUnsupportedLayer.
Status infer_f32(const Model& model, const float* features, size_t feature_count,
                 float* probabilities, size_t probability_count, void* scratch,
                 size_t scratch_size, Prediction* prediction);

// `image_count` images back to back. probabilities: image_count x num_classes (may be null
// when only classes are wanted); top_classes: image_count (may be null). Stops at the first
// image that fails and returns its status. With a scratch of batch_scratch_bytes() (or any
// size between it and scratch_bytes(): the largest tile that fits) images run in tiles; the
// results are the same as one image at a time (int8: the same bits).
Status infer_batch_u8(const Model& model, const uint8_t* pixels, size_t image_count,
                      float* probabilities, uint32_t* top_classes, void* scratch,
                      size_t scratch_size);

// Numerically stable softmax of n values, in place or not; returns the index of the largest
// input. Returns false (and writes zeros) when an input is NaN or infinite.
bool softmax(const float* logits, size_t n, float* probabilities, uint32_t* argmax);

}  // namespace softedge

#endif  // SOFTEDGE_INFERENCE_H
