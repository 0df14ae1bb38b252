// Built with -march=SOFTEDGE_TRAINER_ARCH: the weight gradient's fused multiply-adds are part
// of the model bytes.
#include "softedge/train/narrow_layer.h"

#include <xsimd/xsimd.hpp>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "softedge/kernels.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);

// Rows of float inputs.
struct FloatRows {
  const float* x;
  batch load(size_t offset) const { return batch::load_unaligned(x + offset); }
  float at(size_t offset) const { return x[offset]; }
};

// Rows of pixels, widened to floats in registers (xsimd's widest batch is the widest vector
// -march enables).
struct PixelRows {
  const uint8_t* pixels;
  batch load(size_t offset) const {
    const uint8_t* p = pixels + offset;
#if defined(__AVX512F__)
    return _mm512_cvtepi32_ps(
        _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
#elif defined(__AVX2__)
    return _mm256_cvtepi32_ps(
        _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
#else
    alignas(64) float values[kLanes];
    for (uint32_t l = 0; l < kLanes; ++l) values[l] = p[l];
    return batch::load_aligned(values);
#endif
  }
  float at(size_t offset) const { return static_cast<float>(pixels[offset]); }
};

constexpr uint32_t kRows = 10;

template <uint32_t ROWS, class Rows>
void accumulate_rows(float* weights, uint32_t in, uint32_t out,
                     const float* coefficients, Rows x, uint32_t rows) {
  uint32_t i = 0;
  for (; i + kLanes <= in; i += kLanes) {
    batch acc[ROWS];
    for (uint32_t o = 0; o < ROWS; ++o) {
      acc[o] = batch::load_unaligned(weights + static_cast<size_t>(o) * in + i);
    }
    for (uint32_t r = 0; r < rows; ++r) {
      const batch v = x.load(static_cast<size_t>(r) * in + i);
      const float* c = coefficients + static_cast<size_t>(r) * out;
      for (uint32_t o = 0; o < ROWS; ++o) acc[o] = xsimd::fma(batch(c[o]), v, acc[o]);
    }
    for (uint32_t o = 0; o < ROWS; ++o) {
      acc[o].store_unaligned(weights + static_cast<size_t>(o) * in + i);
    }
  }
  for (; i < in; ++i) {
    for (uint32_t o = 0; o < ROWS; ++o) {
      float sum = weights[static_cast<size_t>(o) * in + i];
      for (uint32_t r = 0; r < rows; ++r) {
        sum += coefficients[static_cast<size_t>(r) * out + o] * x.at(static_cast<size_t>(r) * in + i);
      }
      weights[static_cast<size_t>(o) * in + i] = sum;
    }
  }
}

template <class Rows>
void accumulate(float* weights, uint32_t in, uint32_t out,
                const float* coefficients, Rows x, uint32_t rows) {
  uint32_t o = 0;
  for (; o + kRows <= out; o += kRows) {
    accumulate_rows<kRows>(weights + static_cast<size_t>(o) * in, in, out,
                           coefficients + o, x, rows);
  }
  for (; o < out; ++o) {
    accumulate_rows<1>(weights + static_cast<size_t>(o) * in, in, out, coefficients + o,
                       x, rows);
  }
}

}  // namespace

void narrow_forward(const float* weights, const float* bias, uint32_t in, uint32_t out,
                    const float* x, uint32_t rows, float* y) {
  const KernelSet& kernels = active_kernels();
  if (kernels.dense_f32_batch != nullptr) {
    kernels.dense_f32_batch(x, in, rows, weights, bias, in, out, y, out);
    return;
  }
  for (uint32_t r = 0; r < rows; ++r) {
    kernels.dense_f32(x + size_t{r} * in, weights, bias, in, out, y + size_t{r} * out);
  }
}

void narrow_forward(const float* weights, const float* bias, uint32_t in, uint32_t out,
                    const uint8_t* pixels, float scale, uint32_t rows, float* y) {
  const KernelSet& kernels = active_kernels();
  if (kernels.dense_u8_f32_batch != nullptr) {
    kernels.dense_u8_f32_batch(pixels, in, rows, scale, weights, bias, in, out, y, out);
    return;
  }
  for (uint32_t r = 0; r < rows; ++r) {
    kernels.dense_u8_f32(pixels + size_t{r} * in, scale, weights, bias, in, out,
                         y + size_t{r} * out);
  }
}

void accumulate_weight_gradient(float* weights, uint32_t in, uint32_t out,
                                const float* coefficients, const float* x, uint32_t rows) {
  accumulate(weights, in, out, coefficients, FloatRows{x}, rows);
}

void accumulate_weight_gradient(float* weights, uint32_t in, uint32_t out,
                                const float* coefficients, const uint8_t* pixels,
                                uint32_t rows) {
  accumulate(weights, in, out, coefficients, PixelRows{pixels}, rows);
}

}  // namespace train
}  // namespace softedge
