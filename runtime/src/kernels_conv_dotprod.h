// kernels_conv_dotprod.h — KernelSet::conv_u8s8_i32 with the aarch64 dot product (the
// neon64dot set): a block of P output pixels times V vectors of 4 output channels in int32
// registers; each group of 4 window inputs is broadcast and sdot adds its 4 products with
// each channel's 4 weights. sdot multiplies int8 by int8, so the inputs are shifted into int8:
// sum x * w = sum (x - 128) * w + 128 * sum w, the last over the taps the block visits (a
// window clipped by the image leaves some out), from one more sdot per weight group that
// all P pixels share. Exact, so the same bits as the scalar reference.
#ifndef SOFTEDGE_RUNTIME_KERNELS_CONV_DOTPROD_H
#define SOFTEDGE_RUNTIME_KERNELS_CONV_DOTPROD_H

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

// Out of line: one frame per block shape, not all of them spilled into the kernel's frame
// (the stack bound).
template <uint32_t V, uint32_t P>
__attribute__((noinline)) void conv_block_dotprod(const ConvPixelsU8& p, const uint8_t* x,
                                                  const int8_t* wt, const int32_t* bias,
                                                  uint32_t channels, size_t stride,
                                                  int32_t* acc) {
  const int8x16_t ones = vdupq_n_s8(1);
  int32x4_t sums[P][V], weight_sums[V];
#pragma GCC unroll 4
  for (uint32_t v = 0; v < V; ++v) {
    weight_sums[v] = vdupq_n_s32(0);
#pragma GCC unroll 8
    for (uint32_t i = 0; i < P; ++i) sums[i][v] = weight_sums[v];
  }
  for (uint32_t r = 0; r < p.runs; ++r) {
    const uint8_t* xr = x + r * p.x_run_stride;
    const int8_t* line = wt + r * p.wt_run_stride;
    for (uint32_t j = 0; j < p.run_length; j += 4, line += 4 * p.pitch) {
      int8x16_t w[V];
#pragma GCC unroll 4
      for (uint32_t v = 0; v < V; ++v) {
        w[v] = vld1q_s8(line + 16 * v);
        weight_sums[v] = vdotq_s32(weight_sums[v], w[v], ones);
      }
#pragma GCC unroll 8
      for (uint32_t i = 0; i < P; ++i) {
        uint32_t group;
        memcpy(&group, xr + i * p.pixel_stride + j, 4);
        const int8x16_t in = vreinterpretq_s8_u32(vdupq_n_u32(group ^ 0x80808080u));
#pragma GCC unroll 4
        for (uint32_t v = 0; v < V; ++v) sums[i][v] = vdotq_s32(sums[i][v], w[v], in);
      }
    }
  }
  int32x4_t offsets[V];  // bias + 128 * sum w
#pragma GCC unroll 4
  for (uint32_t v = 0; v < V; ++v) {
    offsets[v] = vaddq_s32(vld1q_s32(bias + 4 * v), vshlq_n_s32(weight_sums[v], 7));
  }
#pragma GCC unroll 8
  for (uint32_t i = 0; i < P; ++i) {
    int32_t* out = acc + i * stride;
#pragma GCC unroll 4
    for (uint32_t v = 0; v < V; ++v) {
      sums[i][v] = vaddq_s32(sums[i][v], offsets[v]);
      if (4 * v < channels) store_i32_lanes(sums[i][v], out + 4 * v, channels - 4 * v);
    }
  }
}

// Every pixel of the call for one block of V vectors of 4 channels (conv_pixel_blocks.h).
template <uint32_t V, uint32_t P>
inline void conv_channels_dotprod(const ConvPixelsU8& p, const int8_t* wt, const int32_t* bias,
                                  uint32_t channels, size_t stride, int32_t* acc) {
  for_pixel_blocks<P>(p.count, 0, [&](auto pixels, uint32_t n) {
    conv_block_dotprod<V, decltype(pixels)::value>(p, p.x + n * p.pixel_stride, wt, bias,
                                                   channels, stride, acc + n * stride);
  });
}

void conv_u8s8_dotprod(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                       int32_t* acc) {
  // Blocks of 16 channels, then of 4 (each vector: 4 channels x 4 bytes); the accumulators,
  // V weights, V weight sums, the ones and a broadcast within 32 registers.
  uint32_t o = 0;
  for (; o + 8 < channels; o += 16) {
    conv_channels_dotprod<4, 5>(p, p.wt + 4 * o, bias + o, channels - o, p.out_stride,
                                 acc + o);
  }
  for (; o < channels; o += 4) {
    conv_channels_dotprod<1, 8>(p, p.wt + 4 * o, bias + o, channels - o, p.out_stride,
                                 acc + o);
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
