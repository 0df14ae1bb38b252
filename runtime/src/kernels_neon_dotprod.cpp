// aarch64 dot-product kernels (armv8.2-a+dotprod: Cortex-A76, Raspberry Pi 5). Compiled with
// that -march only; chosen at run time when the kernel reports HWCAP_ASIMDDP.
#include <arm_neon.h>

#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

// sdot multiplies int8 by int8 only, so the pixels are shifted into int8: x - 128. Then
// sum x*w = sum (x-128)*w + 128 * sum w, and sum w comes from a second sdot against ones.
// Both sums are exact in int32.
template <uint32_t ROWS>
struct DotNeonDotprod {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, int32_t* sums) {
    const uint8x16_t sign = vdupq_n_u8(0x80);
    const int8x16_t ones = vdupq_n_s8(1);
    int32x4_t acc[ROWS], weight_sum[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = weight_sum[r] = vdupq_n_s32(0);
    uint32_t i = 0;
    for (; i + 16 <= in; i += 16) {
      const int8x16_t shifted = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(x + i), sign));
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const int8x16_t wb = vld1q_s8(w + r * in + i);
        acc[r] = vdotq_s32(acc[r], shifted, wb);
        weight_sum[r] = vdotq_s32(weight_sum[r], ones, wb);
      }
    }
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      sums[r] = vaddvq_s32(acc[r]) + 128 * vaddvq_s32(weight_sum[r]) +
                dot_tail(x, w + r * in, i, in);
    }
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeonDotprodKernels, "neon64dot", xsimd::neon64,
                              SOFTEDGE_DENSE_U8S8(DotNeonDotprod));

}  // namespace detail
}  // namespace softedge
