// im2col.h — one output row of a convolution as patches (internal to the runtime).
//
// Patch ox of output row oy holds the layer's window at (oy, ox) in the weights' OHWI order:
// kernel_size runs (kernel rows ky) of kernel_size * channels values (columns kx, channels
// fastest), zeros where the window lies in the padding. In NHWC each run is one contiguous
// piece of an input row, so a patch is built from at most kernel_size copies.
#ifndef SOFTEDGE_RUNTIME_IM2COL_H
#define SOFTEDGE_RUNTIME_IM2COL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "softedge/model.h"

namespace softedge {
namespace detail {

// n values from `in` to `out`, or zeros. A first layer on a one-channel image copies runs of
// kernel_size values (3 bytes for a 3x3 kernel): a call to memcpy or memset costs more than
// the copy, so short runs are a plain loop.
template <typename T>
inline void copy_run(T* out, const T* in, size_t n) {
  if (n > 16) {
    memcpy(out, in, n * sizeof(T));
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = in[i];
}
template <typename T>
inline void zero_run(T* out, size_t n) {
  if (n > 16) {
    memset(out, 0, n * sizeof(T));
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = 0;
}

// Writes out_shape.width patches of row_length values, patch_stride >= row_length apart,
// from x (in_shape), zeros in between. T is float (float layers) or uint8_t (int8 layers: a
// zero pixel is the zero point).
template <typename T>
void im2col_row(const Layer& layer, const T* x, uint32_t oy, T* patches,
                uint32_t patch_stride) {
  const int32_t k = static_cast<int32_t>(layer.kernel_size);
  const int32_t stride = static_cast<int32_t>(layer.stride);
  const int32_t padding = static_cast<int32_t>(layer.padding);
  const int32_t in_h = static_cast<int32_t>(layer.in_shape.height);
  const int32_t in_w = static_cast<int32_t>(layer.in_shape.width);
  const size_t channels = layer.in_shape.channels;
  const size_t run = static_cast<size_t>(k) * channels;  // one kernel row of a patch
  const int32_t top = static_cast<int32_t>(oy) * stride - padding;
  T* patch = patches;
  for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox, patch += patch_stride) {
    zero_run(patch + layer.row_length, patch_stride - layer.row_length);
    // The window's columns left .. left + k - 1; those in the image are kx in [first, last).
    const int32_t left = static_cast<int32_t>(ox) * stride - padding;
    const int32_t first = left < 0 ? -left : 0;
    const int32_t last = left + k > in_w ? in_w - left : k;
    for (int32_t ky = 0; ky < k; ++ky) {
      T* out = patch + static_cast<size_t>(ky) * run;
      const int32_t iy = top + ky;
      if (iy < 0 || iy >= in_h || first >= last) {
        zero_run(out, run);
        continue;
      }
      const T* in = x + (static_cast<size_t>(iy) * in_w + (left + first)) * channels;
      zero_run(out, first * channels);
      copy_run(out + first * channels, in, (last - first) * channels);
      zero_run(out + last * channels, (k - last) * channels);
    }
  }
}

}  // namespace detail
}  // namespace softedge

#endif
