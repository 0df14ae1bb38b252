// dense_lines.h — dense layers of a large batch, run as 1x1 convolutions over its images
// (internal to the runtime; docs/RUNTIME.md, "Batch").
//
// The batched dense kernels (KernelSet::dense_f32_batch, dense_u8s8_i32_batch) read the
// weights as the model stores them, a row per output: each image's sums end horizontal, and
// rows 784 bytes apart split most int8 vector loads over two cache lines. A direct
// convolution kernel (conv_f32, conv_u8s8_i32) instead broadcasts an input of an image (int8:
// 4 inputs) against a line of that tap (4 taps) of every output channel: no horizontal sum,
// aligned loads. A dense layer is such a convolution with one run of in_features taps per
// "pixel", the images being the pixels. infer_batch_u8 writes those lines
// (transpose_conv_weights, transpose_conv_weights_i8) into a scratch part once per call, for
// every layer that can use them, when the call has enough images to repay the transposition
// and the kernel set gains by them (set_runs_dense_lines). int8 sums are exact: the same
// bits. Float sums take each image's inputs in order, one lane per output: within rounding
// of the tiles (which already differ from one image at a time in the order of their sums,
// 784 -> 10 aside: it stays on the tiles).
#ifndef SOFTEDGE_RUNTIME_DENSE_LINES_H
#define SOFTEDGE_RUNTIME_DENSE_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "conv2d.h"
#include "layer_modes.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

// x86 builds with tiles (scratch_layout.h), the direct kernels and both float and int8 layers.
// Not ARM: the NEON sets' direct kernels lose on a dense layer to their single-image ones
// (qemu, instructions per image of a 512-image call of 784-256-10 int8: neon64 89.7k on lines
// against 71.8k, armv7 126k against 98k, neon64dot 45.5k against 46.2k), so their scratch does
// not grow for lines.
#if SOFTEDGE_INT8_CONV && SOFTEDGE_FLOAT_CONV && !defined(SOFTEDGE_SIZE_FIRST) && \
    (defined(__x86_64__) || defined(__i386__))
#define SOFTEDGE_DENSE_LINES 1
#else
#define SOFTEDGE_DENSE_LINES 0
#endif

namespace softedge {
namespace detail {

// The windows of a dense layer on its lines over `count` images: one run of in_features taps
// per image (x_stride apart), outputs out_stride apart.
template <typename Input, typename Weight>
__attribute__((always_inline)) inline ConvWindows<Input, Weight> dense_windows(
    const Input* x, size_t x_stride, uint32_t count, const Weight* lines, uint32_t in,
    uint32_t out, size_t out_stride) {
  ConvWindows<Input, Weight> p;
  p.x = x;
  p.pixel_stride = x_stride;
  p.count = count;
  p.runs = 1;
  p.run_length = in;
  p.pitch = conv_weight_pitch(out);
  p.x_run_stride = 0;
  p.wt = lines;
  p.wt_run_stride = 0;
  p.out_stride = out_stride;
  return p;
}

}  // namespace detail
}  // namespace softedge

#if SOFTEDGE_DENSE_LINES
namespace softedge {
namespace detail {

// The fewest images of an infer_batch_u8 call that writes the lines: fewer do not repay the
// transposition (docs/RUNTIME.md, "Batch").
constexpr size_t kDenseLinesMinImages = 256;

// Whether a kernel set runs dense layers of a mode on lines: one that batches them (its own
// tiles, dense_f32_batch or dense_u8s8_i32_batch) and has the direct kernel of the mode
// (conv_f32, conv_u8s8_i32): the x86 SIMD sets for float, the VNNI sets for int8
// (docs/RUNTIME.md has the times). Null: any set (the scratch is the same size on every CPU).
inline bool set_runs_dense_lines(const KernelSet* kernels, format::LayerMode mode) {
  if (kernels == nullptr) return true;
  if (mode == format::LayerMode::kFloat32) {
    return kernels->dense_f32_batch != nullptr && kernels->conv_f32 != nullptr;
  }
  return kernels->dense_u8s8_i32_batch != nullptr && kernels->conv_u8s8_i32 != nullptr;
}

// Whether a layer runs on lines in a batch on `kernels` (null: on some set): a dense layer
// with at least a vector of 16 outputs (784 -> 10 is faster on the tiles: most of each line's
// lanes would be padding); int8, if its inputs split into whole groups of 4 (the kernels read
// them in place, each group whole).
inline bool uses_dense_lines(const Layer& layer, const KernelSet* kernels) {
  return layer.kind == format::LayerKind::kDense && layer.rows >= 16 &&
         (layer.mode == format::LayerMode::kFloat32 || layer.in_features % 4 == 0) &&
         set_runs_dense_lines(kernels, layer.mode);
}

// Bytes of one layer's lines in the part (float: the bias as one more line): a multiple of
// 64, so that the next layer's are aligned as the kernels need.
inline size_t dense_lines_layer_bytes(const Layer& layer) {
  const size_t bytes = layer.mode == format::LayerMode::kFloat32
                           ? conv_f32_lines_floats(layer) * sizeof(float)
                           : conv_u8s8_lines_bytes(layer);
  return (bytes + 63) / 64 * 64;
}

// Bytes of the dense lines part on `kernels` (null: the most any set uses): every such layer's
// lines, in layer order (0: none).
inline size_t dense_lines_bytes(const Model& model, const KernelSet* kernels) {
  size_t bytes = 0;
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const Layer& layer = model.layers[l];
    if (uses_dense_lines(layer, kernels)) bytes += dense_lines_layer_bytes(layer);
  }
  return bytes;
}

// Whether a float layer of the model runs on lines on `kernels` (null: on some set).
inline bool has_float_dense_lines(const Model& model, const KernelSet* kernels) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const Layer& layer = model.layers[l];
    if (layer.mode == format::LayerMode::kFloat32 && uses_dense_lines(layer, kernels)) {
      return true;
    }
  }
  return false;
}

// Layer l's lines (float or int8, as the layer) in the part at `part` (null: the call has
// none) written for `kernels`, or null if the layer has none. Out of line: a walk over the
// layers, kept out of run_layers' frame (the stack bound).
__attribute__((noinline)) inline const void* dense_lines_of(const Model& model, uint32_t l,
                                                             const uint8_t* part,
                                                             const KernelSet& kernels) {
  if (part == nullptr || !uses_dense_lines(model.layers[l], &kernels)) return nullptr;
  for (uint32_t k = 0; k < l; ++k) {
    if (uses_dense_lines(model.layers[k], &kernels)) {
      part += dense_lines_layer_bytes(model.layers[k]);
    }
  }
  return part;
}

// Writes the lines of every layer that uses them on `kernels` into `part` (64-byte aligned,
// dense_lines_bytes long). Out of line: it calls no kernel (the stack bound).
__attribute__((noinline)) inline void write_dense_lines(const Model& model,
                                                         const KernelSet& kernels,
                                                         uint8_t* part) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const Layer& layer = model.layers[l];
    if (!uses_dense_lines(layer, &kernels)) continue;
    if (layer.mode == format::LayerMode::kFloat32) {
      transpose_conv_weights(layer, reinterpret_cast<float*>(part));
    } else {
      transpose_conv_weights_i8(layer, reinterpret_cast<int8_t*>(part));
    }
    part += dense_lines_layer_bytes(layer);
  }
}

}  // namespace detail
}  // namespace softedge
#endif

#endif
