// Pooling layers: each output value reduces one channel over its k x k window.
#include "pooling.h"

#include <stddef.h>

namespace softedge {
namespace detail {
namespace {

// y[oy][ox][c] = reduce(window), window(ky, kx) being x at (oy*s + ky, ox*s + kx, c): the
// reduction reads it as first[ky * row_step + kx * channels].
template <typename T, typename Reduce>
void pool_windows(const Layer& layer, const T* x, T* y, Reduce reduce) {
  const uint32_t k = layer.kernel_size, stride = layer.stride;
  const size_t channels = layer.in_shape.channels;
  const size_t row_step = layer.in_shape.width * channels;
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox) {
      const T* corner = x + oy * stride * row_step + ox * stride * channels;
      for (size_t c = 0; c < channels; ++c) *y++ = reduce(corner + c, row_step, channels, k);
    }
  }
}

#if SOFTEDGE_LAYER_KIND_MAX_POOL
// The largest value of each window, channel by channel (float: a NaN after the first value is
// skipped, a first NaN stays). The channels of one pixel are contiguous (NHWC), so each
// window element updates all of them in one loop the compiler vectorises; each channel still
// sees its values in window order (ky, kx).
template <typename T>
void max_pool(const Layer& layer, const T* x, T* y) {
  const uint32_t k = layer.kernel_size, stride = layer.stride;
  const size_t channels = layer.in_shape.channels;
  const size_t row_step = layer.in_shape.width * channels;
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox, y += channels) {
      const T* corner = x + oy * stride * row_step + ox * stride * channels;
      for (size_t c = 0; c < channels; ++c) y[c] = corner[c];
      for (uint32_t ky = 0; ky < k; ++ky) {
        for (uint32_t kx = ky == 0 ? 1 : 0; kx < k; ++kx) {
          const T* in = corner + ky * row_step + kx * channels;
          for (size_t c = 0; c < channels; ++c) y[c] = in[c] > y[c] ? in[c] : y[c];
        }
      }
    }
  }
}
#endif

#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_FLOAT32
float window_mean_f32(const float* first, size_t row_step, size_t channels, uint32_t k) {
  float sum = 0.0f;
  for (uint32_t ky = 0; ky < k; ++ky) {
    for (uint32_t kx = 0; kx < k; ++kx) sum += first[ky * row_step + kx * channels];
  }
  return sum / static_cast<float>(k * k);
}
#endif

#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_INT8
uint8_t window_mean_u8(const uint8_t* first, size_t row_step, size_t channels, uint32_t k) {
  uint32_t sum = 0;  // at most 15 * 15 * 255
  for (uint32_t ky = 0; ky < k; ++ky) {
    for (uint32_t kx = 0; kx < k; ++kx) sum += first[ky * row_step + kx * channels];
  }
  const uint32_t n = k * k;
  return static_cast<uint8_t>((sum + n / 2) / n);
}
#endif

}  // namespace

#if SOFTEDGE_LAYER_KIND_MAX_POOL && SOFTEDGE_LAYER_MODE_FLOAT32
void max_pool_f32(const Layer& layer, const float* x, float* y) {
  max_pool(layer, x, y);
}
#endif
#if SOFTEDGE_LAYER_KIND_MAX_POOL && SOFTEDGE_LAYER_MODE_INT8
void max_pool_u8(const Layer& layer, const uint8_t* x, uint8_t* y) {
  max_pool(layer, x, y);
}
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_FLOAT32
void avg_pool_f32(const Layer& layer, const float* x, float* y) {
  pool_windows(layer, x, y, window_mean_f32);
}
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_INT8
void avg_pool_u8(const Layer& layer, const uint8_t* x, uint8_t* y) {
  pool_windows(layer, x, y, window_mean_u8);
}
#endif

}  // namespace detail
}  // namespace softedge
