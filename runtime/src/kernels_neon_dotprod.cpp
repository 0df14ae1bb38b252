// aarch64 dot-product kernels (armv8.2-a+dotprod: Cortex-A76, Raspberry Pi 5). Compiled with
// that -march only; chosen at run time when the kernel reports HWCAP_ASIMDDP.

// This set's direct int8 convolution and its dense int8 kernel given the weight sums
// (kernels_xsimd.h takes them; not in size-first builds, which keep no sums: weight_sums.h).
#define SOFTEDGE_CONV_U8S8 SOFTEDGE_INT8_CONV_KERNEL(::softedge::detail::conv_u8s8_dotprod)
#if !defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_DENSE_U8S8_SUMMED \
  ::softedge::detail::dense_u8s8_summed_blocked<::softedge::detail::DotNeonDotprod>
#endif

#include <arm_neon.h>

#include "kernels_conv_dotprod.h"
#include "kernels_int8.h"
#include "kernels_neon_dense.h"
#include "kernels_neon_exp.h"
#include "kernels_xsimd.h"
#include "neon_row_sums.h"

namespace softedge {
namespace detail {
namespace {

// sdot multiplies int8 by int8 only, so the pixels are shifted into int8: x - 128. Then
// sum x*w = sum (x-128)*w + 128 * sum w, and sum w is either in the model's row offsets
// (run_summed: bias + 128 * sum w, Model::weight_sums) or comes from a second sdot against
// ones (run). Both sums are exact in int32. 64 inputs per step: each row's weights come in one
// four-register load, then steps of 16.
template <uint32_t ROWS>
struct DotNeonDotprod {
  SOFTEDGE_NEON_NO_PRESCHEDULE static void run(const uint8_t* x, const int8_t* w, uint32_t in,
                                               int32_t* sums) {
    dot<false>(x, w, in, nullptr, sums);
  }
  // Scheduled as usual: with no weight sums in registers, GCC's pre-scheduling no longer
  // spills here, and it saves 29 instructions per 784 -> 10 inference.
  static void run_summed(const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* pairs,
                         int32_t* sums) {
    dot<true>(x, w, in, pairs, sums);
  }

  template <bool SUMMED>
  static inline __attribute__((always_inline)) void dot(
      const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* pairs, int32_t* sums) {
    const uint8x16_t sign = vdupq_n_u8(0x80);
    const int8x16_t ones = vdupq_n_s8(1);
    const int8_t* rows[ROWS];
    int32x4_t acc[ROWS], weight_sum[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      rows[r] = w + static_cast<size_t>(r) * in;
      acc[r] = weight_sum[r] = vdupq_n_s32(0);
    }
    const auto shifted = [&](uint8x16_t v) { return vreinterpretq_s8_u8(veorq_u8(v, sign)); };
    const auto add_weights = [&](int32x4_t& sum, int8x16_t wb) {
      if (!SUMMED) sum = vdotq_s32(sum, ones, wb);
    };
    // A count down of the steps of 64 (a subtract and a branch per step); each pointer advances
    // by its load's post-increment. The empty asm hides each pointer's relation to the others,
    // which GCC would otherwise rewrite as base + one shared index (an add per load).
    const uint8_t* pixels = x;
    for (uint32_t steps = in / 64; steps != 0; --steps) {
      const uint8x16x4_t xb = vld1q_u8_x4(pixels);
      pixels += 64;
      __asm__("" : "+r"(pixels));
      const int8x16_t x0 = shifted(xb.val[0]), x1 = shifted(xb.val[1]);
      const int8x16_t x2 = shifted(xb.val[2]), x3 = shifted(xb.val[3]);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const int8x16x4_t wb = vld1q_s8_x4(rows[r]);
        rows[r] += 64;
        __asm__("" : "+r"(rows[r]));
        acc[r] = vdotq_s32(acc[r], x0, wb.val[0]);
        add_weights(weight_sum[r], wb.val[0]);
        acc[r] = vdotq_s32(acc[r], x1, wb.val[1]);
        add_weights(weight_sum[r], wb.val[1]);
        acc[r] = vdotq_s32(acc[r], x2, wb.val[2]);
        add_weights(weight_sum[r], wb.val[2]);
        acc[r] = vdotq_s32(acc[r], x3, wb.val[3]);
        add_weights(weight_sum[r], wb.val[3]);
      }
    }
    uint32_t i = in / 64 * 64;
    for (; i + 16 <= in; i += 16) {
      const int8x16_t x0 = shifted(vld1q_u8(x + i));
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        const int8x16_t wb = vld1q_s8(rows[r]);
        rows[r] += 16;
        acc[r] = vdotq_s32(acc[r], x0, wb);
        add_weights(weight_sum[r], wb);
      }
    }
    if (SUMMED) {
      store_row_sums<ROWS, RowOffset::kLane0>(acc, sums, pairs);
    } else {
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
        acc[r] = vaddq_s32(acc[r], vshlq_n_s32(weight_sum[r], 7));
      }
      store_row_sums<ROWS>(acc, sums);
    }
    if (i < in) {  // no setup of the tail loops when the rows end on a whole step
#pragma GCC unroll 1
      for (uint32_t r = 0; r < ROWS; ++r) sums[r] += dot_tail(x, w + r * in, i, in);
    }
  }
};

}  // namespace

SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeonDotprodKernels, "neon64dot", xsimd::neon64,
                              SOFTEDGE_DENSE_U8S8(DotNeonDotprod));

}  // namespace detail
}  // namespace softedge
