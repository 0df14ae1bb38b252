// neon_store_lanes.h — the first lanes of an int32 vector to memory, for the NEON direct int8
// convolution kernels (kernels_conv_dotprod.h, kernels_conv_neon_i8.h): a row's last channel
// vector may hold fewer than 4 channels. Internal linkage, like every kernel: each includer
// compiles it for its own -march.
#ifndef SOFTEDGE_RUNTIME_NEON_STORE_LANES_H
#define SOFTEDGE_RUNTIME_NEON_STORE_LANES_H

#include <arm_neon.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// Lanes 0 .. n - 1 of v to out (n >= 1; 4 or more: the whole vector).
inline void store_i32_lanes(int32x4_t v, int32_t* out, uint32_t n) {
  if (n >= 4) {
    vst1q_s32(out, v);
    return;
  }
  out[0] = vgetq_lane_s32(v, 0);
  if (n > 1) out[1] = vgetq_lane_s32(v, 1);
  if (n > 2) out[2] = vgetq_lane_s32(v, 2);
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
