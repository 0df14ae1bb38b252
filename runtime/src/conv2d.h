// conv2d.h — convolution layers (format.h, LayerKind::kConv2d) over one image (internal to
// the runtime; docs/RUNTIME.md, "Convolution and pooling").
//
// Per output row: im2col its out_w patches into the scratch patch part (im2col.h), then run
// the kernel set's dense kernels over them as a batch of out_w "images" whose outputs are
// out_channels apart: the output row lands in NHWC directly, and every ISA's SIMD dense
// kernels serve convolutions.
//
// The stack bound (tests/embedded/stack_bound.awk) counts the deepest kernel under every
// function that calls one: the row loops below are inlined into inference's window-layer
// step, and only im2col (which calls no kernel) is out of line.
#ifndef SOFTEDGE_RUNTIME_CONV2D_H
#define SOFTEDGE_RUNTIME_CONV2D_H

#include <stddef.h>
#include <stdint.h>

#include "layer_modes.h"
#include "softedge/kernels.h"
#include "softedge/model.h"

namespace softedge {
namespace detail {

#if SOFTEDGE_LAYER_KIND_CONV2D
// Output row oy's patches (im2col.h). Out of line: it calls no kernel.
#if SOFTEDGE_LAYER_MODE_FLOAT32
void im2col_row_f32(const Layer& layer, const float* x, uint32_t oy, float* patches);
#endif
#if SOFTEDGE_LAYER_MODE_INT8
void im2col_row_u8(const Layer& layer, const uint8_t* x, uint32_t oy, uint8_t* patches);
#endif

// The row loops, inline (always) into their caller: no frame of their own between it and the
// kernels. Sizes are read from `layer` where used: few values live across the kernel calls.
#if SOFTEDGE_LAYER_MODE_FLOAT32
// y (out_shape, NHWC) = bias + the convolution of x (in_shape, NHWC); no activation.
// patches: out_shape.width * row_length floats.
__attribute__((always_inline)) inline void conv2d_f32(const KernelSet& kernels,
                                                      const Layer& layer, const float* x,
                                                      float* patches, float* y) {
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    im2col_row_f32(layer, x, oy, patches);
    // The batch kernel loads each weight once for several patches (optional in a set).
    if (layer.out_shape.width > 1 && kernels.dense_f32_batch != nullptr) {
      kernels.dense_f32_batch(patches, layer.row_length, layer.out_shape.width, layer.weights,
                              layer.bias, layer.row_length, layer.rows, y, layer.rows);
      y += size_t{layer.out_shape.width} * layer.rows;
      continue;
    }
    for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox, y += layer.rows) {
      kernels.dense_f32(patches + size_t{ox} * layer.row_length, layer.weights, layer.bias,
                        layer.row_length, layer.rows, y);
    }
  }
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8
// acc (out_shape, NHWC) = the exact int32 sums, bias included, of the int8 convolution of
// the uint8 x. patches: out_shape.width * row_length bytes.
__attribute__((always_inline)) inline void conv2d_u8s8(const KernelSet& kernels,
                                                       const Layer& layer, const uint8_t* x,
                                                       uint8_t* patches, int32_t* acc) {
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    im2col_row_u8(layer, x, oy, patches);
    if (layer.out_shape.width > 1 && kernels.dense_u8s8_i32_batch != nullptr) {
      kernels.dense_u8s8_i32_batch(patches, layer.row_length, layer.out_shape.width,
                                   layer.weights_i8, layer.bias_i32, layer.row_length,
                                   layer.rows, acc, layer.rows);
      acc += size_t{layer.out_shape.width} * layer.rows;
      continue;
    }
    for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox, acc += layer.rows) {
      kernels.dense_u8s8_i32(patches + size_t{ox} * layer.row_length, layer.weights_i8,
                             layer.bias_i32, layer.row_length, layer.rows, acc);
    }
  }
}
#endif
#endif  // SOFTEDGE_LAYER_KIND_CONV2D

}  // namespace detail
}  // namespace softedge

#endif
