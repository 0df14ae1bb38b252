// load_pixels.h — widen a register's worth of uint8 pixels to float, per instruction set.
// xsimd 8 has no widening conversions, so each ISA gets its few intrinsics here; only the
// overloads for the ISA a translation unit is compiled for exist in it. They return the raw
// register: fma3<avx2> and avx2 batches are distinct types over the same register.
#ifndef SOFTEDGE_RUNTIME_LOAD_PIXELS_H
#define SOFTEDGE_RUNTIME_LOAD_PIXELS_H

#include <stdint.h>
#include <string.h>

#include <xsimd/xsimd.hpp>

namespace softedge {
namespace detail {
namespace {

#if defined(__AVX512F__)
inline __m512 load_pixels(const uint8_t* p, xsimd::avx512f) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes));
}
#endif

#if defined(__AVX2__)
inline __m256 load_pixels(const uint8_t* p, xsimd::avx2) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
}
#endif

#if defined(__SSE2__)
inline __m128 load_pixels(const uint8_t* p, xsimd::sse2) {
  int32_t four;
  memcpy(&four, p, sizeof four);  // unaligned 4-byte load
  const __m128i zero = _mm_setzero_si128();
  const __m128i words = _mm_unpacklo_epi8(_mm_cvtsi32_si128(four), zero);
  return _mm_cvtepi32_ps(_mm_unpacklo_epi16(words, zero));
}
#endif

#if defined(__ARM_NEON) || defined(__ARM_NEON__)
inline float32x4_t load_pixels(const uint8_t* p, xsimd::neon) {
  uint32_t four;
  memcpy(&four, p, sizeof four);
  const uint16x8_t words = vmovl_u8(vreinterpret_u8_u32(vdup_n_u32(four)));
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(words)));
}
#endif

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
