// AVX-512 (F, DQ, BW, VL) kernels (compiled with those flags only; see runtime/CMakeLists.txt).
#include <immintrin.h>

#include "kernels_batch.h"
#include "kernels_batch_vnni.h"
#include "kernels_int8.h"
#include "kernels_xsimd.h"
#include "transposed_sums_avx512.h"

namespace softedge {
namespace detail {
namespace {

// 32 inputs per step, widened to int16 and multiplied in pairs by vpmaddwd; the last partial
// step uses masked loads (masked-off bytes read as zero and are never touched).
template <uint32_t ROWS>
struct DotAvx512 {
  static void step(const uint8_t* x, const int8_t* w, uint32_t in, __mmask32 mask, __m512i* acc) {
    const __m512i xw = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, x));
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      const __m512i ww = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, w + r * in));
      acc[r] = _mm512_add_epi32(acc[r], _mm512_madd_epi16(xw, ww));
    }
  }

  // more_rows: unused (prefetching the next block's weights gains nothing here: prefetch.h).
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* bias,
                  int32_t* sums, bool) {
    __m512i acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = _mm512_setzero_si512();
    uint32_t i = 0;
    for (; i + 32 <= in; i += 32) step(x + i, w + i, in, 0xFFFFFFFFu, acc);
    if (i < in) step(x + i, w + i, in, (1u << (in - i)) - 1u, acc);
    store_sums<ROWS>(acc, bias, sums);
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(kAvx512Kernels, "avx512", xsimd::avx512f,
                                    SOFTEDGE_DENSE_U8S8(DotAvx512),
                                    SOFTEDGE_DENSE_U8S8_BATCH(TileAvx512, kVnniTileImages));

}  // namespace detail
}  // namespace softedge
