// kernels_neon_exp.h — armv7: exp_nonpositive (kernels_xsimd.h) with NEON intrinsics. xsimd 8.1
// compiles its comparisons and negations lane by lane in scalar VFP code on armv7 (about 150
// instructions a register, most of the softmax); these are the same steps in NEON registers:
// k = a / ln 2 rounded to nearest even (by adding and subtracting 2^23, as xsimd's nearbyint),
// the remainder a - k ln2_hi - k ln2_lo, xsimd's polynomial in fused steps, times 2^k from its
// float bits, 0 where a <= minlog; xsimd's own constants. GCC 12 also makes vcltq_f32 and the
// like scalar on armv7 (NEON compares are not IEEE), so the two comparisons are on the bits as
// unsigned integers, which order like the floats here: v is >= 0 (or NaN: above 2^23 either
// way), and a <= 0 with minlog < 0 (a negative float is the smaller the larger its bits).
#ifndef SOFTEDGE_RUNTIME_KERNELS_NEON_EXP_H
#define SOFTEDGE_RUNTIME_KERNELS_NEON_EXP_H

#include <arm_neon.h>

#include "kernels_xsimd.h"

#if !defined(__aarch64__)
namespace softedge {
namespace detail {
namespace {

template <>
SOFTEDGE_EXP_INLINE xsimd::batch<float, xsimd::neon> exp_nonpositive<xsimd::neon>(
    xsimd::batch<float, xsimd::neon> a_batch) {
  using batch = xsimd::batch<float, xsimd::neon>;
  using reduction = xsimd::kernel::detail::exp_reduction<float, xsimd::neon,
                                                         xsimd::kernel::detail::exp_tag>;
  namespace constants = xsimd::constants;
  const float32x4_t a = a_batch.data;
  // k = nearbyint(a / ln 2): the sign set aside, |v| + 2^23 - 2^23 where |v| < 2^23.
  const float32x4_t scaled = vmulq_f32(constants::invlog_2<batch>().data, a);
  const uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(scaled), vdupq_n_u32(0x80000000u));
  const float32x4_t v = vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(scaled), sign));
  const float32x4_t two_to_23 = constants::twotonmb<batch>().data;
  const float32x4_t rounded = vsubq_f32(vaddq_f32(v, two_to_23), two_to_23);
  const uint32x4_t small = vcltq_u32(vreinterpretq_u32_f32(v), vreinterpretq_u32_f32(two_to_23));
  const float32x4_t k = vreinterpretq_f32_u32(
      veorq_u32(vreinterpretq_u32_f32(vbslq_f32(small, rounded, v)), sign));
  float32x4_t x = vsubq_f32(a, vmulq_f32(k, constants::log_2hi<batch>().data));
  x = vsubq_f32(x, vmulq_f32(k, constants::log_2lo<batch>().data));
  // reduction::approx(x), step by step.
  const auto coefficient = [](uint32_t bits) { return vreinterpretq_f32_u32(vdupq_n_u32(bits)); };
  float32x4_t y = coefficient(0x3ab778cf);  // 1.3997796e-03
  y = vfmaq_f32(coefficient(0x3c098d8b), x, y);  // 8.3955629e-03
  y = vfmaq_f32(coefficient(0x3d2aa957), x, y);  // 4.1665401e-02
  y = vfmaq_f32(coefficient(0x3e2aa9a5), x, y);  // 1.6666277e-01
  y = vfmaq_f32(coefficient(0x3f000000), x, y);  // 0.5
  const float32x4_t e = vaddq_f32(vfmaq_f32(x, y, vmulq_f32(x, x)), vdupq_n_f32(1.0f));
  const int32x4_t two_to_k = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(k), vdupq_n_s32(127)), 23);
  const float32x4_t result = vmulq_f32(e, vreinterpretq_f32_s32(two_to_k));
  const uint32x4_t underflow = vcgeq_u32(vreinterpretq_u32_f32(a),
                                         vreinterpretq_u32_f32(reduction::minlog().data));
  return vbslq_f32(underflow, vdupq_n_f32(0.0f), result);
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
