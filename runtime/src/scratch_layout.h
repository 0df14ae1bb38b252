// scratch_layout.h — what inference keeps where in the caller's scratch buffer (internal to
// the runtime; docs/RUNTIME.md, "Scratch memory"). scratch_bytes() and every buffer accessor
// come from the one computation here.
//
// The parts start at the buffer's first 64-byte boundary, each at a multiple of 64 bytes:
//   [features: input_size floats] [activations 0: max_width floats] [activations 1: max_width
//   floats] [accumulators: max_width int32] [convolution: only with convolutions] [remapped
//   pixels: input_size bytes, only with a lookup table]
// Layer l writes activations l % 2 (an int8 layer with uint8 outputs as bytes). The
// convolution part is as large as the convolution that needs most (conv2d.h): a float one
// keeps its weights there transposed, (row_length + 1) * conv_weight_pitch(rows) floats with
// the bias; an int8 one conv_u8s8_bytes(): its weights transposed for the direct kernels and
// a zero-padded copy of its input, or one output row of im2col patches (the sets without
// those kernels) if that is more; it keeps its sums in the accumulators (max_width covers
// its output).
//
// A tile of `images` images (infer_batch_u8 with batch_scratch_bytes()) has each part
// `images` times: features and remapped pixels input_size apart, activations and
// accumulators `stride` elements apart (max_width rounded up to 64 bytes of 4-byte elements;
// uint8 activations use the first `stride` bytes of each). Convolution and pooling layers
// run one image at a time, so the convolution part is there once. One image is the layout above.
// A call of many images may end with one more part: [dense lines: dense_lines.h].
#ifndef SOFTEDGE_RUNTIME_SCRATCH_LAYOUT_H
#define SOFTEDGE_RUNTIME_SCRATCH_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "conv2d.h"
#include "dense_lines.h"
#include "layer_modes.h"
#include "softedge/model.h"

// infer_batch_u8 runs tiles of images (batch_scratch_bytes); size-first builds leave that
// code out and run one image at a time.
#if !defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_BATCH_TILES 1
#else
#define SOFTEDGE_BATCH_TILES 0
#endif

namespace softedge {
namespace detail {

constexpr size_t kScratchAlignment = 64;

inline size_t scratch_part_bytes(size_t bytes) {
  return (bytes + kScratchAlignment - 1) / kScratchAlignment * kScratchAlignment;
}

// Byte offsets of the parts from the first 64-byte boundary, and where the last one ends.
struct ScratchLayout {
  uint32_t images;
  size_t stride;  // elements from one image's activations or accumulators to the next
  size_t features;
  size_t activations[2];
  size_t accumulators;
  size_t remapped_pixels;  // the convolution part, if any, ends here (no field: smaller frames)
#if SOFTEDGE_DENSE_LINES
  size_t dense_lines;  // up to end: empty unless the call writes them
#endif
  size_t end;
};

#if SOFTEDGE_LAYER_KIND_CONV2D
// Bytes of the convolution part: the most any convolution of the model needs (0 without one).
// Out of line: its arithmetic stays out of the frames of inference's entry points, which lay
// out the scratch on every call (the stack bound).
__attribute__((noinline)) inline size_t conv_bytes(const Model& model) {
  size_t largest = 0;
  for (uint32_t l = model.first_window_layer; l < model.layer_count; ++l) {
    const Layer& layer = model.layers[l];
    if (layer.kind != format::LayerKind::kConv2d) continue;
    const size_t bytes = layer.mode == format::LayerMode::kFloat32
                             ? conv_f32_lines_floats(layer) * sizeof(float)
                             : conv_u8s8_bytes(layer);
    if (bytes > largest) largest = bytes;
  }
  return largest;
}
#endif

// Bytes of the convolution part as laid out (a multiple of 64; 0 in a build without
// convolutions).
inline size_t conv_part_bytes(const Model& model) {
#if SOFTEDGE_LAYER_KIND_CONV2D
  if (model.first_window_layer == model.layer_count) return 0;  // dense only: no call
  return scratch_part_bytes(conv_bytes(model));
#else
  (void)model;
  return 0;
#endif
}

// The layout for `images` images; `conv` = conv_part_bytes(model), `lines` the bytes of the
// dense lines part (0, or dense_lines_bytes(model)). Always inline: the size-first builds'
// one out-of-line copy stays the two-argument form below (8 KB budget).
__attribute__((always_inline)) inline ScratchLayout scratch_layout(const Model& model,
                                                                   uint32_t images, size_t conv,
                                                                   size_t lines = 0) {
  ScratchLayout layout;
  layout.images = images;
  layout.stride = scratch_part_bytes(static_cast<size_t>(model.max_width) * 4) / 4;
  const size_t width_bytes = images * layout.stride * 4;
  const size_t inputs = static_cast<size_t>(images) * model.input_size;
  layout.features = 0;
  layout.activations[0] = scratch_part_bytes(inputs * 4);
  layout.activations[1] = layout.activations[0] + width_bytes;
  layout.accumulators = layout.activations[1] + width_bytes;
  layout.remapped_pixels = layout.accumulators + width_bytes + conv;
  layout.end =
      layout.remapped_pixels + (model.input_lut != nullptr ? scratch_part_bytes(inputs) : 0);
#if SOFTEDGE_DENSE_LINES
  layout.dense_lines = layout.end;
  layout.end += lines;
#else
  (void)lines;
#endif
  return layout;
}

inline ScratchLayout scratch_layout(const Model& model, uint32_t images = 1) {
  return scratch_layout(model, images, conv_part_bytes(model));
}

// The caller's buffer seen through the layout: up to 63 bytes are skipped to reach the
// boundary, which scratch_bytes() counts.
struct Scratch {
  uint8_t* base;  // the first 64-byte boundary in the buffer
  ScratchLayout layout;

  float* features() const { return reinterpret_cast<float*>(base + layout.features); }
  float* activations(uint32_t layer) const {
    return reinterpret_cast<float*>(base + layout.activations[layer % 2]);
  }
  int32_t* accumulators() const { return reinterpret_cast<int32_t*>(base + layout.accumulators); }
  uint8_t* remapped_pixels() const { return base + layout.remapped_pixels; }
#if SOFTEDGE_DENSE_LINES
  // The dense lines part, or null if the call has none.
  uint8_t* dense_lines() const {
    return layout.end > layout.dense_lines ? base + layout.dense_lines : nullptr;
  }
#endif
#if SOFTEDGE_LAYER_KIND_CONV2D
  // Right after the accumulators, which are as long as either activation part.
  uint8_t* conv() const {
    return base + layout.accumulators + (layout.activations[1] - layout.activations[0]);
  }
#endif
};

inline size_t scratch_bytes_for(const ScratchLayout& layout) {
  return layout.end + kScratchAlignment - 1;
}

// False when the buffer is null or smaller than the layout needs (*scratch is then unusable).
inline bool make_scratch(void* buffer, size_t size, const Model& model, Scratch* scratch,
                         uint32_t images = 1, size_t lines = 0) {
  // In place: no copy of the layout.
#if SOFTEDGE_DENSE_LINES
  scratch->layout = scratch_layout(model, images, conv_part_bytes(model), lines);
#else
  (void)lines;
  scratch->layout = scratch_layout(model, images);
#endif
  if (buffer == nullptr || size < scratch_bytes_for(scratch->layout)) return false;
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer);
  const size_t skip = (kScratchAlignment - address % kScratchAlignment) % kScratchAlignment;
  scratch->base = static_cast<uint8_t*>(buffer) + skip;
  return true;
}

}  // namespace detail
}  // namespace softedge

#endif
