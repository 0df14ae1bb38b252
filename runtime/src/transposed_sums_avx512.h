// transposed_sums_avx512.h — the horizontal sums of up to 16 AVX-512 accumulators at once:
// lane r of the result is the sum of the 16 lanes of acc[r]. Four levels of shuffles and
// adds, each halving the lanes per row while doubling the rows per register: 10 rows take
// about 40 instructions, independent of each other, where ten separate reductions take 80 in
// ten serial chains (the one-image dense layers end with these sums). Include only from a
// translation unit compiled with AVX-512 flags.
#ifndef SOFTEDGE_RUNTIME_TRANSPOSED_SUMS_AVX512_H
#define SOFTEDGE_RUNTIME_TRANSPOSED_SUMS_AVX512_H

#include <immintrin.h>
#include <stdint.h>

#include "lanes_avx512.h"

namespace softedge {
namespace detail {
namespace {

// `add` adds two registers lane by lane (int32 or float lanes, held as __m512i). Rows from
// ROWS to 15 count as zero. Row r ends in 128-bit block r / 4, element r % 4.
template <uint32_t ROWS, class Add>
inline __m512i transposed_sums(const __m512i* acc, Add add) {
  static_assert(ROWS >= 1 && ROWS <= 16, "one register holds 16 sums");
  const auto row = [acc](uint32_t r) { return r < ROWS ? acc[r] : _mm512_setzero_si512(); };
  // Rows a and b, their 256-bit halves added: 8 partial sums of a, then 8 of b.
  const auto halves = [add](__m512i a, __m512i b) {
    return add(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(1, 0, 1, 0)),
               _mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  };
  // quarters[p]: rows p, p + 4, p + 8, p + 12 in its four 128-bit blocks, 4 partial sums each.
  __m512i quarters[4];
#pragma GCC unroll 4
  for (uint32_t p = 0; p < 4; ++p) {
    const __m512i low = halves(row(p), row(p + 4)), high = halves(row(p + 8), row(p + 12));
    quarters[p] = add(_mm512_shuffle_i64x2(low, high, _MM_SHUFFLE(2, 0, 2, 0)),
                      _mm512_shuffle_i64x2(low, high, _MM_SHUFFLE(3, 1, 3, 1)));
  }
  // Per block: 2 partial sums of quarters[0]'s row then 2 of quarters[1]'s (and 2, 3).
  const __m512i pairs01 = add(_mm512_unpacklo_epi64(quarters[0], quarters[1]),
                              _mm512_unpackhi_epi64(quarters[0], quarters[1]));
  const __m512i pairs23 = add(_mm512_unpacklo_epi64(quarters[2], quarters[3]),
                              _mm512_unpackhi_epi64(quarters[2], quarters[3]));
  // Even and odd elements of each block added: the row of quarters[0..3] in elements 0..3.
  const __m512 even = _mm512_shuffle_ps(_mm512_castsi512_ps(pairs01),
                                        _mm512_castsi512_ps(pairs23), _MM_SHUFFLE(2, 0, 2, 0));
  const __m512 odd = _mm512_shuffle_ps(_mm512_castsi512_ps(pairs01),
                                       _mm512_castsi512_ps(pairs23), _MM_SHUFFLE(3, 1, 3, 1));
  return add(_mm512_castps_si512(even), _mm512_castps_si512(odd));
}

inline __m512i add_int32(__m512i a, __m512i b) { return _mm512_add_epi32(a, b); }

inline __m512i add_float(__m512i a, __m512i b) {
  return _mm512_castps_si512(_mm512_add_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b)));
}

// sums[r] = bias[r] + the int32 lanes of acc[r] added, for r < ROWS (exact: any order gives
// the same bits), stored once in lanes_avx512.h's pieces: the bias added in registers, not by
// loads of the stored sums. One row: the plain reduction, shorter than the transposed levels.
template <uint32_t ROWS>
inline void store_sums(const __m512i* acc, const int32_t* bias, int32_t* sums) {
  if (ROWS == 1) {
    sums[0] = _mm512_reduce_add_epi32(acc[0]) + bias[0];
  } else {
    const __mmask16 rows = static_cast<__mmask16>((1u << ROWS) - 1u);
    store_lanes(sums,
                _mm512_add_epi32(transposed_sums<ROWS>(acc, add_int32),
                                 _mm512_maskz_loadu_epi32(rows, bias)),
                ROWS);
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
