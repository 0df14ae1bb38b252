// neon_row_sums.h — the horizontal sums of ROWS int32 accumulators, stored to sums[0..ROWS),
// reduced together by pairwise adds across rows (3 instructions per 4 rows on aarch64) rather
// than one full reduction per row, with the rows' offsets (bias and the weights' share) added
// on the way when the kernel has them. For the NEON int8 kernels.
#ifndef SOFTEDGE_RUNTIME_NEON_ROW_SUMS_H
#define SOFTEDGE_RUNTIME_NEON_ROW_SUMS_H

#include <arm_neon.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// What store_row_sums adds to row r's sum: nothing, or lane 0 or lane 1 of row r's pair of
// offsets (KernelSet::dense_u8s8_i32_summed).
enum class RowOffset { kNone, kLane0, kLane1 };

template <uint32_t ROWS, RowOffset OFFSET = RowOffset::kNone>
inline void store_row_sums(const int32x4_t* acc, int32_t* sums,
                           const int32_t* pairs = nullptr) {
  constexpr uint32_t lane = OFFSET == RowOffset::kLane1 ? 1 : 0;
  // Rows r, r + 1 (, r + 2, r + 3)'s offsets, split from their pairs by one load; added in
  // registers before the one store (zero without offsets: the add folds away).
#if defined(__aarch64__)
  const auto offsets4 = [&](uint32_t r) {
    return OFFSET == RowOffset::kNone ? vdupq_n_s32(0) : vld2q_s32(pairs + 2 * r).val[lane];
  };
#endif
  const auto offsets2 = [&](uint32_t r) {
    return OFFSET == RowOffset::kNone ? vdup_n_s32(0) : vld2_s32(pairs + 2 * r).val[lane];
  };
  const auto offset1 = [&](uint32_t r) {
    return OFFSET == RowOffset::kNone ? 0 : pairs[2 * r + lane];
  };
  uint32_t r = 0;
#if defined(__aarch64__)
#pragma GCC unroll 4
  for (; r + 4 <= ROWS; r += 4) {
    const int32x4_t four = vpaddq_s32(vpaddq_s32(acc[r], acc[r + 1]),
                                      vpaddq_s32(acc[r + 2], acc[r + 3]));
    vst1q_s32(sums + r, vaddq_s32(four, offsets4(r)));
  }
  if (ROWS - r >= 2) {
    const int32x4_t pair = vpaddq_s32(acc[r], acc[r + 1]);
    vst1_s32(sums + r, vadd_s32(vget_low_s32(vpaddq_s32(pair, pair)), offsets2(r)));
    r += 2;
  }
  if (r < ROWS) sums[r] = vaddvq_s32(acc[r]) + offset1(r);
#else
  const auto half_sum = [](int32x4_t v) { return vadd_s32(vget_low_s32(v), vget_high_s32(v)); };
#pragma GCC unroll 8
  for (; r + 2 <= ROWS; r += 2) {
    const int32x2_t two = vpadd_s32(half_sum(acc[r]), half_sum(acc[r + 1]));
    vst1_s32(sums + r, vadd_s32(two, offsets2(r)));
  }
  if (r < ROWS) {
    const int32x2_t half = half_sum(acc[r]);
    sums[r] = vget_lane_s32(vpadd_s32(half, half), 0) + offset1(r);
  }
#endif
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
