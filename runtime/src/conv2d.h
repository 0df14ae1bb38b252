// conv2d.h — convolution layers (format.h, LayerKind::kConv2d) over one image (internal to
// the runtime; docs/RUNTIME.md, "Convolution and pooling").
//
// Float: direct. The weights are transposed once per call of inference into the scratch
// convolution part (HWIO lines, output channels fastest), and the set's conv_f32 kernel
// broadcasts each input of a window against a line: one call per run of output pixels whose
// windows the image clips alike (all the inner pixels of a row, then each border pixel).
// No im2col copy; the windows are read where they lie in the NHWC input.
//
// int8, on sets with conv_u8s8_i32 (dot products, NEON): direct in the same way, on weights
// transposed in groups of 4 taps; an input whose channels are not a multiple of 4 is first
// copied into a zero-padded image, in which every window is whole. On the other sets: per
// output row, im2col its out_w patches into the scratch convolution part (im2col.h), then
// run the set's dense int8 kernels over them as a batch of out_w "images" whose outputs are
// out_channels apart. Either way the exact int32 sums land in NHWC.
//
// The stack bound (tests/embedded/stack_bound.awk) counts the deepest kernel under every
// function that calls one: the row loops below are inlined into inference's convolution
// steps, and only the copies (which call no kernel) are out of line.
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
// Floats of a float convolution's transposed lines (transpose_conv_weights): row_length
// weight lines and the bias line, pitch = conv_weight_pitch(rows) floats each.
inline size_t conv_f32_lines_floats(const Layer& layer) {
  return (size_t{layer.row_length} + 1) * conv_weight_pitch(layer.rows);
}

// Whether an int8 convolution's windows split into groups of 4 inputs, even where the image
// clips them (input channels a multiple of 4), as the direct int8 kernels need to read them
// in place. The other layers' input is first copied into a zero-padded image, in which every
// window is whole and each of its runs may be read a few bytes long.
inline bool conv_u8s8_in_groups_of_4(const Layer& layer) {
  return layer.in_shape.channels % 4 == 0;
}

// Runs of an int8 layer's transposed lines: a convolution's kernel rows; a dense layer's
// whole row is one run (a 1x1 convolution: inference's dense lines, dense_lines.h).
inline uint32_t conv_u8s8_runs(const Layer& layer) {
  return layer.kind == format::LayerKind::kConv2d ? layer.kernel_size : 1;
}

// Taps per run of an int8 layer's transposed lines (a convolution's kernel_size * channels)
// rounded up to a multiple of 4, the taps after the run's own with zero weights.
inline uint32_t conv_u8s8_run_taps(const Layer& layer) {
  return (layer.row_length / conv_u8s8_runs(layer) + 3) / 4 * 4;
}

// Bytes of an int8 layer's transposed lines (transpose_conv_weights_i8): conv_u8s8_runs runs
// of conv_u8s8_run_taps weight lines, pitch bytes each, then the bias, pitch int32.
inline size_t conv_u8s8_lines_bytes(const Layer& layer) {
  return (size_t{conv_u8s8_runs(layer)} * conv_u8s8_run_taps(layer) + 4) *
         conv_weight_pitch(layer.rows);
}

// Bytes of a zero-padded row of the input (padding on both sides), and of the padded image
// with 4 bytes after it: a run read up to 3 bytes long at the last window stays inside.
inline size_t conv_u8s8_padded_row(const Layer& layer) {
  return (size_t{layer.in_shape.width} + 2 * layer.padding) * layer.in_shape.channels;
}
inline size_t conv_u8s8_padded_bytes(const Layer& layer) {
  return (size_t{layer.in_shape.height} + 2 * layer.padding) * conv_u8s8_padded_row(layer) + 4;
}

// Bytes of the scratch convolution part an int8 convolution uses: the direct kernels' lines
// and the padded image after them (used unless its windows come in groups of 4), or one
// output row of im2col patches (sets without those kernels), if that is more. The same size
// for every set.
inline size_t conv_u8s8_bytes(const Layer& layer) {
  const size_t direct = conv_u8s8_lines_bytes(layer) + conv_u8s8_padded_bytes(layer);
  const size_t patches = size_t{layer.out_shape.width} * layer.row_length;
  return direct > patches ? direct : patches;
}

