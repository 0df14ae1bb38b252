// NEON kernels: armv7 (-mfpu=neon-vfpv4) or aarch64, chosen at compile time.
#include <arm_neon.h>

#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

inline int32_t sum_lanes(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t pair = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(pair, pair), 0);
#endif
}

// 16 inputs per step, widened to int16 and multiply-accumulated into int32 lanes (vmlal):
// exact, no saturation anywhere.
template <uint32_t ROWS>
struct DotNeon {
  static void run(const uint8_t* x, const int8_t* w, uint32_t in, int32_t* sums) {
    int32x4_t acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[r] = vdupq_n_s32(0);
    uint32_t i = 0;
    for (; i + 16 <= in; i += 16) {
      const uint8x16_t xb = vld1q_u8(x + i);
      const int16x8_t x_lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(xb)));
      const int16x8_t x_hi = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(xb)));
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const int8x16_t wb = vld1q_s8(w + r * in + i);
        const int16x8_t w_lo = vmovl_s8(vget_low_s8(wb));
        const int16x8_t w_hi = vmovl_s8(vget_high_s8(wb));
        acc[r] = vmlal_s16(acc[r], vget_low_s16(x_lo), vget_low_s16(w_lo));
        acc[r] = vmlal_s16(acc[r], vget_high_s16(x_lo), vget_high_s16(w_lo));
        acc[r] = vmlal_s16(acc[r], vget_low_s16(x_hi), vget_low_s16(w_hi));
        acc[r] = vmlal_s16(acc[r], vget_high_s16(x_hi), vget_high_s16(w_hi));
      }
    }
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r)
      sums[r] = sum_lanes(acc[r]) + dot_tail(x, w + r * in, i, in);
  }
};

}  // namespace

#if defined(__aarch64__)
SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeon64Kernels, "neon64", xsimd::neon64,
                              SOFTEDGE_DENSE_U8S8(DotNeon));
#else
SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeonKernels, "neon", xsimd::neon, SOFTEDGE_DENSE_U8S8(DotNeon));
#endif

}  // namespace detail
}  // namespace softedge
