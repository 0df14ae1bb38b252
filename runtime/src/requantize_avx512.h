// requantize_avx512.h — KernelSet::requantize_u8 on AVX-512 (F, BW, VL; include from such a
// translation unit only): 8 outputs per step in 64-bit lanes, the reference's integer steps
// (inference.cpp, requantize) lane by lane, so the same bits.
#ifndef SOFTEDGE_RUNTIME_REQUANTIZE_AVX512_H
#define SOFTEDGE_RUNTIME_REQUANTIZE_AVX512_H

#include <immintrin.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// Lanes of `mask`: acc[o] and its (multiplier, shift) pair, one 64-bit lane per output.
inline __m128i requantize8(__mmask8 mask, const int32_t* acc, const int32_t* requant) {
  const __m512i sums = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(mask, acc));
  const __m512i pairs = _mm512_maskz_loadu_epi64(mask, requant);  // multiplier low, shift high
  const __m512i product = _mm512_mul_epi32(sums, pairs);  // the low 32 bits, signed: exact
  const __m512i n = _mm512_add_epi64(_mm512_srai_epi64(pairs, 32), _mm512_set1_epi64(31));
  const __m512i half = _mm512_sllv_epi64(_mm512_set1_epi64(1),
                                         _mm512_sub_epi64(n, _mm512_set1_epi64(1)));
  const __m512i rounded = _mm512_srav_epi64(_mm512_add_epi64(product, half), n);
  const __m512i clamped = _mm512_min_epi64(_mm512_max_epi64(rounded, _mm512_setzero_si512()),
                                           _mm512_set1_epi64(255));
  return _mm512_cvtepi64_epi8(clamped);
}

void requantize_u8_avx512(const int32_t* acc, const int32_t* requant, uint32_t n,
                          uint8_t* out) {
  uint32_t o = 0;
  for (; o + 8 <= n; o += 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + o),
                     requantize8(0xFF, acc + o, requant + 2 * o));
  }
  if (o < n) {
    const __mmask8 mask = static_cast<__mmask8>((1u << (n - o)) - 1u);
    _mm_mask_storeu_epi8(out + o, mask, requantize8(mask, acc + o, requant + 2 * o));
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
