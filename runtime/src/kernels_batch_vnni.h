// kernels_batch_vnni.h — the int8 tiles of the batched dense kernel (kernels_batch.h) on
// AVX-512, with VNNI and without (include from an AVX-512 translation unit only): IMAGES
// images x ROWS rows of accumulators, each weight register loaded once for all IMAGES
// images; 4 x 6 accumulators, 4 inputs and a weight: 29 of the 32 registers. TileAvx512
// widens to int16 and multiplies in pairs (vpmaddwd, 32 inputs a step); TileVnni, where the
// unit has VNNI, uses vpdpbusd (64).
// Exact integer sums: the reference's bits.
#ifndef SOFTEDGE_RUNTIME_KERNELS_BATCH_VNNI_H
#define SOFTEDGE_RUNTIME_KERNELS_BATCH_VNNI_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "prefetch.h"
#include "transposed_sums_avx512.h"

namespace softedge {
namespace detail {
namespace {

// The tile shape of TileVnni and TileAvx512 in the batch kernels (kernels_batch.h). Measured
// on MLP 784-256-10 int8 (Zen 5): 4 x 6 about 3% faster than 4 x 5; 2 x 12 and 3 x 8 slower
// (more weight loads, each split over two cache lines: rows are 784 bytes apart).
constexpr uint32_t kVnniTileImages = 4;
constexpr uint32_t kVnniTileRows = 6;

// out[m * out_stride + r] = bias[r] + the lanes of acc[m * ROWS + r] added: each image's rows
// as the one-image kernels store theirs (store_sums: summed together in one register, the
// biases added there, no reloads of stored lanes).
template <uint32_t IMAGES, uint32_t ROWS>
inline void store_tile(const __m512i* acc, const int32_t* bias, int32_t* out,
                       size_t out_stride) {
#pragma GCC unroll 16
  for (uint32_t m = 0; m < IMAGES; ++m) {
    store_sums<ROWS>(acc + m * ROWS, bias, out + m * out_stride);
  }
}

// acc[m * ROWS + r]: image m, row r (flat: GCC keeps them all in registers).
template <uint32_t IMAGES, uint32_t ROWS>
struct TileAvx512 {
  static void run(const uint8_t* x, size_t x_stride, const int8_t* w, const int32_t* bias,
                  uint32_t in, int32_t* out, size_t out_stride) {
    __m512i acc[IMAGES * ROWS];
#pragma GCC unroll 32
    for (uint32_t k = 0; k < IMAGES * ROWS; ++k) acc[k] = _mm512_setzero_si512();
    uint32_t i = 0;
    for (; i < in; i += 32) {
      // Masked loads on the last partial step: the bytes past `in` read as zero.
      const __mmask32 mask = in - i >= 32 ? ~__mmask32{0} : (__mmask32{1} << (in - i)) - 1u;
      __m512i xw[IMAGES];
#pragma GCC unroll 16
      for (uint32_t m = 0; m < IMAGES; ++m) {
        xw[m] = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, x + m * x_stride + i));
      }
      if (i % 64 == 0) prefetch_images_ahead<IMAGES>(x, x_stride, i);  // a line per 2 steps
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const __m512i ww = _mm512_cvtepi8_epi16(
            _mm256_maskz_loadu_epi8(mask, w + static_cast<size_t>(r) * in + i));
#pragma GCC unroll 16
        for (uint32_t m = 0; m < IMAGES; ++m) {
          acc[m * ROWS + r] = _mm512_add_epi32(acc[m * ROWS + r], _mm512_madd_epi16(xw[m], ww));
        }
      }
    }
    store_tile<IMAGES, ROWS>(acc, bias, out, out_stride);
  }
};

#if defined(__AVX512VNNI__)
// acc += the dot products of x's and w's 4-byte groups. As inline assembly because GCC 12
// does not tie _mm512_dpbusd_epi32's accumulator to its destination: it copies every
// accumulator each step and spills some of 20 (twice the time of this loop).
inline void dpbusd(__m512i& acc, __m512i x, __m512i w) {
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
}

template <uint32_t IMAGES, uint32_t ROWS>
struct TileVnni {
  // acc[m * ROWS + r]: image m, row r (flat, and the steps written out twice as in DotVnni:
  // GCC then keeps all accumulators in registers).
  static void run(const uint8_t* x, size_t x_stride, const int8_t* w, const int32_t* bias,
                  uint32_t in, int32_t* out, size_t out_stride) {
    __m512i acc[IMAGES * ROWS];
#pragma GCC unroll 32
    for (uint32_t k = 0; k < IMAGES * ROWS; ++k) acc[k] = _mm512_setzero_si512();
    uint32_t i = 0;
    for (; i + 64 <= in; i += 64) {
      __m512i xb[IMAGES];
#pragma GCC unroll 16
      for (uint32_t m = 0; m < IMAGES; ++m) xb[m] = _mm512_loadu_si512(x + m * x_stride + i);
      prefetch_images_ahead<IMAGES>(x, x_stride, i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const __m512i wv = _mm512_loadu_si512(w + static_cast<size_t>(r) * in + i);
#pragma GCC unroll 16
        for (uint32_t m = 0; m < IMAGES; ++m) {
          dpbusd(acc[m * ROWS + r], xb[m], wv);
        }
      }
    }
    if (i < in) {  // masked loads: the bytes past `in` read as zero
      const __mmask64 mask = (__mmask64{1} << (in - i)) - 1u;
      __m512i xb[IMAGES];
#pragma GCC unroll 16
      for (uint32_t m = 0; m < IMAGES; ++m) {
        xb[m] = _mm512_maskz_loadu_epi8(mask, x + m * x_stride + i);
      }
      prefetch_images_ahead<IMAGES>(x, x_stride, i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const __m512i wv = _mm512_maskz_loadu_epi8(mask, w + static_cast<size_t>(r) * in + i);
#pragma GCC unroll 16
        for (uint32_t m = 0; m < IMAGES; ++m) {
          dpbusd(acc[m * ROWS + r], xb[m], wv);
        }
      }
    }
    store_tile<IMAGES, ROWS>(acc, bias, out, out_stride);
  }
};

#endif  // __AVX512VNNI__

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
