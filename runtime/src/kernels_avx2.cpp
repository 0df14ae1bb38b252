// AVX2 + FMA kernels (this file is compiled with -mavx2 -mfma only; see runtime/CMakeLists.txt).
#include <immintrin.h>

#include "kernels_batch.h"
#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

inline int32_t sum_lanes(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// 16 inputs per step, widened to int16 and multiplied in pairs by vpmaddwd. Not
// vpmaddubsw: its u8 x s8 pair sums saturate at int16 (255 * 127 * 2 > 32767).
template <uint32_t ROWS>
struct DotAvx2 {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, int32_t* sums) {
    __m256i acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = _mm256_setzero_si256();
    uint32_t i = 0;
    for (; i + 16 <= in; i += 16) {
      const __m256i xw =
          _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const __m256i ww = _mm256_cvtepi8_epi16(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + r * in + i)));
        acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(xw, ww));
      }
    }
    // The lanes first, the tails after: with a tail loop between two reductions GCC keeps
    // every accumulator on the stack (a 296-byte frame, against the stack bound).
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) sums[r] = sum_lanes(acc[r]);
    for (uint32_t r = 0; r < ROWS; ++r) sums[r] += dot_tail(x, w + r * in, i, in);
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(kAvx2Kernels, "avx2", xsimd::fma3<xsimd::avx2>,
                                    SOFTEDGE_DENSE_U8S8(DotAvx2), nullptr);

}  // namespace detail
}  // namespace softedge
