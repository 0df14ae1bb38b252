// Inference: pixels go through the model's lookup table if it has one; the first layer reads
// them directly (or features written to scratch when the preprocessing has a bias); int8
// layers pass uint8 activations on, requantized in integers; the layers ping-pong between
// two scratch buffers, and softmax writes the last layer's output into the caller's array.
// Convolution and pooling layers (conv2d.h, pooling.h) read and write NHWC tensors in the
// same buffers, one image at a time.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "conv2d.h"
#include "layer_modes.h"
#include "pooling.h"
#include "remap_pixels.h"
#include "scratch_layout.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "weight_sums.h"

namespace softedge {
namespace {

using detail::Scratch;
using format::LayerMode;

bool model_loaded(const Model& model) { return model.layer_count > 0; }

#if (SOFTEDGE_LAYER_MODE_FLOAT32 || SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT) && \
    SOFTEDGE_ACTIVATION_SIGMOID
// Out of line: the calls to expf would otherwise make every caller's frame larger (the stack
// bound) for the rare sigmoid layer.
__attribute__((noinline)) void apply_sigmoid(uint32_t n, float* values) {
  // exp(-x) overflows to inf for x < -88: 1 / inf = 0, the limit. NaN stays NaN.
  for (uint32_t i = 0; i < n; ++i) values[i] = 1.0f / (1.0f + expf(-values[i]));
}
#endif

#if SOFTEDGE_LAYER_MODE_FLOAT32 || SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
// Size-first builds keep one copy for its three callers (the 8 KB budget); elsewhere it is
// inlined (a call costs instructions per inference on a Pi).
#if defined(SOFTEDGE_SIZE_FIRST)
__attribute__((noinline))
#endif
void apply_activation(const KernelSet& kernels, format::Activation activation, uint32_t n,
                      float* values) {
  if (activation == format::Activation::kRelu) {
    // `< 0`, not `> 0`: a NaN stays NaN, so NaN input still ends in kNonFiniteLogits.
    for (uint32_t i = 0; i < n; ++i) values[i] = values[i] < 0 ? 0 : values[i];
  }
  (void)kernels;  // only the sigmoid has a kernel
#if SOFTEDGE_ACTIVATION_SIGMOID
  if (activation == format::Activation::kSigmoid) {
    if (kernels.sigmoid_f32 != nullptr) {
      kernels.sigmoid_f32(values, n);
    } else {
      apply_sigmoid(n, values);
    }
  }
#endif
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
// values[o] = sums[o] * scales[o] for o < n, each product alone in its expression (nothing to
// contract into an FMA: the same bits on every CPU). As many at a time as Ints has lanes, in
// GCC's generic vectors.
typedef int32_t Ints4 __attribute__((vector_size(16)));
typedef float Floats4 __attribute__((vector_size(16)));
typedef int32_t Ints2 __attribute__((vector_size(8)));
typedef float Floats2 __attribute__((vector_size(8)));
template <class Ints, class Floats>
inline void scale_lanes(const int32_t* sums, const float* scales, uint32_t o, float* values) {
  Ints s;
  Floats k;
  memcpy(&s, sums + o, sizeof s);
  memcpy(&k, scales + o, sizeof k);
  const Floats v = __builtin_convertvector(s, Floats) * k;
  memcpy(values + o, &v, sizeof v);
}

// Four at a time; on x86 the rest as a pair and a single (lanes_avx512.h's pieces, which the
// AVX-512 sums come in and its softmax reads: each load served by its store), elsewhere the
// last four overlapping the ones before (the same values again: values and sums never
// overlap), which saves the scalar tail (10 instructions fewer for 10 logits on aarch64); the
// plain loop in size-first builds (smaller).
inline void scale_sums(const int32_t* sums, const float* scales, uint32_t n, float* values) {
#if !defined(SOFTEDGE_SIZE_FIRST)
  if (n >= 4) {
    uint32_t o = 0;
    for (; o + 4 <= n; o += 4) scale_lanes<Ints4, Floats4>(sums, scales, o, values);
#if defined(__x86_64__) || defined(__i386__)
    if (n - o >= 2) {
      scale_lanes<Ints2, Floats2>(sums, scales, o, values);
      o += 2;
    }
    if (o < n) values[o] = static_cast<float>(sums[o]) * scales[o];
#else
    if (o < n) scale_lanes<Ints4, Floats4>(sums, scales, n - 4, values);
#endif
    return;
  }
#endif
  for (uint32_t o = 0; o < n; ++o) values[o] = static_cast<float>(sums[o]) * scales[o];
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
// (acc * m) / 2^(31 + shift), rounded, clamped to [0, 255], in integers (format.h): the same
// bits on every CPU. A negative product rounds to at most 0, which the clamp (the ReLU) makes 0.
// No branch on the sign: about half the outputs of a ReLU layer are negative, at random.
uint8_t requantize(int32_t acc, const int32_t* pair) {
  const int64_t product = static_cast<int64_t>(acc) * pair[0];  // |product| < 2^62
  const int n = 31 + pair[1];  // 1..62 (the loader checks the shift)
  const int64_t rounded = (product + (int64_t{1} << (n - 1))) >> n;  // arithmetic shift
  return static_cast<uint8_t>(rounded < 0 ? 0 : rounded > 255 ? 255 : rounded);
}
#endif

// Out of line where infer_batch_u8 has tiles (the stack bound): a tile's steps never have
// their frames on the stack together, nor the tile path's and the one-image path's.
#if SOFTEDGE_BATCH_TILES
#define SOFTEDGE_TILE_STEP __attribute__((noinline))
// Inference runs `count` images at once (a tile), image n's data `stride` elements after
// image n - 1's.
inline uint32_t images_in(uint32_t count) { return count; }
#else
#define SOFTEDGE_TILE_STEP
// One image at a time: the loops over a tile's images compile to their one iteration.
inline uint32_t images_in(uint32_t) { return 1; }
#endif

// Layer l's dense lines in this call's scratch (dense_lines.h), or null.
inline const void* lines_of(const Model& model, const KernelSet& kernels, uint32_t l,
                            const Scratch& scratch) {
#if SOFTEDGE_DENSE_LINES
  return detail::dense_lines_of(model, l, scratch.dense_lines(), kernels);
#else
  (void)model, (void)kernels, (void)l, (void)scratch;
  return nullptr;
#endif
}

// A layer's dense kernel over `count` images: on its dense lines if the call has them, else
// the set's batch kernel for a tile (if it has one), else its single-image kernel per image.
#if SOFTEDGE_LAYER_MODE_FLOAT32
#if SOFTEDGE_DENSE_LINES
// A float dense layer on its lines (transpose_conv_weights: the bias is the last line): a 1x1
// convolution whose pixels are the images. Out of line: the windows stay out of the caller's
// frame (the stack bound).
__attribute__((noinline)) void dense_f32_lines_images(const KernelSet& kernels,
                                                      const float* lines, uint32_t in,
                                                      uint32_t out, const float* x,
                                                      size_t x_stride, uint32_t count, float* y,
                                                      size_t y_stride) {
  const ConvPixels p = detail::dense_windows(x, x_stride, count, lines, in, out, y_stride);
  kernels.conv_f32(p, lines + size_t{in} * p.pitch, out, y);
}
#endif

// `lines`: the layer's dense lines, or null.
void dense_f32_images(const KernelSet& kernels, const DenseLayer& layer, uint32_t in,
                      uint32_t out, const float* x, size_t x_stride, uint32_t count, float* y,
                      size_t y_stride, const void* lines) {
#if SOFTEDGE_DENSE_LINES
  if (lines != nullptr) {
    dense_f32_lines_images(kernels, static_cast<const float*>(lines), in, out, x, x_stride,
                           count, y, y_stride);
    return;
  }
#else
  (void)lines;
#endif
#if SOFTEDGE_BATCH_TILES
  if (count > 1 && kernels.dense_f32_batch != nullptr) {
    kernels.dense_f32_batch(x, x_stride, count, layer.weights, layer.bias, in, out, y, y_stride);
    return;
  }
#endif
  for (uint32_t n = 0; n < images_in(count); ++n) {
    kernels.dense_f32(x + n * x_stride, layer.weights, layer.bias, in, out, y + n * y_stride);
  }
}
#endif

#if SOFTEDGE_FUSED_PIXEL_LAYER
void dense_u8_f32_images(const KernelSet& kernels, const DenseLayer& layer,
                         const uint8_t* pixels, size_t pixel_stride, uint32_t count,
                         float scale, float* y, size_t y_stride) {
  const uint32_t in = layer.in_features, out = layer.out_features;
#if SOFTEDGE_BATCH_TILES
  if (count > 1 && kernels.dense_u8_f32_batch != nullptr) {
    kernels.dense_u8_f32_batch(pixels, pixel_stride, count, scale, layer.weights, layer.bias, in,
                               out, y, y_stride);
    return;
  }
#endif
  for (uint32_t n = 0; n < images_in(count); ++n) {
    kernels.dense_u8_f32(pixels + n * pixel_stride, scale, layer.weights, layer.bias, in, out,
                         y + n * y_stride);
  }
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8
#if SOFTEDGE_DENSE_LINES
// An int8 dense layer on its lines (transpose_conv_weights_i8: the bias after them), as
// dense_f32_lines_images.
__attribute__((noinline)) void dense_u8s8_lines_images(const KernelSet& kernels,
                                                       const int8_t* lines, uint32_t in,
                                                       uint32_t out, const uint8_t* x,
                                                       size_t x_stride, uint32_t count,
                                                       int32_t* acc, size_t acc_stride) {
  const ConvPixelsU8 p = detail::dense_windows(x, x_stride, count, lines, in, out, acc_stride);
  kernels.conv_u8s8_i32(p, reinterpret_cast<const int32_t*>(lines + size_t{in} * p.pitch), out,
                        acc);
}
#endif

// `lines`: the layer's dense lines, or null.
void dense_u8s8_images(const KernelSet& kernels, const DenseLayer& layer, uint32_t in,
                       uint32_t out, const uint8_t* x, size_t x_stride, uint32_t count,
                       int32_t* acc, size_t acc_stride, const void* lines) {
#if SOFTEDGE_DENSE_LINES
  if (lines != nullptr) {
    dense_u8s8_lines_images(kernels, static_cast<const int8_t*>(lines), in, out, x, x_stride,
                            count, acc, acc_stride);
    return;
  }
#else
  (void)lines;
#endif
#if SOFTEDGE_BATCH_TILES
  if (count > 1 && kernels.dense_u8s8_i32_batch != nullptr) {
    kernels.dense_u8s8_i32_batch(x, x_stride, count, layer.weights_i8, layer.bias_i32, in, out,
                                 acc, acc_stride);
    return;
  }
#endif
  for (uint32_t n = 0; n < images_in(count); ++n) {
    kernels.dense_u8s8_i32(x + n * x_stride, layer.weights_i8, layer.bias_i32, in, out,
                           acc + n * acc_stride);
  }
}

#if SOFTEDGE_WEIGHT_SUMS
// An int8 dense layer with its rows' weight sums (weight_sums.h), image by image (the sets that
// take the sums have no batch int8 kernel). Inline: a frame of its own would lie under every
// kernel's (the stack bound).
__attribute__((always_inline)) inline void dense_u8s8_summed_images(
    const KernelSet& kernels, const DenseLayer& layer, const int32_t* pairs, const uint8_t* x,
    size_t x_stride, uint32_t count, int32_t* acc, size_t acc_stride) {
  for (uint32_t n = 0; n < images_in(count); ++n) {
    kernels.dense_u8s8_i32_summed(x + n * x_stride, layer.weights_i8, pairs, layer.in_features,
                                  layer.out_features, acc + n * acc_stride);
  }
}
#endif

// Int8 dense layer l's sums for `count` images, `stride` apart: with the rows' weight sums
// where the Model holds them and the set takes them, else dense_u8s8_images.
__attribute__((always_inline)) inline void int8_layer_sums(
    const Model& model, const KernelSet& kernels, uint32_t l, const DenseLayer& layer,
    uint32_t in, uint32_t out, const uint8_t* x, size_t x_stride, uint32_t count, int32_t* acc,
    size_t stride, const Scratch& scratch) {
#if SOFTEDGE_WEIGHT_SUMS
  const int32_t* pairs = detail::weight_sums_of(model, layer);
  if (pairs != nullptr && kernels.dense_u8s8_i32_summed != nullptr) {
    dense_u8s8_summed_images(kernels, layer, pairs, x, x_stride, count, acc, stride);
    return;
  }
#endif
  dense_u8s8_images(kernels, layer, in, out, x, x_stride, count, acc, stride,
                    lines_of(model, kernels, l, scratch));
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
// Dense layer l's uint8 outputs for `count` images from their sums in the accumulators, into
// activations l, stride elements apart: the set's kernel for the whole tile, or format.h's
// rule in a loop. Out of line where there are tiles: its frame beside the dense kernels', not
// in run_layers' (the stack bound).
SOFTEDGE_TILE_STEP void requantize_images(const KernelSet& kernels, const DenseLayer& layer,
                                          uint32_t count, const Scratch& scratch, uint32_t l) {
  const uint32_t out = layer.out_features;
  const size_t stride = scratch.layout.stride;
  const int32_t* acc = scratch.accumulators();
  uint8_t* values = reinterpret_cast<uint8_t*>(scratch.activations(l));
#if SOFTEDGE_BATCH_TILES
  if (kernels.requantize_u8 != nullptr) {
    kernels.requantize_u8(acc, layer.requant, out, count, stride, values);
    return;
  }
#endif
  (void)kernels;
  for (uint32_t n = 0; n < images_in(count); ++n, acc += stride, values += stride) {
    for (uint32_t o = 0; o < out; ++o) values[o] = requantize(acc[o], layer.requant + 2 * o);
  }
}
#endif

#if SOFTEDGE_LAYER_KIND_CONV2D
// What follows an int8 convolution's sums, per output channel (the fastest index of NHWC):
// float outputs sums[i] * scales[i % channels], one multiply each as for a dense layer, or
// uint8 outputs requantized (the set's kernel, or format.h's rule in a loop).
#if SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
__attribute__((noinline)) void scale_channels(const int32_t* sums, const float* scales,
                                              uint32_t size, uint32_t channels, float* values) {
  for (uint32_t i = 0; i < size; i += channels) {
    for (uint32_t o = 0; o < channels; ++o) {
      values[i + o] = static_cast<float>(sums[i + o]) * scales[o];
    }
  }
}
#endif
#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
inline void requantize_channels(const KernelSet& kernels, const int32_t* sums,
                                const int32_t* requant, uint32_t size, uint32_t channels,
                                uint8_t* values) {
  if (kernels.requantize_u8 != nullptr) {  // every pixel at once
    kernels.requantize_u8(sums, requant, channels, size / channels, channels, values);
    return;
  }
  for (uint32_t i = 0; i < size; i += channels) {
    for (uint32_t o = 0; o < channels; ++o) {
      values[i + o] = requantize(sums[i + o], requant + 2 * o);
    }
  }
}
#endif

#if SOFTEDGE_INT8_CONV
// An int8 convolution's outputs from its sums (NHWC): floats scaled per channel, then the
// activation, or uint8 values requantized, as the mode says (as for a dense layer).
__attribute__((always_inline)) inline void int8_conv_outputs(const KernelSet& kernels,
                                                             const Layer& layer,
                                                             const int32_t* sums, void* y) {
  switch (layer.mode) {
#if SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
    case LayerMode::kInt8FloatOutput:
      scale_channels(sums, layer.scales, layer.out_features, layer.rows, static_cast<float*>(y));
      apply_activation(kernels, layer.activation, layer.out_features, static_cast<float*>(y));
      break;
#endif
#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
    case LayerMode::kInt8Uint8Output:
      requantize_channels(kernels, sums, layer.requant, layer.out_features, layer.rows,
                          static_cast<uint8_t*>(y));
      break;
#endif
    default:  // a mode left out of this build: load() refused the model
      break;
  }
}
#endif
#endif

#if SOFTEDGE_LAYER_KIND_POOL
// A pooling layer of one image: float data (float32 mode) or uint8 data (an int8 mode).
// Only the compiled kinds and modes have a branch: the loader refuses the others.
__attribute__((noinline)) void pool_image(const Layer& layer, const void* x, void* y) {
  const bool max = layer.kind == format::LayerKind::kMaxPool;
  if (layer.mode == LayerMode::kFloat32) {
#if SOFTEDGE_LAYER_MODE_FLOAT32
    const float* in = static_cast<const float*>(x);
    float* out = static_cast<float*>(y);
#if SOFTEDGE_LAYER_KIND_MAX_POOL
    if (max) detail::max_pool_f32(layer, in, out);
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL
    if (!max) detail::avg_pool_f32(layer, in, out);
#endif
#endif
    return;
  }
#if SOFTEDGE_LAYER_MODE_INT8
  const uint8_t* in = static_cast<const uint8_t*>(x);
  uint8_t* out = static_cast<uint8_t*>(y);
#if SOFTEDGE_LAYER_KIND_MAX_POOL
  if (max) detail::max_pool_u8(layer, in, out);
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL
  if (!max) detail::avg_pool_u8(layer, in, out);
#endif
#endif
  (void)max;
}
#endif

#if SOFTEDGE_LAYER_KIND_CONV2D
// A convolution that runs direct (direct_conv_images) for `count` images, as window_layer_images
// below but beside it, in a frame of its own per mode (the direct row loop keeps more values
// live around its kernel; one function for both modes took 16 bytes more than the stack
// bound leaves). The weights are transposed into the convolution part once for all the
// images; an int8 one's sums go through the accumulators.
#if SOFTEDGE_LAYER_MODE_FLOAT32
__attribute__((noinline)) void float_conv_images(const KernelSet& kernels, const Layer& layer,
                                                 const float* x, size_t x_stride,
                                                 uint32_t count, float* y, size_t stride,
                                                 const Scratch& scratch) {
  float* wt = reinterpret_cast<float*>(scratch.conv());
  detail::transpose_conv_weights(layer, wt);
  for (uint32_t n = 0; n < images_in(count); ++n) {
    detail::conv2d_f32(kernels, layer, x + n * x_stride, wt, y + n * stride);
    apply_activation(kernels, layer.activation, layer.out_features, y + n * stride);
  }
}
#endif

#if SOFTEDGE_INT8_CONV
__attribute__((noinline)) void int8_conv_images(const KernelSet& kernels, const Layer& layer,
                                                const uint8_t* x, size_t x_stride,
                                                uint32_t count, float* y, size_t stride,
                                                const Scratch& scratch) {
  int8_t* part = reinterpret_cast<int8_t*>(scratch.conv());
  detail::transpose_conv_weights_i8(layer, part);
  const bool float_output = layer.mode == LayerMode::kInt8FloatOutput;
  for (uint32_t n = 0; n < images_in(count); ++n) {
    detail::conv2d_u8s8_direct(kernels, layer, x + n * x_stride, part, scratch.accumulators());
    int8_conv_outputs(kernels, layer, scratch.accumulators(),
                      float_output ? static_cast<void*>(y + n * stride)
                                   : reinterpret_cast<uint8_t*>(y) + n * stride);
  }
}
#endif

// Runs the layer if it is a convolution that runs direct: every float one, an int8 one when
// the set has the kernel. False for the others (window_layer_images).
inline bool direct_conv_images(const KernelSet& kernels, const Layer& layer, const void* x,
                               size_t x_stride, uint32_t count, float* y, size_t stride,
                               const Scratch& scratch) {
  if (layer.kind != format::LayerKind::kConv2d) return false;
#if SOFTEDGE_LAYER_MODE_FLOAT32
  if (layer.mode == LayerMode::kFloat32) {
    float_conv_images(kernels, layer, static_cast<const float*>(x), x_stride, count, y, stride,
                      scratch);
    return true;
  }
#endif
#if SOFTEDGE_INT8_CONV
  if (layer.mode != LayerMode::kFloat32 && detail::conv_u8s8_direct(kernels)) {
    int8_conv_images(kernels, layer, static_cast<const uint8_t*>(x), x_stride, count, y, stride,
                     scratch);
    return true;
  }
#endif
  (void)kernels, (void)x, (void)x_stride, (void)count, (void)y, (void)stride, (void)scratch;
  return false;
}
#endif

#if SOFTEDGE_WINDOW_LAYERS
// A convolution that does not run direct (an int8 one, through im2col), or a pooling layer,
// for `count` images, one at a time: image n's input at x + n * x_stride and its output at
// y + n * stride, in elements of the type each carries (floats, or uint8 values: bytes). Out
// of line, called beside run_layers (run_network), never under it: the stack bound counts
// the deepest kernel under each.
__attribute__((noinline)) void window_layer_images(const KernelSet& kernels, const Layer& layer,
                                                   const void* x, size_t x_stride,
                                                   uint32_t count, float* y, size_t stride,
                                                   const Scratch& scratch) {
  // Pools pass their input's type on; an int8 convolution outputs what its mode says.
  const bool float_input = layer.mode == LayerMode::kFloat32;
  const bool float_output = layer.kind == format::LayerKind::kConv2d
                                ? layer.mode != LayerMode::kInt8Uint8Output
                                : float_input;
  for (uint32_t n = 0; n < images_in(count); ++n) {
    const void* in = float_input ? static_cast<const void*>(static_cast<const float*>(x) +
                                                            n * x_stride)
                                 : static_cast<const uint8_t*>(x) + n * x_stride;
    void* out = float_output ? static_cast<void*>(y + n * stride)
                             : reinterpret_cast<uint8_t*>(y) + n * stride;
#if SOFTEDGE_INT8_CONV
    if (layer.kind == format::LayerKind::kConv2d) {  // through im2col (not direct_conv_images)
      detail::conv2d_u8s8(kernels, layer, static_cast<const uint8_t*>(in), scratch.conv(),
                          scratch.accumulators());
      int8_conv_outputs(kernels, layer, scratch.accumulators(), out);
      continue;
    }
#endif
#if SOFTEDGE_LAYER_KIND_POOL
    pool_image(layer, in, out);
#endif
  }
  (void)kernels;
  (void)scratch;
}
#endif

#if SOFTEDGE_WINDOW_LAYERS
// The first convolution or pooling layer from `first` on, or layer_count.
uint32_t dense_run_end(const Model& model, uint32_t first) {
  if (first <= model.first_window_layer) return model.first_window_layer;
  uint32_t end = first;
  while (end < model.layer_count && model.layers[end].kind == format::LayerKind::kDense) ++end;
  return end;
}
#endif

// Runs layers [first, layer_count) for `count` images, layer l writing scratch activations
// l % 2, and returns the logits (image n's scratch.layout.stride elements after image
// n - 1's). `x` holds what layer `first` reads, image n's at x + n * x_stride: floats for a
// float32 layer, uint8 values (pixels, or the previous layer's uint8 outputs) for an int8
// one; the loader guarantees every later layer finds the type it reads. int8 layers sum
// exactly in integers, then either multiply each sum by its float scale (alone in its
// expression, so nothing can contract it into an FMA: the same bits on every CPU) or
// requantize it to uint8. Per image the same operations whatever `count`: the same results
// (int8: the same bits). Only the modes this build compiles (layer_modes.h) have a case: the
// loader refuses the others.
// A build with convolution or pooling stops before the first such layer (run_network).
SOFTEDGE_TILE_STEP const float* run_layers(const Model& model, const KernelSet& kernels,
                                           uint32_t first, const void* x, size_t x_stride,
                                           uint32_t count, const Scratch& scratch) {
  const size_t stride = scratch.layout.stride;
#if SOFTEDGE_WINDOW_LAYERS
  // Re-read each time, as layer_count is: nothing more to keep live across the kernels.
  for (uint32_t l = first;
       l < model.layer_count && model.layers[l].kind == format::LayerKind::kDense; ++l) {
#else
  for (uint32_t l = first; l < model.layer_count; ++l) {
#endif
    const DenseLayer& layer = model.layers[l];
    // Copied out: the compiler must otherwise assume the stores below change `layer`.
    const uint32_t in = layer.in_features, out = layer.out_features;
    const format::Activation activation = layer.activation;
    float* output = scratch.activations(l);
#if SOFTEDGE_LAYER_MODE_INT8
    int32_t* acc = scratch.accumulators();
#endif
    switch (layer.mode) {
#if SOFTEDGE_LAYER_MODE_FLOAT32
      case LayerMode::kFloat32:
        dense_f32_images(kernels, layer, in, out, static_cast<const float*>(x), x_stride, count, output,
                         stride, lines_of(model, kernels, l, scratch));
        for (uint32_t n = 0; n < images_in(count); ++n) {
          apply_activation(kernels, activation, out, output + n * stride);
        }
        break;
#endif
#if SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT
      case LayerMode::kInt8FloatOutput: {
        int8_layer_sums(model, kernels, l, layer, in, out, static_cast<const uint8_t*>(x),
                        x_stride, count, acc, stride, scratch);
        for (uint32_t n = 0; n < images_in(count); ++n) {
          float* values = output + n * stride;
          scale_sums(acc + n * stride, layer.scales, out, values);
          apply_activation(kernels, activation, out, values);
        }
        break;
      }
#endif
#if SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
      case LayerMode::kInt8Uint8Output: {
        int8_layer_sums(model, kernels, l, layer, in, out, static_cast<const uint8_t*>(x),
                        x_stride, count, acc, stride, scratch);
        requantize_images(kernels, layer, count, scratch, l);
        break;
      }
#endif
      default:  // a mode left out of this build: load() refused the model
        break;
    }
    x = output;
    x_stride = stride;
  }
  return static_cast<const float*>(x);
}

// What layer `first` reads: x, image n's at x + n * stride.
struct LayerInput {
  uint32_t first;
  const void* x;
  size_t stride;
};

// Every layer from input.first on; returns the logits, as run_layers does.
#if SOFTEDGE_WINDOW_LAYERS
// Each run of dense layers (run_layers) and each window layer (float_conv_images,
// int8_conv_images, window_layer_images) is called from here, so no frame of one lies under
// another's kernels (the stack bound).
inline const float* run_network(const Model& model, const KernelSet& kernels, LayerInput input,
                                uint32_t count, const Scratch& scratch) {
  for (;;) {
    const uint32_t end = dense_run_end(model, input.first);
    if (end > input.first) {
      input.x = run_layers(model, kernels, input.first, input.x, input.stride, count, scratch);
      input.stride = scratch.layout.stride;
    }
    if (end == model.layer_count) return static_cast<const float*>(input.x);
    float* output = scratch.activations(end);
    const Layer& layer = model.layers[end];
#if SOFTEDGE_LAYER_KIND_CONV2D
    if (!direct_conv_images(kernels, layer, input.x, input.stride, count, output,
                            scratch.layout.stride, scratch))
#endif
    {
      window_layer_images(kernels, layer, input.x, input.stride, count, output,
                          scratch.layout.stride, scratch);
    }
    input = {end + 1, output, scratch.layout.stride};
  }
}
#else
inline const float* run_network(const Model& model, const KernelSet& kernels, LayerInput input,
                                uint32_t count, const Scratch& scratch) {
  return run_layers(model, kernels, input.first, input.x, input.stride, count, scratch);
}
#endif

// The input of the layers for `count` images of raw pixels, input_size bytes apart, remapped
// by the model's lookup table if it has one. An int8 layer 0 reads the pixels. A float32
// layer 0 reads the features pixels_to_f32 writes to scratch, or, with a zero input bias and
// the fused kernel compiled in (layer_modes.h), the pixels directly (feature = pixel * scale,
// so W.x = scale * W.pixels): then it runs here, and the layers start at 1.
__attribute__((always_inline)) inline LayerInput prepare_input_inline(const Model& model,
                                                                      const KernelSet& kernels,
                                                                      const uint8_t* pixels,
                                                                      uint32_t count,
                                                                      const Scratch& scratch) {
  const uint32_t size = model.input_size;
  if (model.input_lut != nullptr) {
    uint8_t* remapped = scratch.remapped_pixels();
    const uint32_t n = images_in(count) * size;
    if (SOFTEDGE_REMAP_PIXELS_KERNELS && kernels.remap_pixels != nullptr) {
      kernels.remap_pixels(pixels, n, model.input_lut, remapped);
    } else {
      detail::remap_pixels_loop(pixels, n, model.input_lut, remapped);
    }
    pixels = remapped;
  }
#if SOFTEDGE_LAYER_MODE_FLOAT32
  const DenseLayer& first = model.layers[0];
  if (first.mode == LayerMode::kFloat32) {
#if SOFTEDGE_FUSED_PIXEL_LAYER
    // Only a dense layer 0 can be fused: a convolution or pooling layer reads the features,
    // as a dense one on lines does (the direct kernels take floats).
    if (model.input_bias == 0.0f && first.kind == format::LayerKind::kDense &&
        lines_of(model, kernels, 0, scratch) == nullptr) {
      float* output = scratch.activations(0);
      const size_t stride = scratch.layout.stride;
      dense_u8_f32_images(kernels, first, pixels, size, count, model.input_scale, output,
                          stride);
      for (uint32_t n = 0; n < images_in(count); ++n) {
        apply_activation(kernels, first.activation, first.out_features, output + n * stride);
      }
      return {1, output, stride};
    }
#endif
    float* features = scratch.features();
    for (uint32_t n = 0; n < images_in(count); ++n) {
      kernels.pixels_to_f32(pixels + n * size, size, model.input_scale, model.input_bias,
                            features + n * size);
    }
    return {0, features, size};
  }
#endif
  return {0, pixels, size};
}

// The same out of line where there are tiles, for them and infer_one_at_a_time
// (SOFTEDGE_TILE_STEP: the stack bound); where the compiler chooses in size-first builds (the
// flash budget).
SOFTEDGE_TILE_STEP LayerInput prepare_input(const Model& model, const KernelSet& kernels,
                                            const uint8_t* pixels, uint32_t count,
                                            const Scratch& scratch) {
  return prepare_input_inline(model, kernels, pixels, count, scratch);
}

// The logits of one image of raw pixels, inline. A layer 0 that reads the pixels as they are
// (an int8 one, no lookup table) needs no preparation. Where INLINE_INPUT (infer_u8), the
// input of the others is prepared inline too: no call before the first layer's (25
// instructions per inference on aarch64, 46 on armv7); not in infer_one_at_a_time, whose frame
// lies under the convolutions' (the stack bound). Size-first builds keep one copy, out of
// line, for both callers (the flash budget).
#if defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_RUN_U8_INLINE
constexpr bool kInlineInput = false;
#else
#define SOFTEDGE_RUN_U8_INLINE __attribute__((always_inline)) inline
constexpr bool kInlineInput = true;
#endif
template <bool INLINE_INPUT>
SOFTEDGE_RUN_U8_INLINE const float* run_u8(const Model& model, const KernelSet& kernels,
                                           const uint8_t* pixels, const Scratch& scratch) {
#if defined(SOFTEDGE_SIZE_FIRST)
  const LayerInput input = prepare_input(model, kernels, pixels, 1, scratch);
#else
  LayerInput input = {0, pixels, model.input_size};
  if (model.input_lut != nullptr || model.layers[0].mode == LayerMode::kFloat32) {
    input = INLINE_INPUT ? prepare_input_inline(model, kernels, pixels, 1, scratch)
                         : prepare_input(model, kernels, pixels, 1, scratch);
  }
#endif
  return run_network(model, kernels, input, 1, scratch);
}

// softmax() in the set the layers ran in (num_classes >= 1: the loader checks it).
Status finish(const Model& model, const KernelSet& kernels, const float* logits,
              float* probabilities, Prediction* prediction) {
  uint32_t top = 0;
#if defined(SOFTEDGE_SIZE_FIRST)  // softmax()'s one copy of the call: smaller code
  (void)kernels;
  const bool finite = softmax(logits, model.num_classes, probabilities, &top);
#else
  const bool finite = kernels.softmax_f32(logits, model.num_classes, probabilities, &top);
#endif
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

// infer_batch_u8 one image at a time (the scratch holds one).
SOFTEDGE_TILE_STEP Status infer_one_at_a_time(const Model& model, const uint8_t* pixels,
                                              size_t image_count, float* probabilities,
                                              uint32_t* top_classes, void* scratch,
                                              size_t scratch_size) {
  Scratch view;
  if (!detail::make_scratch(scratch, scratch_size, model, &view)) return Status::kScratchTooSmall;
  // Without a caller array, each image's probabilities go to the activation buffer the last
  // layer did not write (it holds at least max_width >= num_classes floats).
  float* spare = view.activations(model.layer_count);
  const KernelSet& kernels = active_kernels();
  for (size_t n = 0; n < image_count; ++n) {
    const float* logits =
        run_u8<false>(model, kernels, pixels + n * model.input_size, view);
    float* out = probabilities != nullptr ? probabilities + n * model.num_classes : spare;
    Prediction prediction;
    const Status status = finish(model, kernels, logits, out, &prediction);
    if (top_classes != nullptr) top_classes[n] = prediction.top_class;
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}

#if SOFTEDGE_BATCH_TILES
// Images per tile of infer_batch_u8: their inputs (12.5 KB of 784 pixels for 16 images) and
// a block of weight rows stay in L1 together while the block passes over them.
constexpr uint32_t kMaxTileImages = 16;

// Bytes of the dense lines part a call of image_count images has on `kernels` (null: the most
// of any set).
size_t dense_lines_part(const Model& model, size_t image_count, const KernelSet* kernels) {
#if SOFTEDGE_DENSE_LINES
  if (image_count >= detail::kDenseLinesMinImages) {
    return detail::dense_lines_bytes(model, kernels);
  }
#endif
  (void)model, (void)image_count, (void)kernels;
  return 0;
}

// The largest tile of a call: kMaxTileImages, or 15 where float layers run on lines. The
// direct float kernel takes 5 images at a time on every x86 set (conv_pixels_per_block), and
// a 16th image would pass over all of a layer's lines alone (784 -> 256 on lines: 3.7 us per
// image in tiles of 16, 2.8 in tiles of 15). At most image_count.
uint32_t max_tile_images(const Model& model, size_t image_count, const KernelSet* kernels) {
  uint32_t most = kMaxTileImages;
#if SOFTEDGE_DENSE_LINES
  if (image_count >= detail::kDenseLinesMinImages &&
      detail::has_float_dense_lines(model, kernels)) {
    most = 15;
  }
#endif
  (void)model, (void)kernels;
  return image_count < most ? static_cast<uint32_t>(image_count) : most;
}

// The largest tile, up to max_tile_images, whose scratch fits `size` bytes. Out of line, like
// conv_bytes: a leaf kept out of infer_batch_u8's frame (the stack bound).
__attribute__((noinline)) uint32_t tile_images(const Model& model, size_t image_count, size_t size) {
  uint32_t images = max_tile_images(model, image_count, &active_kernels());
  const size_t conv = detail::conv_part_bytes(model);  // once, not per try
  while (images > 1 &&
         detail::scratch_bytes_for(detail::scratch_layout(model, images, conv)) > size) {
    --images;
  }
  return images;
}

// The dense lines part of a call in tiles of `tile` images: its bytes if the call has enough
// images, the set runs the lines and the scratch holds them too, else 0 (none). Out of line,
// like tile_images.
__attribute__((noinline)) size_t lines_in_scratch(const Model& model, size_t image_count,
                                                  size_t size, uint32_t tile) {
  const size_t lines = dense_lines_part(model, image_count, &active_kernels());
  const detail::ScratchLayout with_lines =
      detail::scratch_layout(model, tile, detail::conv_part_bytes(model), lines);
  return detail::scratch_bytes_for(with_lines) <= size ? lines : 0;
}

// When only top classes are asked for: softmax's top class (the first of equal maxima) and
// its finiteness check (x - x is 0 only for finite x), without the exponentials.
bool top_class_only(const float* logits, uint32_t n, uint32_t* top) {
  uint32_t best = 0;
  bool finite = true;
  for (uint32_t i = 0; i < n; ++i) {
    finite &= logits[i] - logits[i] == 0.0f;
    if (logits[i] > logits[best]) best = i;
  }
  *top = finite ? best : 0;
  return finite;
}

// The outputs of `count` images from their logits, `stride` apart: softmax (the set's batch
// softmax if it has one and takes them, else the same call as one image at a time), or the
// top class only when probabilities is null.
SOFTEDGE_TILE_STEP Status finish_tile(const Model& model, const KernelSet& kernels,
                                      const float* logits, size_t stride, uint32_t count,
                                      float* probabilities, uint32_t* top_classes) {
  if (probabilities != nullptr && kernels.softmax_f32_batch != nullptr &&
      kernels.softmax_f32_batch(logits, stride, count, model.num_classes, probabilities,
                                top_classes)) {
    return Status::kOk;
  }
  for (uint32_t n = 0; n < count; ++n, logits += stride) {
    Prediction prediction;
    Status status = Status::kOk;
    if (probabilities != nullptr) {
      status = finish(model, kernels, logits, probabilities + n * model.num_classes, &prediction);
    } else if (!top_class_only(logits, model.num_classes, &prediction.top_class)) {
      status = Status::kNonFiniteLogits;
    }
    if (top_classes != nullptr) top_classes[n] = prediction.top_class;
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}

// infer_batch_u8 in tiles of `tile` (>= 2) images; the scratch fits them (tile_images), and
// the dense lines first if it holds them too.
SOFTEDGE_TILE_STEP Status infer_tiles(const Model& model, const uint8_t* pixels,
                                      size_t image_count, float* probabilities,
                                      uint32_t* top_classes, void* scratch, size_t scratch_size,
                                      uint32_t tile) {
  const size_t lines = lines_in_scratch(model, image_count, scratch_size, tile);
  Scratch view;
  if (!detail::make_scratch(scratch, scratch_size, model, &view, tile, lines)) {
    return Status::kScratchTooSmall;  // a null buffer (tile_images() checked the size)
  }
#if SOFTEDGE_DENSE_LINES
  // active_kernels() again below, not one reference kept across this call: 16 bytes more of
  // this frame would pass the stack bound.
  if (lines > 0) detail::write_dense_lines(model, active_kernels(), view.dense_lines());
#endif
  const KernelSet& kernels = active_kernels();
  for (size_t start = 0; start < image_count; start += tile) {
    const uint32_t count =
        image_count - start < tile ? static_cast<uint32_t>(image_count - start) : tile;
    const LayerInput input =
        prepare_input(model, kernels, pixels + start * model.input_size, count, view);
    const float* logits = run_network(model, kernels, input, count, view);
    float* tile_probabilities =
        probabilities != nullptr ? probabilities + start * model.num_classes : nullptr;
    uint32_t* tile_classes = top_classes != nullptr ? top_classes + start : nullptr;
    const Status status = finish_tile(model, kernels, logits, view.layout.stride, count,
                                      tile_probabilities, tile_classes);
    if (status != Status::kOk) return status;
  }
  return Status::kOk;
}
#endif  // SOFTEDGE_BATCH_TILES

}  // namespace

size_t scratch_bytes(const Model& model) {
  return detail::scratch_bytes_for(detail::scratch_layout(model));
}

size_t batch_scratch_bytes(const Model& model, size_t images) {
#if SOFTEDGE_BATCH_TILES
  const uint32_t tile = max_tile_images(model, images, nullptr);
  if (tile > 1) {
    // The dense lines of every set that could run them: the same size on every CPU.
    const size_t lines = dense_lines_part(model, images, nullptr);
    return detail::scratch_bytes_for(
        detail::scratch_layout(model, tile, detail::conv_part_bytes(model), lines));
  }
#endif
  (void)images;
  return scratch_bytes(model);
}

Status infer_u8(const Model& model, const uint8_t* pixels, size_t pixel_count,
                float* probabilities, size_t probability_count, void* scratch,
                size_t scratch_size, Prediction* prediction) {
  Scratch view;
  const Status status = check_call(model, pixels, pixel_count, probabilities,
                                   probability_count, scratch, scratch_size, &view);
  if (status != Status::kOk) return status;
  const KernelSet& kernels = active_kernels();
  return finish(model, kernels, run_u8<kInlineInput>(model, kernels, pixels, view),
                probabilities, prediction);
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
  const KernelSet& kernels = active_kernels();
  return finish(model, kernels, run_network(model, kernels, {0, features, 0}, 1, view),
                probabilities, prediction);
}

Status infer_batch_u8(const Model& model, const uint8_t* pixels, size_t image_count,
                      float* probabilities, uint32_t* top_classes, void* scratch,
                      size_t scratch_size) {
  if (!model_loaded(model) || (pixels == nullptr && image_count > 0)) {
    return Status::kNullArgument;
  }
#if SOFTEDGE_BATCH_TILES
  const uint32_t tile = tile_images(model, image_count, scratch_size);
  if (tile > 1) {  // (a null scratch: infer_tiles returns kScratchTooSmall)
    return infer_tiles(model, pixels, image_count, probabilities, top_classes, scratch,
                       scratch_size, tile);
  }
#endif
  return infer_one_at_a_time(model, pixels, image_count, probabilities, top_classes, scratch,
                             scratch_size);
}

}  // namespace softedge
