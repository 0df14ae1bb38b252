// kernels_conv_xsimd.h — KernelSet::conv_f32 written once with xsimd (included by
// kernels_xsimd.h, so instantiated per ISA with internal linkage like its other kernels).
//
// A block of P output pixels times V vectors of output channels lives in registers. Each
// window input is broadcast and multiplied into the V vectors of its weight line: a weight
// load serves P pixels, an input load V vectors, and no sum is ever horizontal (the im2col
// rows of a first layer are only 9 long). The channel blocks go outermost so that one block's
// weights (144 lines x 32 channels = 18 KB for 3x3x16 -> 32) stay in L1 across the pixels.
#ifndef SOFTEDGE_RUNTIME_KERNELS_CONV_XSIMD_H
#define SOFTEDGE_RUNTIME_KERNELS_CONV_XSIMD_H

#include <xsimd/xsimd.hpp>

#include "conv_pixel_blocks.h"
#include "layer_modes.h"
#include "simd_io.h"
#include "softedge/kernels.h"

#if SOFTEDGE_FLOAT_CONV
namespace softedge {
namespace detail {
namespace {

// Vector registers of the ISA: AVX-512 and aarch64 have 32, SSE2, AVX2 and armv7 NEON 16.
#if defined(__AVX512F__) || defined(__aarch64__)
constexpr uint32_t kConvRegisters = 32;
#else
constexpr uint32_t kConvRegisters = 16;
#endif

// Pixels per block for V channel vectors: the accumulators, V weights, one broadcast and
// what the multiply-add needs besides (SSE2 has no FMA: a product) fit the registers, or
// the kernel spills; at most 8 (more adds little and costs code).
constexpr uint32_t kConvMaxPixels = 8;
constexpr uint32_t conv_pixels_per_block(uint32_t vectors) {
  return (kConvRegisters - 2 * vectors - 2) / vectors < kConvMaxPixels
             ? (kConvRegisters - 2 * vectors - 2) / vectors
             : kConvMaxPixels;
}

// P pixels from x on, channels [0, channels) of the V * lanes at wt, bias and y (all offset
// to the block's first channel); `channels` may end inside the last vector. Out of line: one
// frame per block shape, not all of them spilled into the kernel's frame (the stack bound).
template <class Arch, uint32_t V, uint32_t P>
__attribute__((noinline)) void conv_block(const ConvPixels& p, const float* x, const float* wt,
                                          const float* bias, uint32_t channels,
                                          size_t y_stride, float* y) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = batch::size;
  batch acc[P][V];
#pragma GCC unroll 4
  for (uint32_t v = 0; v < V; ++v) {
    const batch b = batch::load_aligned(bias + v * kLanes);
#pragma GCC unroll 8
    for (uint32_t i = 0; i < P; ++i) acc[i][v] = b;
  }
  for (uint32_t r = 0; r < p.runs; ++r) {
    const float* xr = x + r * p.x_run_stride;
    const float* line = wt + r * p.wt_run_stride;
    for (uint32_t j = 0; j < p.run_length; ++j, line += p.pitch) {
      batch w[V];
#pragma GCC unroll 4
      for (uint32_t v = 0; v < V; ++v) w[v] = batch::load_aligned(line + v * kLanes);
#pragma GCC unroll 8
      for (uint32_t i = 0; i < P; ++i) {
        const batch in(xr[i * p.pixel_stride + j]);
#pragma GCC unroll 4
        for (uint32_t v = 0; v < V; ++v) acc[i][v] = xsimd::fma(in, w[v], acc[i][v]);
      }
    }
  }
#pragma GCC unroll 8
  for (uint32_t i = 0; i < P; ++i) {
    float* out = y + i * y_stride;
#pragma GCC unroll 4
    for (uint32_t v = 0; v < V; ++v) {
      const uint32_t first = v * kLanes;
      if (first + kLanes <= channels) {
        acc[i][v].store_unaligned(out + first);
      } else if (first < channels) {
        store_partial<Arch>(acc[i][v].data, out + first, channels - first, Arch{});
      }
    }
  }
}

// Every pixel of the call for one block of V channel vectors (conv_pixel_blocks.h).
template <class Arch, uint32_t V>
inline void conv_channel_block(const ConvPixels& p, const float* wt, const float* bias,
                               uint32_t channels, size_t y_stride, float* y) {
  for_pixel_blocks<conv_pixels_per_block(V)>(p.count, 0, [&](auto pixels, uint32_t n) {
    conv_block<Arch, V, decltype(pixels)::value>(p, p.x + n * p.pixel_stride, wt, bias, channels,
                                                 y_stride, y + n * y_stride);
  });
}

template <class Arch>
void conv_f32_xsimd(const ConvPixels& p, const float* bias, uint32_t channels, float* y) {
  constexpr uint32_t kLanes = xsimd::batch<float, Arch>::size;
  uint32_t o = 0;
  while (o < channels) {
    const uint32_t vectors = (channels - o + kLanes - 1) / kLanes;
    // 4 vectors at a time (2 on SSE2 and armv7: 16 registers), then 2, then 1; the pitch
    // (a multiple of 16 floats) holds every vector a block loads.
    if (vectors >= 4 && kConvRegisters == 32) {
      conv_channel_block<Arch, 4>(p, p.wt + o, bias + o, channels - o, p.out_stride, y + o);
      o += 4 * kLanes;
    } else if (vectors >= 2) {
      conv_channel_block<Arch, 2>(p, p.wt + o, bias + o, channels - o, p.out_stride, y + o);
      o += 2 * kLanes;
    } else {
      conv_channel_block<Arch, 1>(p, p.wt + o, bias + o, channels - o, p.out_stride, y + o);
      o += kLanes;
    }
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
