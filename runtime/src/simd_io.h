// simd_io.h — the loads and stores xsimd 8 lacks, per instruction set: widening a register's
// worth of uint8 pixels to float, and reading or writing only the first n lanes of a
// register. Only the overloads for the ISA a translation unit is compiled for exist in it;
// an overload on xsimd::generic is the fallback every arch converts to (a more derived arch
// tag is the better match). They take and return raw registers: fma3<avx2> and avx2 batches
// are distinct types over the same register.
#ifndef SOFTEDGE_RUNTIME_SIMD_IO_H
#define SOFTEDGE_RUNTIME_SIMD_IO_H

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

#if defined(__aarch64__)
// Sixteen pixels: one 16-byte load, widened to 16 then 32 bits, converted.
inline void load_pixels16(const uint8_t* p, float32x4_t& f0, float32x4_t& f1, float32x4_t& f2,
                          float32x4_t& f3) {
  const uint8x16_t bytes = vld1q_u8(p);
  const uint16x8_t lo = vmovl_u8(vget_low_u8(bytes)), hi = vmovl_high_u8(bytes);
  f0 = vcvtq_f32_u32(vmovl_u16(vget_low_u16(lo)));
  f1 = vcvtq_f32_u32(vmovl_high_u16(lo));
  f2 = vcvtq_f32_u32(vmovl_u16(vget_low_u16(hi)));
  f3 = vcvtq_f32_u32(vmovl_high_u16(hi));
}
#endif

// The first n (< lanes) floats of p, the other lanes set to `fill`; and the first n lanes of
// v stored to p. Nothing outside [p, p + n) is read or written.
template <class Arch>
inline typename xsimd::batch<float, Arch>::register_type load_partial(const float* p, uint32_t n,
                                                                      float fill, xsimd::generic) {
  alignas(64) float lanes[xsimd::batch<float, Arch>::size];
  for (uint32_t j = 0; j < xsimd::batch<float, Arch>::size; ++j) lanes[j] = j < n ? p[j] : fill;
  return xsimd::batch<float, Arch>::load_aligned(lanes);
}

template <class Arch>
inline void store_partial(typename xsimd::batch<float, Arch>::register_type v, float* p,
                          uint32_t n, xsimd::generic) {
  alignas(64) float lanes[xsimd::batch<float, Arch>::size];
  xsimd::batch<float, Arch>(v).store_aligned(lanes);
  for (uint32_t j = 0; j < n; ++j) p[j] = lanes[j];
}

// The largest lane.
template <class Arch>
inline float horizontal_max(typename xsimd::batch<float, Arch>::register_type v, xsimd::generic) {
  alignas(64) float lanes[xsimd::batch<float, Arch>::size];
  xsimd::batch<float, Arch>(v).store_aligned(lanes);
  float largest = lanes[0];
  for (float lane : lanes) largest = lane > largest ? lane : largest;
  return largest;
}

#if defined(__ARM_NEON) || defined(__ARM_NEON__)
// Lane by lane in registers (n is 1..3): the generic versions go through the stack, and GCC
// makes the generic store a call to memcpy.
template <class Arch>
inline float32x4_t load_partial(const float* p, uint32_t n, float fill, xsimd::neon) {
  float32x4_t v = vsetq_lane_f32(p[0], vdupq_n_f32(fill), 0);
  if (n > 1) v = vsetq_lane_f32(p[1], v, 1);
  if (n > 2) v = vsetq_lane_f32(p[2], v, 2);
  return v;
}

// Two pairwise maxima where the generic version stores the lanes and loops (aarch64 has the
// one-instruction version below).
template <class Arch>
inline float horizontal_max(float32x4_t v, xsimd::neon) {
  float32x2_t m = vpmax_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(vpmax_f32(m, m), 0);
}

template <class Arch>
inline void store_partial(float32x4_t v, float* p, uint32_t n, xsimd::neon) {
  if (n > 1) {
    vst1_f32(p, vget_low_f32(v));
    if (n > 2) vst1q_lane_f32(p + 2, v, 2);
  } else {
    vst1q_lane_f32(p, v, 0);
  }
}
#endif

#if defined(__aarch64__)
// One instruction (FMAXV) where the generic version stores the lanes and loops.
template <class Arch>
inline float horizontal_max(float32x4_t v, xsimd::neon64) {
  return vmaxvq_f32(v);
}
#endif

#if defined(__AVX512F__)
template <class Arch>
inline float horizontal_max(__m512 v, xsimd::avx512f) {
  return _mm512_reduce_max_ps(v);
}

template <class Arch>
inline __m512 load_partial(const float* p, uint32_t n, float fill, xsimd::avx512f) {
  return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), static_cast<__mmask16>((1u << n) - 1u), p);
}

template <class Arch>
inline void store_partial(__m512 v, float* p, uint32_t n, xsimd::avx512f) {
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v);
}
#endif

#if defined(__AVX2__)
template <class Arch>
inline float horizontal_max(__m256 v, xsimd::avx2) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

inline __m256i first_lanes_mask(uint32_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <class Arch>
inline __m256 load_partial(const float* p, uint32_t n, float fill, xsimd::avx2) {
  const __m256i mask = first_lanes_mask(n);
  return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, mask),
                          _mm256_castsi256_ps(mask));
}

template <class Arch>
inline void store_partial(__m256 v, float* p, uint32_t n, xsimd::avx2) {
  _mm256_maskstore_ps(p, first_lanes_mask(n), v);
}
#endif

#if defined(__SSE2__)
// Two lanes, then the third, from registers: the generic store goes through an aligned
// stack copy (a realigned frame under every kernel that stores a partial vector).
template <class Arch>
inline void store_partial(__m128 v, float* p, uint32_t n, xsimd::sse2) {
  if (n > 1) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), v);
    if (n > 2) _mm_store_ss(p + 2, _mm_movehl_ps(v, v));
  } else {
    _mm_store_ss(p, v);
  }
}
#endif

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
