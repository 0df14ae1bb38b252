// NEON kernels: armv7 (-mfpu=neon-vfpv4) or aarch64, chosen at compile time.

// This set's direct int8 convolution and its dense int8 kernel given the weight sums
// (kernels_xsimd.h takes them; not in size-first builds, which keep no sums: weight_sums.h).
#define SOFTEDGE_CONV_U8S8 SOFTEDGE_INT8_CONV_KERNEL(::softedge::detail::conv_u8s8_neon)
#if !defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_DENSE_U8S8_SUMMED \
  ::softedge::detail::dense_u8s8_summed_blocked<::softedge::detail::DotNeon>
#endif
#if !defined(__aarch64__)
// No vector sigmoid on armv7: GCC compiles xsimd's float comparisons lane by lane in scalar
// code there (kernels_neon_exp.h); inference's loop of expf instead.
#define SOFTEDGE_SIGMOID_F32(arch) nullptr
#endif

#include <arm_neon.h>

#include "kernels_conv_neon_i8.h"
#include "kernels_int8.h"
#include "kernels_neon_dense.h"
#include "kernels_neon_exp.h"
#include "kernels_xsimd.h"
#include "neon_row_sums.h"

namespace softedge {
namespace detail {
namespace {

// Plain NEON multiplies int8 by int8 (8 products a widening multiply), so each 16 pixels are
// moved into int8 by one exclusive or: the first 8 become z = x - 128, the last 8 z = 127 - x.
// Then one widening multiply and one widening multiply-subtract, t = z_k w_k - z_{k+8} w_{k+8}
// = x_k w_k + x_{k+8} w_{k+8} - 128 w_k - 127 w_{k+8}, lie in [-32640, 32640]: exact in int16,
// added pairwise into int32 (sadalp). The weight terms come back from the model's weight sums
// (run_summed), or from the weights summed pairwise into int16 in the same step (lanes 0-3 the
// first 8, lanes 4-7 the last 8; at most 2 * 128 per lane and step, so flushed into int32
// every kFlushSteps steps). All exact.
// aarch64 takes 64 inputs per step (each row's weights in one four-register load), then 16;
// armv7, with 16 registers, 16 inputs and blocks of at most 5 rows.
template <uint32_t ROWS>
struct DotNeon {
#if defined(__aarch64__)
  static constexpr uint32_t kMaxRows = 10;
#else
  static constexpr uint32_t kMaxRows = 5;
#endif
  static constexpr uint32_t kFlushSteps = 124;  // a multiple of 4: whole steps of 64

  // acc + t for the 16 inputs in z and wb, and (unless SUMMED) their weight sums into
  // weight_sum.
  template <bool SUMMED>
  static inline void step(int32x4_t& acc, int16x8_t& weight_sum, int8x16_t z, int8x16_t wb) {
    const int16x8_t t = vmull_s8(vget_low_s8(z), vget_low_s8(wb));
    acc = vpadalq_s16(acc, vmlsl_s8(t, vget_high_s8(z), vget_high_s8(wb)));
    if (!SUMMED) weight_sum = vpadalq_s8(weight_sum, wb);
  }

  SOFTEDGE_NEON_NO_PRESCHEDULE static void run(const uint8_t* x, const int8_t* w, uint32_t in,
                                               int32_t* sums) {
    if constexpr (ROWS > kMaxRows) {  // in blocks of kMaxRows rows
      DotNeon<kMaxRows>::run(x, w, in, sums);
      DotNeon<ROWS - kMaxRows>::run(x, w + static_cast<size_t>(kMaxRows) * in, in,
                                    sums + kMaxRows);
    } else {
      dot<false>(x, w, in, nullptr, sums);
    }
  }

