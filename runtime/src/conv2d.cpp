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
  const uint32_t pitch = conv_weight_pitch(layer.rows), run_taps = conv_u8s8_run_taps(layer);
  const uint32_t runs = conv_u8s8_runs(layer), run = layer.row_length / runs;  // taps per run
  int8_t* group = lines;  // 4 taps: 4 * pitch bytes, channel o's at 4 * o
  for (uint32_t ky = 0; ky < runs; ++ky) {
    for (uint32_t j = 0; j < run_taps; j += 4, group += 4 * pitch) {
      for (uint32_t o = 0; o < layer.rows; ++o) {
        const int8_t* taps = layer.weights_i8 + size_t{o} * layer.row_length + ky * run;
        if (j + 4 <= run) {
          memcpy(group + 4 * o, taps + j, 4);
          continue;
        }
        for (uint32_t m = 0; m < 4; ++m) group[4 * o + m] = j + m < run ? taps[j + m] : 0;
      }
      memset(group + 4 * layer.rows, 0, 4 * (pitch - layer.rows));
    }
  }
  int32_t* bias = reinterpret_cast<int32_t*>(group);
  for (uint32_t o = 0; o < pitch; ++o) bias[o] = o < layer.rows ? layer.bias_i32[o] : 0;
}

void pad_image_u8(const Layer& layer, const uint8_t* x, uint8_t* padded) {
  const size_t row = conv_u8s8_padded_row(layer);
  const size_t side = size_t{layer.padding} * layer.in_shape.channels;
  const size_t width = size_t{layer.in_shape.width} * layer.in_shape.channels;
  memset(padded, 0, layer.padding * row + side);  // the top rows and the first left margin
  uint8_t* out = padded + layer.padding * row + side;
  for (uint32_t y = 0; y < layer.in_shape.height; ++y, out += row, x += width) {
    memcpy(out, x, width);
    memset(out + width, 0, 2 * side);  // this row's right margin and the next one's left
  }
  // The bottom rows after the last left margin (zeroed above) and the 4 bytes after them.
  memset(out, 0, layer.padding * row + 4 - side);
}

void im2col_row_u8(const Layer& layer, const uint8_t* x, uint32_t oy, uint8_t* patches) {
  im2col_row(layer, x, oy, patches);
}
#endif
#endif

}  // namespace detail
}  // namespace softedge
