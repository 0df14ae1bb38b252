// kernels_conv_neon_i8.h — KernelSet::conv_u8s8_i32 for NEON without the dot product (the
// neon set of armv7 and neon64: Raspberry Pi 2-4): a block of P output pixels times 16 output
// channels in int32 registers. One vld4q of a group line gives the 16 channels' weights of
// each of its 4 taps apart; each is widened to int16 and multiply-accumulated (vmlal_lane)
// with the pixel's input of that tap, uint8 widened to int16: every product (at most
// 255 x 128) and sum exact, so the same bits as the scalar reference.
#ifndef SOFTEDGE_RUNTIME_KERNELS_CONV_NEON_I8_H
#define SOFTEDGE_RUNTIME_KERNELS_CONV_NEON_I8_H

#include <arm_neon.h>
#include <stdint.h>
#include <string.h>

#include "conv_pixel_blocks.h"
#include "layer_modes.h"
#include "neon_store_lanes.h"
#include "softedge/kernels.h"

#if SOFTEDGE_INT8_CONV
namespace softedge {
namespace detail {
namespace {

// Pixels per block: 4 accumulators each, the 4 tap registers, 2 widened and the inputs fit
// the 32 registers of aarch64 or the 16 of armv7.
#if defined(__aarch64__)
constexpr uint32_t kConvNeonPixels = 4;
#else
constexpr uint32_t kConvNeonPixels = 2;
#endif

// sums[i][0..3] (channels 0-15) += tap M's 16 weights times pixel i's input M.
template <int M, uint32_t P>
inline void conv_tap_neon_i8(int32x4_t (&sums)[P][4], int8x16_t weights,
                             const int16x4_t (&inputs)[P]) {
  const int16x8_t low = vmovl_s8(vget_low_s8(weights));
  const int16x8_t high = vmovl_s8(vget_high_s8(weights));
#pragma GCC unroll 4
  for (uint32_t i = 0; i < P; ++i) {
    sums[i][0] = vmlal_lane_s16(sums[i][0], vget_low_s16(low), inputs[i], M);
    sums[i][1] = vmlal_lane_s16(sums[i][1], vget_high_s16(low), inputs[i], M);
    sums[i][2] = vmlal_lane_s16(sums[i][2], vget_low_s16(high), inputs[i], M);
    sums[i][3] = vmlal_lane_s16(sums[i][3], vget_high_s16(high), inputs[i], M);
  }
}

// Out of line: one frame per block shape (the stack bound).
template <uint32_t P>
__attribute__((noinline)) void conv_block_neon_i8(const ConvPixelsU8& p, const uint8_t* x,
                                                  const int8_t* wt, const int32_t* bias,
                                                  uint32_t channels, size_t stride,
                                                  int32_t* acc) {
  int32x4_t sums[P][4];
#pragma GCC unroll 4
  for (uint32_t v = 0; v < 4; ++v) {
    const int32x4_t b = vld1q_s32(bias + 4 * v);
#pragma GCC unroll 4
    for (uint32_t i = 0; i < P; ++i) sums[i][v] = b;
  }
  for (uint32_t r = 0; r < p.runs; ++r) {
    const uint8_t* xr = x + r * p.x_run_stride;
    const int8_t* line = wt + r * p.wt_run_stride;
    for (uint32_t j = 0; j < p.run_length; j += 4, line += 4 * p.pitch) {
      const int8x16x4_t taps = vld4q_s8(line);  // taps.val[m]: tap j + m of the 16 channels
      int16x4_t inputs[P];
#pragma GCC unroll 4
      for (uint32_t i = 0; i < P; ++i) {
        uint32_t group;
        memcpy(&group, xr + i * p.pixel_stride + j, 4);
        inputs[i] = vreinterpret_s16_u16(vget_low_u16(vmovl_u8(vcreate_u8(group))));
      }
      conv_tap_neon_i8<0>(sums, taps.val[0], inputs);
      conv_tap_neon_i8<1>(sums, taps.val[1], inputs);
      conv_tap_neon_i8<2>(sums, taps.val[2], inputs);
      conv_tap_neon_i8<3>(sums, taps.val[3], inputs);
    }
  }
#pragma GCC unroll 4
  for (uint32_t i = 0; i < P; ++i) {
    int32_t* out = acc + i * stride;
#pragma GCC unroll 4
    for (uint32_t v = 0; v < 4; ++v) {
      if (4 * v < channels) store_i32_lanes(sums[i][v], out + 4 * v, channels - 4 * v);
    }
  }
}

void conv_u8s8_neon(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                    int32_t* acc) {
  // Blocks of 16 channels (a group line of 16 channels is 64 bytes: one vld4q).
  for (uint32_t o = 0; o < channels; o += 16) {
    const int8_t* wt = p.wt + 4 * o;
    for_pixel_blocks<kConvNeonPixels>(p.count, 0, [&](auto pixels, uint32_t n) {
      conv_block_neon_i8<decltype(pixels)::value>(p, p.x + n * p.pixel_stride, wt, bias + o,
                                                  channels - o, p.out_stride,
                                                  acc + o + n * p.out_stride);
    });
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
