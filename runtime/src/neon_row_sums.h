// neon_row_sums.h — the horizontal sums of ROWS int32 accumulators, stored to sums[0..ROWS),
// reduced together by pairwise adds across rows (3 instructions per 4 rows on aarch64) rather
// than one full reduction per row; and the weights' share added back to them. For the NEON
// int8 kernels.
#ifndef SOFTEDGE_RUNTIME_NEON_ROW_SUMS_H
#define SOFTEDGE_RUNTIME_NEON_ROW_SUMS_H

#include <arm_neon.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

template <uint32_t ROWS>
inline void store_row_sums(const int32x4_t* acc, int32_t* sums) {
  uint32_t r = 0;
#if defined(__aarch64__)
#pragma GCC unroll 4
  for (; r + 4 <= ROWS; r += 4) {
    vst1q_s32(sums + r, vpaddq_s32(vpaddq_s32(acc[r], acc[r + 1]),
                                   vpaddq_s32(acc[r + 2], acc[r + 3])));
  }
  if (ROWS - r >= 2) {
    const int32x4_t pair = vpaddq_s32(acc[r], acc[r + 1]);
    vst1_s32(sums + r, vget_low_s32(vpaddq_s32(pair, pair)));
    r += 2;
  }
  if (r < ROWS) sums[r] = vaddvq_s32(acc[r]);
#else
  const auto half_sum = [](int32x4_t v) { return vadd_s32(vget_low_s32(v), vget_high_s32(v)); };
#pragma GCC unroll 8
  for (; r + 2 <= ROWS; r += 2) {
    vst1_s32(sums + r, vpadd_s32(half_sum(acc[r]), half_sum(acc[r + 1])));
  }
  if (r < ROWS) {
    const int32x2_t half = half_sum(acc[r]);
    sums[r] = vget_lane_s32(vpadd_s32(half, half), 0);
  }
#endif
}

// sums[r] += 128 * pairs[2r] (- pairs[2r + 1] if MINUS_HIGH) for r < ROWS: the weights' share
// of the sums that pixels shifted into int8 leave out, from the rows' weight sums
// (KernelSet::dense_u8s8_i32_summed). Four rows a step: one load splits their pairs.
template <uint32_t ROWS, bool MINUS_HIGH>
inline void add_weight_share(const int32_t* pairs, int32_t* sums) {
  uint32_t r = 0;
#pragma GCC unroll 4
  for (; r + 4 <= ROWS; r += 4) {
    const int32x4x2_t pair = vld2q_s32(pairs + 2 * r);
    int32x4_t share = vshlq_n_s32(pair.val[0], 7);
    if (MINUS_HIGH) share = vsubq_s32(share, pair.val[1]);
    vst1q_s32(sums + r, vaddq_s32(vld1q_s32(sums + r), share));
  }
  for (; r < ROWS; ++r) sums[r] += 128 * pairs[2 * r] - (MINUS_HIGH ? pairs[2 * r + 1] : 0);
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
