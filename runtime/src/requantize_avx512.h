// requantize_avx512.h — KernelSet::requantize_u8 on AVX-512 (F, BW, VL; include from such a
// translation unit only): 16 outputs per step, even and odd channels in 64-bit lanes, the
// reference's integer steps (inference.cpp, requantize) lane by lane, so the same bits. The
// channels go outside, the images inside: each block's constants serve every image.
#ifndef SOFTEDGE_RUNTIME_REQUANTIZE_AVX512_H
#define SOFTEDGE_RUNTIME_REQUANTIZE_AVX512_H

#include <immintrin.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// The (multiplier, shift) pairs of 16 channels (or the first of them in `mask`) as the
// products need them: channel 2k's in 64-bit lane k of the *_even registers, channel 2k + 1's
// in the *_odd ones; n = 31 + shift, half = 2^(n - 1). Worked out once per block of channels
// for all the images of a call.
struct RequantBlock {
  __m512i m_even, m_odd, n_even, n_odd, half_even, half_odd;
};

inline RequantBlock requant_block(__mmask16 mask, const int32_t* requant) {
  // Pairs as 64-bit lanes (multiplier low, shift high): channels 0-7, then 8-15.
  const __m512i low = _mm512_maskz_loadu_epi64(static_cast<__mmask8>(mask), requant);
  const __m512i high = _mm512_maskz_loadu_epi64(static_cast<__mmask8>(mask >> 8), requant + 16);
  RequantBlock b;
  b.m_even = _mm512_permutex2var_epi64(low, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), high);
  b.m_odd = _mm512_permutex2var_epi64(low, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), high);
  const __m512i bias = _mm512_set1_epi64(31), one = _mm512_set1_epi64(1);
  b.n_even = _mm512_add_epi64(_mm512_srai_epi64(b.m_even, 32), bias);
  b.n_odd = _mm512_add_epi64(_mm512_srai_epi64(b.m_odd, 32), bias);
  b.half_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(b.n_even, one));
  b.half_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(b.n_odd, one));
  return b;
}

// One product's rounding and clamp, in 64-bit lanes: (sum * m + half) >> n, to [0, 255]
// (_mm512_mul_epi32 multiplies the low 32 bits of each lane, signed: exact).
inline __m512i requantize_lanes(__m512i sums, __m512i m, __m512i n, __m512i half) {
  const __m512i rounded = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(sums, m), half), n);
  return _mm512_min_epi64(_mm512_max_epi64(rounded, _mm512_setzero_si512()),
                          _mm512_set1_epi64(255));
}

// The 16 outputs (or those in `mask`) of one image: even channels from the sums' low halves,
// odd ones from their high halves, put back together as bytes.
inline void requantize16(const RequantBlock& b, __mmask16 mask, const int32_t* acc,
                         uint8_t* out) {
  const __m512i sums = _mm512_maskz_loadu_epi32(mask, acc);
  const __m512i even = requantize_lanes(sums, b.m_even, b.n_even, b.half_even);
  const __m512i odd = requantize_lanes(_mm512_srli_epi64(sums, 32), b.m_odd, b.n_odd, b.half_odd);
  const __m512i both = _mm512_or_si512(even, _mm512_slli_epi64(odd, 32));  // 0..255: no overlap
  _mm_mask_storeu_epi8(out, mask, _mm512_cvtepi32_epi8(both));
}

void requantize_u8_avx512(const int32_t* acc, const int32_t* requant, uint32_t n,
                          uint32_t count, size_t stride, uint8_t* out) {
  for (uint32_t o = 0; o < n; o += 16) {
    const __mmask16 mask =
        n - o >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (n - o)) - 1u);
    const RequantBlock block = requant_block(mask, requant + 2 * o);
    for (uint32_t m = 0; m < count; ++m) {
      requantize16(block, mask, acc + m * stride + o, out + m * stride + o);
    }
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
