// kernels_dot_vnni.h — the one-image int8 dot kernel on AVX-512 VNNI (kernels_int8.h's Dot),
// shared by the avx512vnni and avx512vbmi sets (include from their translation units only).
#ifndef SOFTEDGE_RUNTIME_KERNELS_DOT_VNNI_H
#define SOFTEDGE_RUNTIME_KERNELS_DOT_VNNI_H

#include <immintrin.h>
#include <stdint.h>

#include "prefetch.h"
#include "transposed_sums_avx512.h"

namespace softedge {
namespace detail {
namespace {

// acc + the four-byte dot products of x (uint8) and *w (int8, 64 bytes from memory) per
// int32 lane, updated in place: written as the intrinsic, GCC 12 copies every accumulator
// of the loop below to another register and back in each step (20 moves for 10 rows).
inline void dpbusd_in_place(__m512i& acc, const __m512i& x, const int8_t* w) {
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "m"(*reinterpret_cast<const __m512i*>(w)));
}

// 64 inputs per vpdpbusd: uint8 x int8 products summed four at a time straight into int32,
// with no intermediate saturation (that is vpdpbusds). Masked loads for the last step only
// (a masked load that crosses a cache line is slow, and most rows start off a 64-byte line).
//
// more_rows: rows follow this block in the layer (prefetch.h: their weights are fetched
// meanwhile; 784 -> 256 -> 10 int8 one image, interleaved medians: 3,023 -> 2,646 ns).
template <uint32_t ROWS>
struct DotVnni {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* bias,
                  int32_t* sums, bool more_rows) {
    __m512i acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = _mm512_setzero_si512();
    const uintptr_t next = reinterpret_cast<uintptr_t>(w) + size_t{ROWS} * in;
    uint32_t i = 0;
    for (; i + 64 <= in; i += 64) {
      const __m512i xb = _mm512_loadu_si512(x + i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) dpbusd_in_place(acc[r], xb, w + r * in + i);
      prefetch_next_rows<ROWS>(next, i, more_rows);
    }
    if (i < in) {
      const __mmask64 mask = (1ull << (in - i)) - 1ull;
      const __m512i xb = _mm512_maskz_loadu_epi8(mask, x + i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        acc[r] = _mm512_dpbusd_epi32(acc[r], xb, _mm512_maskz_loadu_epi8(mask, w + r * in + i));
      }
    }
    store_sums<ROWS>(acc, bias, sums);
  }
};

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
