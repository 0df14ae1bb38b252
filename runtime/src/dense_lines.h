// dense_lines.h — int8 dense layers of a large batch, run as 1x1 convolutions over its images
// (internal to the runtime; docs/RUNTIME.md, "Batch").
//
// The batched dense kernels (KernelSet::dense_u8s8_i32_batch) read the weights as the model
// stores them, a row per output: each image's sums end horizontal, and rows 784 bytes apart
// split most vector loads over two cache lines. A direct int8 convolution kernel
// (conv_u8s8_i32) instead broadcasts 4 inputs of an image against a line of 4 taps of every
// output channel: no horizontal sum, aligned loads. A dense layer is such a convolution with
// one run of in_features taps per "pixel", the images being the pixels. infer_batch_u8
// writes those lines (transpose_conv_weights_i8) into a scratch part once per call, for every
// layer that can use them, when the call has enough images to repay the transposition and the
// kernel set gains by them (set_runs_dense_lines). The sums are exact: the same bits.
#ifndef SOFTEDGE_RUNTIME_DENSE_LINES_H
#define SOFTEDGE_RUNTIME_DENSE_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "conv2d.h"
#include "layer_modes.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

// x86 builds with tiles (scratch_layout.h) and the direct int8 kernels. Not ARM: the NEON sets'
// direct kernels lose on a dense layer to their single-image ones (qemu, instructions per
// image of a 512-image call of 784-256-10 int8: neon64 89.7k on lines against 71.8k, armv7
// 126k against 98k, neon64dot 45.5k against 46.2k), so their scratch does not grow for lines.
#if SOFTEDGE_INT8_CONV && !defined(SOFTEDGE_SIZE_FIRST) && \
    (defined(__x86_64__) || defined(__i386__))
#define SOFTEDGE_DENSE_LINES 1
#else
#define SOFTEDGE_DENSE_LINES 0
#endif

#if SOFTEDGE_DENSE_LINES
namespace softedge {
namespace detail {

// The fewest images of an infer_batch_u8 call that writes the lines: fewer do not repay the
// transposition (docs/RUNTIME.md, "Batch").
constexpr size_t kDenseLinesMinImages = 256;

// Whether a kernel set runs dense layers on lines: one that batches them (its own tiles,
// dense_u8s8_i32_batch) and has a direct int8 kernel: the VNNI sets (docs/RUNTIME.md has the
// times).
inline bool set_runs_dense_lines(const KernelSet& kernels) {
  return kernels.dense_u8s8_i32_batch != nullptr && kernels.conv_u8s8_i32 != nullptr;
}

// Whether a layer runs on lines in a batch: an int8 dense layer whose inputs split into whole
// groups of 4 (the kernels read them in place, each group whole), with at least a vector of
// 16 outputs (784 -> 10 is faster on the tiles: most of each line's lanes would be padding).
inline bool uses_dense_lines(const Layer& layer) {
  return layer.kind == format::LayerKind::kDense && layer.mode != format::LayerMode::kFloat32 &&
         layer.in_features % 4 == 0 && layer.rows >= 16;
}

// Bytes of one layer's lines in the part: a multiple of 64, so that the next layer's are
// aligned as the kernels need.
inline size_t dense_lines_layer_bytes(const Layer& layer) {
  return (conv_u8s8_lines_bytes(layer) + 63) / 64 * 64;
}

// Bytes of the dense lines part: every such layer's lines, in layer order (0: none).
inline size_t dense_lines_bytes(const Model& model) {
  size_t bytes = 0;
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    if (uses_dense_lines(model.layers[l])) bytes += dense_lines_layer_bytes(model.layers[l]);
  }
  return bytes;
}

// Layer l's lines in the part at `part` (null: the call has none), or null if the layer has
// none. Out of line: a walk over the layers, kept out of run_layers' frame (the stack bound).
__attribute__((noinline)) inline const int8_t* dense_lines_of(const Model& model, uint32_t l,
                                                               const uint8_t* part) {
  if (part == nullptr || !uses_dense_lines(model.layers[l])) return nullptr;
  for (uint32_t k = 0; k < l; ++k) {
    if (uses_dense_lines(model.layers[k])) part += dense_lines_layer_bytes(model.layers[k]);
  }
  return reinterpret_cast<const int8_t*>(part);
}

// Writes every such layer's lines into `part` (64-byte aligned, dense_lines_bytes long). Out
// of line: it calls no kernel (the stack bound).
__attribute__((noinline)) inline void write_dense_lines(const Model& model, uint8_t* part) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const Layer& layer = model.layers[l];
    if (!uses_dense_lines(layer)) continue;
    transpose_conv_weights_i8(layer, reinterpret_cast<int8_t*>(part));
    part += dense_lines_layer_bytes(layer);
  }
}

}  // namespace detail
}  // namespace softedge
#endif

#endif
