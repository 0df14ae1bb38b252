// kernels_conv_vnni.h — KernelSet::conv_u8s8_i32 with AVX-512 VNNI (the avx512vnni and
// avx512vbmi sets): a block of P output pixels times V vectors of 16 output channels in int32
// registers; each group of 4 window inputs is broadcast (one dword) and vpdpbusd adds its
// 4 products with every channel's 4 weights, uint8 times int8 as they are. Exact, so the
// same bits as the scalar reference in any order.
#ifndef SOFTEDGE_RUNTIME_KERNELS_CONV_VNNI_H
#define SOFTEDGE_RUNTIME_KERNELS_CONV_VNNI_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "conv_pixel_blocks.h"
#include "layer_modes.h"
#include "softedge/kernels.h"

#if SOFTEDGE_INT8_CONV
namespace softedge {
namespace detail {
namespace {

template <uint32_t V, uint32_t P>
inline void conv_block_vnni(const ConvPixelsU8& p, const uint8_t* x, const int8_t* wt,
                            const int32_t* bias, uint32_t channels, size_t stride,
                            int32_t* acc) {
  __m512i sums[P][V];
#pragma GCC unroll 2
  for (uint32_t v = 0; v < V; ++v) {
    const __m512i b = _mm512_load_si512(bias + 16 * v);
#pragma GCC unroll 8
    for (uint32_t i = 0; i < P; ++i) sums[i][v] = b;
  }
  for (uint32_t r = 0; r < p.runs; ++r) {
    const uint8_t* xr = x + r * p.x_run_stride;
    const int8_t* line = wt + r * p.wt_run_stride;
    for (uint32_t j = 0; j < p.run_length; j += 4, line += 4 * p.pitch) {
      __m512i w[V];
#pragma GCC unroll 2
      for (uint32_t v = 0; v < V; ++v) w[v] = _mm512_load_si512(line + 64 * v);
#pragma GCC unroll 8
      for (uint32_t i = 0; i < P; ++i) {
        int32_t group;
        memcpy(&group, xr + i * p.pixel_stride + j, 4);
        const __m512i in = _mm512_set1_epi32(group);
#pragma GCC unroll 2
        for (uint32_t v = 0; v < V; ++v) sums[i][v] = _mm512_dpbusd_epi32(sums[i][v], in, w[v]);
      }
    }
  }
#pragma GCC unroll 8
  for (uint32_t i = 0; i < P; ++i) {
#pragma GCC unroll 2
    for (uint32_t v = 0; v < V; ++v) {
      const uint32_t first = 16 * v;
      if (first >= channels) continue;
      const uint32_t n = channels - first < 16 ? channels - first : 16;
      _mm512_mask_storeu_epi32(acc + i * stride + first, static_cast<__mmask16>((1u << n) - 1),
                               sums[i][v]);
    }
  }
}

// Every pixel of the call for one block of V vectors of 16 channels (conv_pixel_blocks.h):
// 8 pixels, 16 accumulators, 2 weights and a broadcast of the 32 registers.
template <uint32_t V>
inline void conv_channels_vnni(const ConvPixelsU8& p, const int8_t* wt, const int32_t* bias,
                               uint32_t channels, size_t stride, int32_t* acc) {
  for_pixel_blocks<8>(p.count, 0, [&](auto pixels, uint32_t n) {
    conv_block_vnni<V, decltype(pixels)::value>(p, p.x + n * p.pixel_stride, wt, bias, channels,
                                                stride, acc + n * stride);
  });
}

void conv_u8s8_vnni(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                    int32_t* acc) {
  // Blocks of 32 channels, then one of 16 (each vector's 16 channels x 4 bytes = 64 bytes).
  uint32_t o = 0;
  for (; o + 16 < channels; o += 32) {
    conv_channels_vnni<2>(p, p.wt + 4 * o, bias + o, channels - o, p.out_stride, acc + o);
  }
  if (o < channels) {
    conv_channels_vnni<1>(p, p.wt + 4 * o, bias + o, channels - o, p.out_stride, acc + o);
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
