// SSE2 kernels (this file is compiled with the SSE2 flags only; see runtime/CMakeLists.txt).
#include <emmintrin.h>

#include "kernels_batch.h"
#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

inline int32_t sum_lanes(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(v);
}

// 16 inputs per step, widened to int16 (uint8 with zeros, int8 by sign) and multiplied in
// pairs by pmaddwd: 255 * 128 * 2 fits int32, unlike pmaddubsw's saturating int16.
template <uint32_t ROWS>
struct DotSse2 {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, int32_t* sums) {
    const __m128i zero = _mm_setzero_si128();
    __m128i acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = zero;
    uint32_t i = 0;
    for (; i + 16 <= in; i += 16) {
      const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
      const __m128i x_lo = _mm_unpacklo_epi8(xb, zero);
      const __m128i x_hi = _mm_unpackhi_epi8(xb, zero);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const __m128i wb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + r * in + i));
        const __m128i w_lo = _mm_srai_epi16(_mm_unpacklo_epi8(wb, wb), 8);
        const __m128i w_hi = _mm_srai_epi16(_mm_unpackhi_epi8(wb, wb), 8);
        acc[r] = _mm_add_epi32(acc[r], _mm_add_epi32(_mm_madd_epi16(x_lo, w_lo),
                                                     _mm_madd_epi16(x_hi, w_hi)));
      }
    }
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) sums[r] = sum_lanes(acc[r]) + dot_tail(x, w + r * in, i, in);
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(kSse2Kernels, "sse2", xsimd::sse2,
                                    SOFTEDGE_DENSE_U8S8(DotSse2), nullptr);

}  // namespace detail
}  // namespace softedge
