// kernels_neon_exp.h — exp_nonpositive (kernels_xsimd.h) with NEON intrinsics: xsimd's own
// steps and constants, so the same bits. k = a / ln 2 rounded to nearest even, the remainder
// a - k ln2_hi - k ln2_lo, xsimd's polynomial in fused steps, times 2^k from its float bits, 0
// where a <= minlog.
// armv7: xsimd 8.1 compiles its comparisons and negations lane by lane in scalar VFP code
// (about 150 instructions a register, most of the softmax); here k is rounded by adding and
// subtracting 2^23, as xsimd's nearbyint, and the remainder's steps are not fused, as xsimd's
// there. GCC 12 also makes vcltq_f32 and the like scalar on armv7 (NEON compares are not
// IEEE), so the two comparisons are on the bits as unsigned integers, which order like the
// floats here: v is >= 0 (or NaN: above 2^23 either way), and a <= 0 with minlog < 0 (a
// negative float is the smaller the larger its bits).
// aarch64: one frintn rounds k (xsimd's generic nearbyint takes 7 instructions a register, 21
// of the 10-logit softmax), the remainder's steps fused as xsimd's fnma there.
#ifndef SOFTEDGE_RUNTIME_KERNELS_NEON_EXP_H
#define SOFTEDGE_RUNTIME_KERNELS_NEON_EXP_H

#include <arm_neon.h>

#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
namespace {

// xsimd's polynomial coefficients (exp_reduction::approx), highest degree first, as float bits.
constexpr uint32_t kExpCoefficients[4] = {
    0x3ab778cf,   // 1.3997796e-03
    0x3c098d8b,   // 8.3955629e-03
    0x3d2aa957,   // 4.1665401e-02
    0x3e2aa9a5};  // 1.6666277e-01, then 0.5

// e^x 2^k for the remainder x and integral k: xsimd's polynomial step by step, and 2^k from its
// float bits. coefficient(i): kExpCoefficients[i] in every lane.
template <class Coefficient>
inline float32x4_t exp_polynomial(float32x4_t x, float32x4_t k, Coefficient coefficient) {
  float32x4_t y = coefficient(0);
  y = vfmaq_f32(coefficient(1), x, y);
  y = vfmaq_f32(coefficient(2), x, y);
  y = vfmaq_f32(coefficient(3), x, y);
  y = vfmaq_f32(vdupq_n_f32(0.5f), x, y);
  const float32x4_t e = vaddq_f32(vfmaq_f32(x, y, vmulq_f32(x, x)), vdupq_n_f32(1.0f));
  const int32x4_t two_to_k = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(k), vdupq_n_s32(127)), 23);
  return vmulq_f32(e, vreinterpretq_f32_s32(two_to_k));
}

#if defined(__aarch64__)
// xsimd's constants of the reduction as float bits: 1 / ln 2, ln 2 in two parts, minlog.
constexpr uint32_t kExpReduction[4] = {0x3fb8aa3b, 0x3f318000, 0xb95e8083, 0xc2b0c0a5};

// Four float bits as the lanes of one register, in one load: multipliers by lane need no
// register of their own, and a broadcast from a lane replaces an address and a load per
// constant. The empty asm keeps the load: GCC would fold it back into 4 constant vectors.
inline float32x4_t constant_lanes(const uint32_t* bits) {
  float32x4_t lanes = vreinterpretq_f32_u32(vld1q_u32(bits));
  __asm__("" : "+w"(lanes));
  return lanes;
}

template <>
SOFTEDGE_EXP_INLINE xsimd::batch<float, xsimd::neon64> exp_nonpositive<xsimd::neon64>(
    xsimd::batch<float, xsimd::neon64> a_batch) {
  const float32x4_t a = a_batch.data;
  const float32x4_t r = constant_lanes(kExpReduction);
  const float32x4_t k = vrndnq_f32(vmulq_laneq_f32(a, r, 0));
  float32x4_t x = vfmsq_laneq_f32(a, k, r, 1);
  x = vfmsq_laneq_f32(x, k, r, 2);
  const uint32x4_t underflow = vcleq_f32(a, vdupq_laneq_f32(r, 3));
  const float32x4_t c = constant_lanes(kExpCoefficients);
  const auto coefficient = [&](int i) { return vdupq_laneq_f32(c, i); };
  return vbslq_f32(underflow, vdupq_n_f32(0.0f), exp_polynomial(x, k, coefficient));
}
#else
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
  const uint32x4_t underflow = vcgeq_u32(vreinterpretq_u32_f32(a),
                                         vreinterpretq_u32_f32(reduction::minlog().data));
  const auto coefficient = [](int i) {  // constants (no broadcast from a lane on armv7)
    return vreinterpretq_f32_u32(vdupq_n_u32(kExpCoefficients[i]));
  };
  return vbslq_f32(underflow, vdupq_n_f32(0.0f), exp_polynomial(x, k, coefficient));
}
#endif

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
