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

// Copies or zeroes `bytes` bytes. A first layer on a one-channel image copies runs of
// kernel_size values (3 or 5 bytes in int8): a call to memcpy or memset costs more than the
// copy, and a byte loop about as much, so runs up to 16 bytes are two fixed-size moves that
// overlap in the middle (never a byte outside the run).
template <size_t N>
inline void move_overlapping(uint8_t* out, const uint8_t* in, size_t bytes) {
  memcpy(out, in, N);
  memcpy(out + bytes - N, in + bytes - N, N);
}
inline void copy_bytes(uint8_t* out, const uint8_t* in, size_t bytes) {
  if (bytes > 16) {
    memcpy(out, in, bytes);
  } else if (bytes >= 8) {
    move_overlapping<8>(out, in, bytes);
  } else if (bytes >= 4) {
    move_overlapping<4>(out, in, bytes);
  } else if (bytes >= 2) {
    move_overlapping<2>(out, in, bytes);
  } else if (bytes == 1) {
    *out = *in;
  }
}
inline void zero_bytes(uint8_t* out, size_t bytes) {
  static const uint8_t kZeros[16] = {};
  if (bytes > 16) {
    memset(out, 0, bytes);
  } else {
    copy_bytes(out, kZeros, bytes);
  }
}

// n values from `in` to `out`, or zeros.
template <typename T>
inline void copy_run(T* out, const T* in, size_t n) {
  copy_bytes(reinterpret_cast<uint8_t*>(out), reinterpret_cast<const uint8_t*>(in),
             n * sizeof(T));
}
template <typename T>
inline void zero_run(T* out, size_t n) {
  zero_bytes(reinterpret_cast<uint8_t*>(out), n * sizeof(T));
}

// Writes out_shape.width patches of row_length values, row_length apart, from x (in_shape).
// T is float (float layers) or uint8_t (int8 layers: a zero pixel is the zero point).
template <typename T>
void im2col_row(const Layer& layer, const T* x, uint32_t oy, T* patches) {
  const int32_t k = static_cast<int32_t>(layer.kernel_size);
  const int32_t stride = static_cast<int32_t>(layer.stride);
  const int32_t padding = static_cast<int32_t>(layer.padding);
  const int32_t in_h = static_cast<int32_t>(layer.in_shape.height);
  const int32_t in_w = static_cast<int32_t>(layer.in_shape.width);
  const size_t channels = layer.in_shape.channels;
  const size_t run = static_cast<size_t>(k) * channels;  // one kernel row of a patch
  const int32_t top = static_cast<int32_t>(oy) * stride - padding;
  // The window's rows in the image, ky in [ky0, ky1) (empty when ky1 <= ky0).
  const int32_t ky0 = top < 0 ? -top : 0, ky1 = top + k > in_h ? in_h - top : k;
  T* patch = patches;
  for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox, patch += layer.row_length) {
    // The window's columns left .. left + k - 1; those in the image are kx in [first, last).
    const int32_t left = static_cast<int32_t>(ox) * stride - padding;
    const int32_t first = left < 0 ? -left : 0;
    const int32_t last = left + k > in_w ? in_w - left : k;
    const bool whole_rows = first == 0 && last == k;  // most windows: one copy per row
    for (int32_t ky = 0; ky < k; ++ky) {
      T* out = patch + static_cast<size_t>(ky) * run;
      if (ky < ky0 || ky >= ky1 || first >= last) {
        zero_run(out, run);
        continue;
      }
      const T* in = x + (static_cast<size_t>(top + ky) * in_w + (left + first)) * channels;
      if (whole_rows) {
        copy_run(out, in, run);
        continue;
      }
      zero_run(out, first * channels);
      copy_run(out + first * channels, in, (last - first) * channels);
      zero_run(out + last * channels, (k - last) * channels);
    }
  }
}

}  // namespace detail
}  // namespace softedge

#endif