// Output pixels ox .. ox + count - 1 of row oy, whose windows the image clips alike, as the
// direct kernels take them (ConvWindows): the rows ky and columns kx of the window that lie
// in the image. An int8 line is 4 bytes per channel for 4 taps, so tap t starts t * pitch
// elements in, as a float line does.
template <typename Input, typename Weight>
__attribute__((always_inline)) inline ConvWindows<Input, Weight> conv_pixels(
    const Layer& layer, const Input* x, const Weight* wt, uint32_t oy, uint32_t ox,
    uint32_t count) {
  const int32_t k = static_cast<int32_t>(layer.kernel_size);
  const int32_t padding = static_cast<int32_t>(layer.padding);
  const int32_t top = static_cast<int32_t>(oy * layer.stride) - padding;
  const int32_t left = static_cast<int32_t>(ox * layer.stride) - padding;
  const int32_t in_h = static_cast<int32_t>(layer.in_shape.height);
  const int32_t in_w = static_cast<int32_t>(layer.in_shape.width);
  const int32_t ky0 = top < 0 ? -top : 0, ky1 = top + k > in_h ? in_h - top : k;
  const int32_t kx0 = left < 0 ? -left : 0, kx1 = left + k > in_w ? in_w - left : k;
  const size_t channels = layer.in_shape.channels;
  ConvWindows<Input, Weight> p;
  p.pitch = conv_weight_pitch(layer.rows);
  p.out_stride = layer.rows;
  p.pixel_stride = layer.stride * channels;
  p.count = count;
  p.runs = ky1 > ky0 ? static_cast<uint32_t>(ky1 - ky0) : 0;
  p.run_length = kx1 > kx0 ? static_cast<uint32_t>(kx1 - kx0) * layer.in_shape.channels : 0;
  p.x_run_stride = static_cast<size_t>(in_w) * channels;
  p.wt_run_stride = static_cast<size_t>(k) * channels * p.pitch;
  p.x = x;
  p.wt = wt;
  if (p.runs > 0 && p.run_length > 0) {  // else nothing is read
    p.x = x + (static_cast<size_t>(top + ky0) * in_w + (left + kx0)) * channels;
    p.wt = wt + (static_cast<size_t>(ky0) * k + kx0) * channels * p.pitch;
  }
  return p;
}

// The row loops, inline (always) into their caller: no frame of their own between it and the
// kernels.
// y (out_shape, NHWC) = bias + the convolution of x (in_shape, NHWC), by a direct kernel
// (KernelSet::conv_f32 or conv_u8s8_i32) on the transposed lines wt and bias.
template <typename Input, typename Weight, typename Output, typename Bias>
__attribute__((always_inline)) inline void conv2d_direct(
    void (*kernel)(const ConvWindows<Input, Weight>&, const Bias*, uint32_t, Output*),
    const Layer& layer, const Input* x, const Weight* wt, const Bias* bias, Output* y) {
  const uint32_t out_w = layer.out_shape.width;
  const uint32_t k = layer.kernel_size, stride = layer.stride, padding = layer.padding;
  const uint32_t in_w = layer.in_shape.width;
  // The columns whose windows lie inside the image's width: [inner, inner_end).
  const uint32_t first_inside = (padding + stride - 1) / stride;
  const uint32_t inner = first_inside < out_w ? first_inside : out_w;
  uint32_t inner_end = in_w + padding >= k ? (in_w + padding - k) / stride + 1 : 0;
  inner_end = inner_end > out_w ? out_w : inner_end < inner ? inner : inner_end;
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    Output* row = y + size_t{oy} * out_w * layer.rows;
    for (uint32_t ox = 0; ox < out_w;) {
      const uint32_t count = ox == inner && inner_end > inner ? inner_end - inner : 1;
      kernel(conv_pixels(layer, x, wt, oy, ox, count), bias, layer.rows,
             row + size_t{ox} * layer.rows);
      ox += count;
    }
  }
}

