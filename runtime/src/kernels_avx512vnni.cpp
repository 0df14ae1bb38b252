// AVX-512 VNNI kernels (compiled with -mavx512vnni on top of the AVX-512 flags).
#include <immintrin.h>

#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

// 64 inputs per vpdpbusd: uint8 x int8 products summed four at a time straight into int32,
// with no intermediate saturation (that is vpdpbusds). Masked loads for the last step.
template <uint32_t ROWS>
struct DotVnni {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, int32_t* sums) {
    __m512i acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = _mm512_setzero_si512();
    uint32_t i = 0;
    for (; i + 64 <= in; i += 64) {
      const __m512i xb = _mm512_loadu_si512(x + i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        acc[r] = _mm512_dpbusd_epi32(acc[r], xb, _mm512_loadu_si512(w + r * in + i));
      }
    }
    if (i < in) {
      const __mmask64 mask = (1ull << (in - i)) - 1ull;
      const __m512i xb = _mm512_maskz_loadu_epi8(mask, x + i);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        acc[r] = _mm512_dpbusd_epi32(acc[r], xb, _mm512_maskz_loadu_epi8(mask, w + r * in + i));
      }
    }
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) sums[r] = _mm512_reduce_add_epi32(acc[r]);
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_KERNELS(kAvx512VnniKernels, "avx512vnni", xsimd::avx512f,
                              SOFTEDGE_DENSE_U8S8(DotVnni));

}  // namespace detail
}  // namespace softedge
