// kernels_neon_dense.h — NEON (armv7 and aarch64): the 10-row block of the float dense kernels
// (kernels_xsimd.h) written with intrinsics, for kernels_neon.cpp and kernels_neon_dotprod.cpp.
// GCC 12 compiles the generic block into loads with an address computed per load, and spills;
// here each row's weights come through a pointer that advances, in one multi-register load per
// step (aarch64: 16 floats, ld1 of four registers; armv7: 8 floats, vld1 of four d registers),
// and the 10 sums are reduced together (pairwise adds, transposed across rows). Each
// accumulator lane still sums its products in index order and each sum is (a0 + a1) +
// (a2 + a3), as in the generic block. Size-first builds keep the generic code (they have no
// 10-row block).
#ifndef SOFTEDGE_RUNTIME_KERNELS_NEON_DENSE_H
#define SOFTEDGE_RUNTIME_KERNELS_NEON_DENSE_H

#include <arm_neon.h>

#include "kernels_xsimd.h"

// For the NEON kernels' main loops (here and the int8 ones): GCC's scheduling before register
// allocation hoists the loads of the next rows and then spills accumulators or copies
// registers; without it each loop keeps its registers. Size-first builds leave it out (the
// attribute also stops inlining).
#if defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_NEON_NO_PRESCHEDULE
#else
#define SOFTEDGE_NEON_NO_PRESCHEDULE __attribute__((optimize("no-schedule-insns")))
#endif

#if !defined(SOFTEDGE_SIZE_FIRST)
namespace softedge {
namespace detail {
namespace {

#if defined(__aarch64__)
using NeonArch = xsimd::neon64;
constexpr uint32_t kNeonStepRegisters = 4;

// A row's next 16 weights; p moves past them.
inline void load_row_step(const float*& p, float32x4_t* w) {
  const float32x4x4_t v = vld1q_f32_x4(p);
  p += 16;
  w[0] = v.val[0], w[1] = v.val[1], w[2] = v.val[2], w[3] = v.val[3];
}

// The horizontal sums of acc[0..10), stored to sums[0..10): 8 pairwise adds.
inline void row_sums10(const float32x4_t* acc, float* sums) {
  const float32x4_t s01 = vpaddq_f32(acc[0], acc[1]), s23 = vpaddq_f32(acc[2], acc[3]);
  const float32x4_t s45 = vpaddq_f32(acc[4], acc[5]), s67 = vpaddq_f32(acc[6], acc[7]);
  const float32x4_t s89 = vpaddq_f32(acc[8], acc[9]);
  vst1q_f32(sums, vpaddq_f32(s01, s23));
  vst1q_f32(sums + 4, vpaddq_f32(s45, s67));
  vst1_f32(sums + 8, vget_low_f32(vpaddq_f32(s89, s89)));
}
#else
using NeonArch = xsimd::neon;
constexpr uint32_t kNeonStepRegisters = 2;

// A row's next 8 weights in one vld1 of four d registers; p moves past them. GCC 12 has no
// vld1q_f32_x2 for armv7 and makes two vld1q_f32 into four instructions (a copy of the
// pointer, two loads, an add); the one instruction needs adjacent registers, so q14/q15.
inline void load_row_step(const float*& p, float32x4_t* w) {
  register float32x4_t w0 asm("q14");
  register float32x4_t w1 asm("q15");
  asm("vld1.32 {d28-d31}, [%2]!"
      : "=w"(w0), "=w"(w1), "+r"(p)
      : "m"(*reinterpret_cast<const float(*)[8]>(p)));
  w[0] = w0, w[1] = w1;
}

// Eight pixels: one 8-byte load, widened to 16 then 32 bits, converted.
template <>
template <>
inline void PixelInput<xsimd::neon>::load_step<2>(uint32_t i,
                                                  xsimd::batch<float, xsimd::neon>* xv) const {
  const uint16x8_t words = vmovl_u8(vld1_u8(pixels + i));
  xv[0] = vcvtq_f32_u32(vmovl_u16(vget_low_u16(words)));
  xv[1] = vcvtq_f32_u32(vmovl_u16(vget_high_u16(words)));
}

inline void row_sums10(const float32x4_t* acc, float* sums) {
  const auto half_sums = [](float32x4_t v) { return vpadd_f32(vget_low_f32(v), vget_high_f32(v)); };
#pragma GCC unroll 5
  for (uint32_t r = 0; r < 10; r += 2) {
    vst1_f32(sums + r, vpadd_f32(half_sums(acc[r]), half_sums(acc[r + 1])));
  }
}
#endif

template <class Input>
SOFTEDGE_NEON_NO_PRESCHEDULE inline void dense10_neon(const Input& input, const float* weights,
                                                      const float* bias, uint32_t in, float* y) {
  constexpr uint32_t kRows = 10, kRegs = kNeonStepRegisters, kStep = 4 * kRegs;
  const float* rows[kRows];
  float32x4_t acc[kRows];
#pragma GCC unroll 16
  for (uint32_t r = 0; r < kRows; ++r) {
    rows[r] = weights + static_cast<size_t>(r) * in;
    acc[r] = vdupq_n_f32(0.0f);
  }
  uint32_t i = 0;
  for (; i + kStep <= in; i += kStep) {
    xsimd::batch<float, NeonArch> xv[kRegs];
    input.template load_step<kRegs>(i, xv);
#pragma GCC unroll 16
    for (uint32_t r = 0; r < kRows; ++r) {
      float32x4_t w[kRegs];
      load_row_step(rows[r], w);
#pragma GCC unroll 4
      for (uint32_t s = 0; s < kRegs; ++s) acc[r] = vfmaq_f32(acc[r], w[s], xv[s].data);
    }
  }
  for (; i + 4 <= in; i += 4) {
    const float32x4_t xv = input.load(i).data;
#pragma GCC unroll 16
    for (uint32_t r = 0; r < kRows; ++r) {
      acc[r] = vfmaq_f32(acc[r], vld1q_f32(rows[r]), xv);
      rows[r] += 4;
    }
  }
  float sums[kRows];
  row_sums10(acc, sums);
  if (i < in) {  // no setup of the tail loops when the rows end on a whole register
    for (uint32_t r = 0; r < kRows; ++r) {
      for (uint32_t j = i; j < in; ++j) {
        sums[r] += weights[static_cast<size_t>(r) * in + j] * input.at(j);
      }
    }
  }
  for (uint32_t r = 0; r < kRows; ++r) y[r] = input.finish(sums[r]) + bias[r];
}

// The 10-row blocks of dense_f32_xsimd and dense_u8_f32_xsimd.
template <>
inline void dense_rows<NeonArch, 10, FloatInput<NeonArch>>(const FloatInput<NeonArch>& input,
                                                           const float* weights,
                                                           const float* bias, uint32_t in,
                                                           float* y) {
  dense10_neon(input, weights, bias, in, y);
}
template <>
inline void dense_rows<NeonArch, 10, PixelInput<NeonArch>>(const PixelInput<NeonArch>& input,
                                                           const float* weights,
                                                           const float* bias, uint32_t in,
                                                           float* y) {
  dense10_neon(input, weights, bias, in, y);
}

}  // namespace
}  // namespace detail
}  // namespace softedge
#endif

#endif
