// The out-of-line parts of convolution layers (conv2d.h): the weights transposed for the
// direct kernels, and im2col of an int8 output row.
#include "conv2d.h"

#include <string.h>

#include "im2col.h"

namespace softedge {
namespace detail {

#if SOFTEDGE_LAYER_KIND_CONV2D
#if SOFTEDGE_LAYER_MODE_FLOAT32
void transpose_conv_weights(const Layer& layer, float* wt) {
  const uint32_t pitch = conv_weight_pitch(layer.rows);
  for (uint32_t t = 0; t < layer.row_length; ++t, wt += pitch) {
    for (uint32_t o = 0; o < layer.rows; ++o) {
      wt[o] = layer.weights[size_t{o} * layer.row_length + t];
    }
    for (uint32_t o = layer.rows; o < pitch; ++o) wt[o] = 0.0f;
  }
  for (uint32_t o = 0; o < pitch; ++o) wt[o] = o < layer.rows ? layer.bias[o] : 0.0f;
}
#endif
#if SOFTEDGE_LAYER_MODE_INT8
void transpose_conv_weights_i8(const Layer& layer, int8_t* lines) {
  const uint32_t pitch = conv_weight_pitch(layer.rows), taps = conv_u8s8_taps(layer);
  int8_t* group = lines;  // taps t .. t + 3: 4 * pitch bytes, channel o's at 4 * o
  for (uint32_t t = 0; t < taps; t += 4, group += 4 * pitch) {
    for (uint32_t o = 0; o < layer.rows; ++o) {
      const int8_t* row = layer.weights_i8 + size_t{o} * layer.row_length;
      if (t + 4 <= layer.row_length) {
        memcpy(group + 4 * o, row + t, 4);
        continue;
      }
      for (uint32_t m = 0; m < 4; ++m) group[4 * o + m] = t + m < layer.row_length ? row[t + m] : 0;
    }
    memset(group + 4 * layer.rows, 0, 4 * (pitch - layer.rows));
  }
  int32_t* bias = reinterpret_cast<int32_t*>(group);
  for (uint32_t o = 0; o < pitch; ++o) bias[o] = o < layer.rows ? layer.bias_i32[o] : 0;
}

void im2col_row_u8(const Layer& layer, const uint8_t* x, uint32_t oy, uint8_t* patches,
                   uint32_t patch_stride) {
  im2col_row(layer, x, oy, patches, patch_stride);
}
#endif
#endif

}  // namespace detail
}  // namespace softedge