#if SOFTEDGE_LAYER_MODE_FLOAT32
// Writes conv_f32's weight lines for the layer (window tap t's line at wt + t * pitch, pitch
// = conv_weight_pitch(rows)), then its bias as one more line: (row_length + 1) * pitch
// floats, zeros after the channels. Out of line: it calls no kernel.
void transpose_conv_weights(const Layer& layer, float* wt);

// y (out_shape, NHWC) = bias + the convolution of x (in_shape, NHWC); no activation.
// wt: transpose_conv_weights' lines for this layer.
__attribute__((always_inline)) inline void conv2d_f32(const KernelSet& kernels,
                                                      const Layer& layer, const float* x,
                                                      const float* wt, float* y) {
  conv2d_direct(kernels.conv_f32, layer, x, wt,
                wt + size_t{layer.row_length} * conv_weight_pitch(layer.rows), y);
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8
// Output row oy's patches (im2col.h). Out of line: it calls no kernel.
void im2col_row_u8(const Layer& layer, const uint8_t* x, uint32_t oy, uint8_t* patches);

// Copies x into `padded` (conv_u8s8_padded_bytes): the image with `padding` zero rows and
// columns around it, and the 4 zero bytes after. Out of line: it calls no kernel.
void pad_image_u8(const Layer& layer, const uint8_t* x, uint8_t* padded);

// Whether `kernels` runs int8 convolutions direct: the set has conv_u8s8_i32. Else im2col
// and the dense kernels.
inline bool conv_u8s8_direct(const KernelSet& kernels) {
  return kernels.conv_u8s8_i32 != nullptr;
}

// Writes conv_u8s8_i32's lines for the layer (a convolution, or a dense layer: one run) into
// `lines` (64-byte aligned): for each run (kernel row), its taps in groups of 4
// (ConvWindows), zeros up to conv_u8s8_run_taps; then the bias, zeros after the channels.
// Out of line: it calls no kernel.
void transpose_conv_weights_i8(const Layer& layer, int8_t* lines);

// acc (out_shape, NHWC) = the exact int32 sums, bias included, of the int8 convolution of
// the uint8 x, direct (conv_u8s8_direct): `part` holds conv_u8s8_bytes(), the lines
// transpose_conv_weights_i8 wrote first. Windows in groups of 4 are read in place; the
// others in the zero-padded copy of the image, a whole row of output pixels per call, each
// run read conv_u8s8_run_taps long (the extra inputs meet zero weights).
__attribute__((always_inline)) inline void conv2d_u8s8_direct(const KernelSet& kernels,
                                                              const Layer& layer,
                                                              const uint8_t* x,
                                                              int8_t* part, int32_t* acc) {
  const uint32_t pitch = conv_weight_pitch(layer.rows), run_taps = conv_u8s8_run_taps(layer);
  const int32_t* bias = reinterpret_cast<const int32_t*>(
      part + size_t{layer.kernel_size} * run_taps * pitch);  // a convolution: kernel_size runs
  if (conv_u8s8_in_groups_of_4(layer)) {
    conv2d_direct(kernels.conv_u8s8_i32, layer, x, static_cast<const int8_t*>(part), bias, acc);
    return;
  }
  uint8_t* padded = reinterpret_cast<uint8_t*>(part) + conv_u8s8_lines_bytes(layer);
  pad_image_u8(layer, x, padded);
  const size_t row = conv_u8s8_padded_row(layer);
  const uint32_t out_w = layer.out_shape.width;
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    ConvPixelsU8 p;  // every window whole: k runs of run_taps inputs, `row` apart
    p.x = padded + size_t{oy} * layer.stride * row;
    p.pixel_stride = size_t{layer.stride} * layer.in_shape.channels;
    p.count = out_w;
    p.runs = layer.kernel_size;
    p.run_length = run_taps;
    p.x_run_stride = row;
    p.wt = part;
    p.wt_run_stride = size_t{run_taps} * pitch;
    p.pitch = pitch;
    p.out_stride = layer.rows;
    kernels.conv_u8s8_i32(p, bias, layer.rows, acc + size_t{oy} * out_w * layer.rows);
  }
}

// The same sums through im2col: patches holds out_shape.width * row_length bytes.
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
