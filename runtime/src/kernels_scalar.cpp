// The portable reference kernels: the fallback on any CPU and the oracle for every SIMD set.
// Plain sequential loops, float accumulation in index order.
#include "kernels_scalar.h"

#include <math.h>

namespace softedge {
namespace detail {

// Each kernel is compiled only where a compiled layer mode calls it (layer_modes.h).
#if SOFTEDGE_LAYER_MODE_FLOAT32
void dense_f32_scalar(const float* x, const float* weights, const float* bias, uint32_t in,
                      uint32_t out, float* y) {
  for (uint32_t o = 0; o < out; ++o) {
    const float* row = weights + static_cast<size_t>(o) * in;
    float sum = 0.0f;
    for (uint32_t i = 0; i < in; ++i) sum += row[i] * x[i];
    y[o] = sum + bias[o];
  }
}
#endif

#if SOFTEDGE_FUSED_PIXEL_LAYER
void dense_u8_f32_scalar(const uint8_t* pixels, float scale, const float* weights,
                         const float* bias, uint32_t in, uint32_t out, float* y) {
  for (uint32_t o = 0; o < out; ++o) {
    const float* row = weights + static_cast<size_t>(o) * in;
    float sum = 0.0f;
    for (uint32_t i = 0; i < in; ++i) sum += row[i] * static_cast<float>(pixels[i]);
    y[o] = scale * sum + bias[o];
  }
}
#endif

#if SOFTEDGE_LAYER_MODE_INT8
void dense_u8s8_i32_scalar(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                           uint32_t in, uint32_t out, int32_t* acc) {
  for (uint32_t o = 0; o < out; ++o) {
    const int8_t* row = weights + static_cast<size_t>(o) * in;
    int32_t sum = bias[o];
    for (uint32_t i = 0; i < in; ++i) sum += static_cast<int32_t>(x[i]) * row[i];
    acc[o] = sum;
  }
}
#endif

#if SOFTEDGE_LAYER_MODE_FLOAT32
void pixels_to_f32_scalar(const uint8_t* pixels, uint32_t n, float scale, float bias,
                          float* out) {
  for (uint32_t i = 0; i < n; ++i) out[i] = static_cast<float>(pixels[i]) * scale + bias;
}
#endif

#if SOFTEDGE_FLOAT_CONV
// Each pixel's outputs start as the bias and take the window's inputs in order (runs, then
// along a run), every channel at once: the order every set's conv_f32 keeps per channel.
void conv_f32_scalar(const ConvPixels& p, const float* bias, uint32_t channels, float* y) {
  for (uint32_t n = 0; n < p.count; ++n, y += p.out_stride) {
    for (uint32_t o = 0; o < channels; ++o) y[o] = bias[o];
    for (uint32_t r = 0; r < p.runs; ++r) {
      const float* x = p.x + n * p.pixel_stride + r * p.x_run_stride;
      const float* wt = p.wt + r * p.wt_run_stride;
      for (uint32_t j = 0; j < p.run_length; ++j, wt += p.pitch) {
        for (uint32_t o = 0; o < channels; ++o) y[o] += x[j] * wt[o];
      }
    }
  }
}
#endif

#if SOFTEDGE_INT8_CONV
// The same order as conv_f32_scalar, in groups of 4 inputs (exact: the order cannot matter).
void conv_u8s8_i32_scalar(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                          int32_t* acc) {
  for (uint32_t n = 0; n < p.count; ++n, acc += p.out_stride) {
    for (uint32_t o = 0; o < channels; ++o) acc[o] = bias[o];
    for (uint32_t r = 0; r < p.runs; ++r) {
      const uint8_t* x = p.x + n * p.pixel_stride + r * p.x_run_stride;
      const int8_t* wt = p.wt + r * p.wt_run_stride;
      for (uint32_t j = 0; j < p.run_length; j += 4, wt += 4 * p.pitch) {
        for (uint32_t o = 0; o < channels; ++o) {
          for (uint32_t m = 0; m < 4; ++m) acc[o] += int32_t{x[j + m]} * wt[4 * o + m];
        }
      }
    }
  }
}
#endif

bool softmax_f32_scalar(const float* logits, uint32_t n, float* probabilities,
                        uint32_t* argmax) {
  uint32_t best = 0;
  bool finite = true;
  for (uint32_t i = 0; i < n; ++i) {
    finite &= isfinite(logits[i]) != 0;
    if (logits[i] > logits[best]) best = i;  // the first of equal maxima wins
  }
  *argmax = finite ? best : 0;
  if (!finite) {
    for (uint32_t i = 0; i < n; ++i) probabilities[i] = 0.0f;
    return false;
  }
  // exp(x - max) <= 1 never overflows and the largest term is 1: the sum is in [1, n].
  float sum = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    probabilities[i] = expf(logits[i] - logits[best]);
    sum += probabilities[i];
  }
  const float inverse = 1.0f / sum;
  for (uint32_t i = 0; i < n; ++i) probabilities[i] *= inverse;
  return true;
}

// The Cortex-M sets compile this file for their float kernels even without the scalar set.
#if defined(SOFTEDGE_HAVE_KERNELS_SCALAR)
SOFTEDGE_DEFINE_REFERENCE_FLOAT_KERNELS(kScalarKernels, "scalar", dense_u8s8_i32_scalar);
#endif

}  // namespace detail
}  // namespace softedge