  // The same with the bias and the weights' share from the rows' offsets (Model::weight_sums):
  // 128 times the sum of the first 8 of each 16 weights and 127 times the last 8 is lane 1 of
  // their pairs, bias + 128 * (sum of the weights) - (sum of the last 8).
  SOFTEDGE_NEON_NO_PRESCHEDULE static void run_summed(const uint8_t* x, const int8_t* w,
                                                      uint32_t in, const int32_t* pairs,
                                                      int32_t* sums) {
    if constexpr (ROWS > kMaxRows) {
      DotNeon<kMaxRows>::run_summed(x, w, in, pairs, sums);
      DotNeon<ROWS - kMaxRows>::run_summed(x, w + static_cast<size_t>(kMaxRows) * in, in,
                                           pairs + 2 * kMaxRows, sums + kMaxRows);
    } else {
      dot<true>(x, w, in, pairs, sums);
    }
  }

  template <bool SUMMED>
  SOFTEDGE_NEON_NO_PRESCHEDULE static inline __attribute__((always_inline)) void dot(
      const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* pairs, int32_t* sums) {
    const uint8x16_t flip = vcombine_u8(vdup_n_u8(0x80), vdup_n_u8(0x7F));
    const auto to_z = [&](uint8x16_t v) { return vreinterpretq_s8_u8(veorq_u8(v, flip)); };
    const int8_t* rows[ROWS];
    int32x4_t acc[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      rows[r] = w + static_cast<size_t>(r) * in;
      acc[r] = vdupq_n_s32(0);
    }
    uint32_t i = 0;
    while (i + 16 <= in) {
      int16x8_t weight_sum[ROWS];
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) weight_sum[r] = vdupq_n_s16(0);
      // Given the sums, one pass: no int16 weight sums to flush.
      const uint32_t steps =
          SUMMED || (in - i) / 16 < kFlushSteps ? (in - i) / 16 : kFlushSteps;
      const uint32_t end = i + steps * 16;
#if defined(__aarch64__) && !defined(SOFTEDGE_SIZE_FIRST)
      for (const uint8_t* pixels = x + i; i + 64 <= end; i += 64, pixels += 64) {
        const uint8x16x4_t xb = vld1q_u8_x4(pixels);
        const int8x16_t z0 = to_z(xb.val[0]), z1 = to_z(xb.val[1]), z2 = to_z(xb.val[2]),
                        z3 = to_z(xb.val[3]);
#pragma GCC unroll 16
        for (uint32_t r = 0; r < ROWS; ++r) {
          const int8x16x4_t wb = vld1q_s8_x4(rows[r]);
          rows[r] += 64;
          step<SUMMED>(acc[r], weight_sum[r], z0, wb.val[0]);
          step<SUMMED>(acc[r], weight_sum[r], z1, wb.val[1]);
          step<SUMMED>(acc[r], weight_sum[r], z2, wb.val[2]);
          step<SUMMED>(acc[r], weight_sum[r], z3, wb.val[3]);
        }
      }
#endif
      for (; i < end; i += 16) {
        const int8x16_t z = to_z(vld1q_u8(x + i));
#pragma GCC unroll 16
        for (uint32_t r = 0; r < ROWS; ++r) {
          step<SUMMED>(acc[r], weight_sum[r], z, vld1q_s8(rows[r]));
          rows[r] += 16;
        }
      }
      if (!SUMMED) {
        // + 128 * (sum of the first 8 of each 16 weights) + 127 * (sum of the last 8).
#pragma GCC unroll 16
        for (uint32_t r = 0; r < ROWS; ++r) {
          acc[r] = vmlal_n_s16(acc[r], vget_low_s16(weight_sum[r]), 128);
          acc[r] = vmlal_n_s16(acc[r], vget_high_s16(weight_sum[r]), 127);
        }
      }
    }
    store_row_sums<ROWS, SUMMED ? RowOffset::kLane1 : RowOffset::kNone>(acc, sums, pairs);
    if (i < in) {  // no setup of the tail loops when the rows end on a whole step
#pragma GCC unroll 1
      for (uint32_t r = 0; r < ROWS; ++r) sums[r] += dot_tail(x, w + r * in, i, in);
    }
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
