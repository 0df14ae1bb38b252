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

// The 2 x 2 windows of stride 2 (the pools of softedge-train's CNN and of LeNet): y's
// channels for one output pixel from the same channels of its four input pixels, in one loop
// the compiler vectorises. The general loops below spend more on the window bookkeeping than
// on the values there (max_pool_u8 was 15.6 % of an int8 CNN batch in `perf`). `reduce`
// takes the window in the general loops' order, (0, 0), (0, 1), (1, 0), (1, 1): the same bits.
// True when it ran (the layer's windows are 2 x 2 of stride 2); size-first builds keep only
// the general loops (the flash budget).
template <typename T, typename Reduce>
bool pooled_2x2(const Layer& layer, const T* x, T* __restrict y, Reduce reduce) {
#if defined(SOFTEDGE_SIZE_FIRST)
  (void)layer, (void)x, (void)y, (void)reduce;
  return false;
#else
  if (layer.kernel_size != 2 || layer.stride != 2) return false;
  const size_t channels = layer.in_shape.channels;
  const size_t row_step = layer.in_shape.width * channels;
  for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
    const T* top = x + 2 * oy * row_step;
    const T* bottom = top + row_step;
    for (uint32_t ox = 0; ox < layer.out_shape.width; ++ox) {
      for (size_t c = 0; c < channels; ++c) {
        y[c] = reduce(top[c], top[channels + c], bottom[c], bottom[channels + c]);
      }
      top += 2 * channels;
      bottom += 2 * channels;
      y += channels;
    }
  }
  return true;
#endif
}

#if SOFTEDGE_LAYER_KIND_MAX_POOL
// The largest value of each window, channel by channel (float: a NaN after the first value is
// skipped, a first NaN stays). The channels of one pixel are contiguous (NHWC), so each
// window element updates all of them in one loop the compiler vectorises; each channel still
// sees its values in window order (ky, kx).
template <typename T>
void max_pool(const Layer& layer, const T* x, T* y) {
  const auto window_max = [](T a, T b, T c, T d) {
    T m = a;
    m = b > m ? b : m;
    m = c > m ? c : m;
    return d > m ? d : m;
  };
  if (pooled_2x2(layer, x, y, window_max)) return;
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
  // From 0.0f as window_mean_f32 (a window of -0.0 gives +0.0 there).
  const auto window_mean = [](float a, float b, float c, float d) {
    return (0.0f + a + b + c + d) / 4.0f;
  };
  if (pooled_2x2(layer, x, y, window_mean)) return;
  pool_windows(layer, x, y, window_mean_f32);
}
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_INT8
void avg_pool_u8(const Layer& layer, const uint8_t* x, uint8_t* y) {
  const auto window_mean = [](uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return static_cast<uint8_t>((uint32_t{a} + b + c + d + 2) / 4);
  };
  if (pooled_2x2(layer, x, y, window_mean)) return;
  pool_windows(layer, x, y, window_mean_u8);
}
#endif

}  // namespace detail
}  // namespace softedge
