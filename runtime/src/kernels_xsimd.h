// kernels_xsimd.h — kernel bodies written once with xsimd, instantiated per instruction set.
//
// Include this from exactly one translation unit per ISA, compiled with that ISA's flags,
// then define the set with SOFTEDGE_DEFINE_XSIMD_KERNELS. Everything here has internal
// linkage (anonymous namespace): the AVX-512 instantiation must never be merged with, and
// picked by the linker in place of, the SSE2 one.
#ifndef SOFTEDGE_RUNTIME_KERNELS_XSIMD_H
#define SOFTEDGE_RUNTIME_KERNELS_XSIMD_H

#include <float.h>
#include <stdint.h>

#include <xsimd/xsimd.hpp>

#include "kernel_requirements.h"
#include "kernels_conv_xsimd.h"
#include "layer_modes.h"
#include "remap_pixels.h"
#include "simd_io.h"
#include "softedge/kernels.h"
#if defined(__AVX512F__)
#include "softmax_avx512.h"
#include "transposed_sums_avx512.h"
#endif

namespace softedge {
namespace detail {
namespace {

// xsimd 8 calls the horizontal sum hadd; 9.0 renamed it reduce_add with no alias.
template <class Arch>
inline float horizontal_sum(const xsimd::batch<float, Arch>& v) {
  return xsimd::hadd(v);
}

// An int32 batch's bits as floats, through this ISA's own reinterpret: xsimd's generic
// bitwise_cast on NEON builds a table of all 81 reinterpret wrappers, which stay in the
// object (324 bytes of aarch64 code) although only one is called.
template <class Arch>
inline xsimd::batch<float, Arch> float_bits(const xsimd::batch<int32_t, Arch>& bits) {
#if defined(__ARM_NEON) || defined(__ARM_NEON__)
  return vreinterpretq_f32_s32(bits.data);
#else
  return xsimd::bitwise_cast<xsimd::batch<float, Arch>>(bits);
#endif
}

// exp(a) for a <= 0, the softmax's only use: xsimd::exp's own steps (k = round(a / ln 2), its
// polynomial on the remainder, times 2^k built as float bits), so the same bits, without its
// test for overflow (a <= 0 cannot overflow) and with float_bits() for the 2^k. Size-first
// builds keep one copy out of line for the softmax's two calls, as xsimd::exp was.
#if defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_EXP_INLINE __attribute__((noinline))
#else
#define SOFTEDGE_EXP_INLINE inline
#endif
template <class Arch>
SOFTEDGE_EXP_INLINE xsimd::batch<float, Arch> exp_nonpositive(xsimd::batch<float, Arch> a) {
  using batch = xsimd::batch<float, Arch>;
  using reduction = xsimd::kernel::detail::exp_reduction<float, Arch,
                                                         xsimd::kernel::detail::exp_tag>;
  batch x;
  const batch k = reduction::reduce(a, x);
  x = reduction::approx(x);
  const xsimd::batch<int32_t, Arch> two_to_k = (xsimd::to_int(k) + 127) << 23;  // 2^k's bits
  return xsimd::select(a <= reduction::minlog(), batch(0.0f), x * float_bits(two_to_k));
}

// Where a dense layer reads its input from: float features, or raw pixels widened in
// registers (then the sum is scaled once at the end instead of every pixel).
// load_step<N>(i, xv) fills xv[0..N) with the N registers of input from i on.
template <class Arch>
struct FloatInput {
  const float* x;
  xsimd::batch<float, Arch> load(uint32_t i) const {
    return xsimd::batch<float, Arch>::load_unaligned(x + i);
  }
  template <uint32_t N>
  void load_step(uint32_t i, xsimd::batch<float, Arch>* xv) const {
#pragma GCC unroll 4
    for (uint32_t s = 0; s < N; ++s) xv[s] = load(i + s * xsimd::batch<float, Arch>::size);
  }
  float at(uint32_t i) const { return x[i]; }
  float finish(float sum) const { return sum; }
  xsimd::batch<float, Arch> finish(const xsimd::batch<float, Arch>& sum,
                                   const xsimd::batch<float, Arch>& bias) const {
    return sum + bias;
  }
};

template <class Arch>
struct PixelInput {
  const uint8_t* pixels;
  float scale;
  xsimd::batch<float, Arch> load(uint32_t i) const {
    return xsimd::batch<float, Arch>(load_pixels(pixels + i, Arch{}));
  }
  template <uint32_t N>
  void load_step(uint32_t i, xsimd::batch<float, Arch>* xv) const {
#pragma GCC unroll 4
    for (uint32_t s = 0; s < N; ++s) xv[s] = load(i + s * xsimd::batch<float, Arch>::size);
  }
  float at(uint32_t i) const { return static_cast<float>(pixels[i]); }
  float finish(float sum) const { return scale * sum; }
  xsimd::batch<float, Arch> finish(const xsimd::batch<float, Arch>& sum,
                                   const xsimd::batch<float, Arch>& bias) const {
    return xsimd::fma(xsimd::batch<float, Arch>(scale), sum, bias);
  }
};

#if defined(__aarch64__)
// 16 pixels from one 16-byte load, widened and converted in registers: 11 instructions where
// four 4-pixel loads take 20.
template <>
template <>
inline void PixelInput<xsimd::neon64>::load_step<4>(uint32_t i,
                                                    xsimd::batch<float, xsimd::neon64>* xv) const {
  load_pixels16(pixels + i, xv[0].data, xv[1].data, xv[2].data, xv[3].data);
}
#endif

// Registers of input per step of a dense layer's main loop. On aarch64 four: the weights of a
// row then come in adjacent pairs (one ldp for two registers) and 16 pixels convert at once;
// 10 accumulators + 4 inputs + 2 weights fit its 32 registers. Elsewhere one (armv7 and SSE2
// have 16 registers; AVX2/AVX-512 gain nothing from it; size-first builds save the code).
template <class Arch>
struct StepRegisters {
  static constexpr uint32_t value = 1;
};
#if defined(__aarch64__) && !defined(SOFTEDGE_SIZE_FIRST)  // size-first: the loop below only
template <>
struct StepRegisters<xsimd::neon64> {
  static constexpr uint32_t value = 4;
};
#endif

// Where the input ends on a whole register, the rows' results y[r] = finish(sum of acc[r],
// bias[r]) straight from registers: AVX-512 sums up to 16 rows at once
// (transposed_sums_avx512.h) and writes them in lanes_avx512.h's pieces. False (nothing done):
// dense_rows sums each row on its own.
template <uint32_t ROWS, class Arch, class Input>
inline bool store_rows(const Input&, const xsimd::batch<float, Arch>*, const float*, float*,
                       xsimd::generic) {
  return false;
}
#if defined(__AVX512F__)
template <uint32_t ROWS, class Arch, class Input>
inline bool store_rows(const Input& input, const xsimd::batch<float, Arch>* acc,
                       const float* bias, float* y, xsimd::avx512f) {
  if (ROWS == 1) return false;
  __m512i bits[ROWS];
#pragma GCC unroll 16
  for (uint32_t r = 0; r < ROWS; ++r) bits[r] = _mm512_castps_si512(acc[r].data);
  const __mmask16 rows = static_cast<__mmask16>((1u << ROWS) - 1u);
  using batch = xsimd::batch<float, Arch>;
  const batch sums(_mm512_castsi512_ps(transposed_sums<ROWS>(bits, add_float)));
  const batch biases(_mm512_maskz_loadu_ps(rows, bias));
  store_lanes(y, input.finish(sums, biases).data, ROWS);
  return true;
}
#endif

// ROWS output rows at once: each chunk of the input is loaded once and reused ROWS times,
// and ROWS independent accumulators hide the FMA latency (10 fit the 16 registers of
// SSE2/AVX2 with the input and a weight).
template <class Arch, uint32_t ROWS, class Input>
inline void dense_rows(const Input& input, const float* weights, const float* bias,
                       uint32_t in, float* y) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);
  const float* rows[ROWS];
  batch acc[ROWS];
#pragma GCC unroll 16
  for (uint32_t r = 0; r < ROWS; ++r) {
    rows[r] = weights + static_cast<size_t>(r) * in;
    acc[r] = batch(0.0f);
  }
  // Whole steps of kRegs registers, then single registers. Each accumulator lane still sums
  // its products in index order: the same bits as a one-register loop.
  constexpr uint32_t kRegs = StepRegisters<Arch>::value;
  uint32_t i = 0;
  if (kRegs > 1) {
    for (; i + kRegs * kLanes <= in; i += kRegs * kLanes) {
      batch xv[kRegs];
      input.template load_step<kRegs>(i, xv);
#pragma GCC unroll 16
      for (uint32_t r = 0; r < ROWS; ++r) {
#pragma GCC unroll 4
        for (uint32_t s = 0; s < kRegs; ++s) {
          acc[r] = xsimd::fma(batch::load_unaligned(rows[r] + i + s * kLanes), xv[s], acc[r]);
        }
      }
    }
  }
  for (; i + kLanes <= in; i += kLanes) {
    const batch xv = input.load(i);
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      acc[r] = xsimd::fma(batch::load_unaligned(rows[r] + i), xv, acc[r]);
    }
  }
  if (i == in && store_rows<ROWS>(input, acc, bias, y, Arch{})) return;
  // The horizontal sums unrolled too, so that acc[] stays in registers (indexing it in a
  // loop would put all ROWS registers on the stack: 640 bytes for AVX-512); the scalar tails
  // in a plain loop (unrolling them would double the code).
  float sums[ROWS];
#pragma GCC unroll 16
  for (uint32_t r = 0; r < ROWS; ++r) sums[r] = horizontal_sum(acc[r]);
  for (uint32_t r = 0; r < ROWS; ++r) {
    float sum = sums[r];
    for (uint32_t j = i; j < in; ++j) sum += rows[r][j] * input.at(j);
    y[r] = input.finish(sum) + bias[r];
  }
}

// Rows in blocks of 10, then 4, then 1: three instantiations per ISA keep the code small
// (.text matters on a device) while a 784 -> 10 layer runs as one block. A size-first build
// (SOFTEDGE_SIZE_FIRST) leaves out the 10-row block.
template <class Arch, class Input>
void dense(const Input& input, const float* weights, const float* bias, uint32_t in,
           uint32_t out, float* y) {
  uint32_t o = 0;
#if !defined(SOFTEDGE_SIZE_FIRST)
  for (; o + 10 <= out; o += 10) {
    dense_rows<Arch, 10>(input, weights + static_cast<size_t>(o) * in, bias + o, in, y + o);
  }
#endif
  for (; o + 4 <= out; o += 4) {
    dense_rows<Arch, 4>(input, weights + static_cast<size_t>(o) * in, bias + o, in, y + o);
  }
  for (; o < out; ++o) {
    dense_rows<Arch, 1>(input, weights + static_cast<size_t>(o) * in, bias + o, in, y + o);
  }
}

template <class Arch>
void dense_f32_xsimd(const float* x, const float* weights, const float* bias, uint32_t in,
                     uint32_t out, float* y) {
  dense<Arch>(FloatInput<Arch>{x}, weights, bias, in, out, y);
}

template <class Arch>
void dense_u8_f32_xsimd(const uint8_t* pixels, float scale, const float* weights,
                        const float* bias, uint32_t in, uint32_t out, float* y) {
  dense<Arch>(PixelInput<Arch>{pixels, scale}, weights, bias, in, out, y);
}

// Whole registers of pixels converted as the pixel input of a dense layer converts them, then
// one FMA (with bias 0 exactly the rounding of p * scale, like the reference); a scalar tail.
// (GCC 12 at -O2 does not vectorize the plain loop.)
template <class Arch>
void pixels_to_f32_xsimd(const uint8_t* pixels, uint32_t n, float scale, float bias,
                         float* out) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);
  const PixelInput<Arch> input{pixels, scale};
  const batch scale_v(scale), bias_v(bias);
  uint32_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    xsimd::fma(input.load(i), scale_v, bias_v).store_unaligned(out + i);
  }
  for (; i < n; ++i) out[i] = static_cast<float>(pixels[i]) * scale + bias;
}

// The softmax of logits that fit one register, for ISAs that have a faster way than the
// general loop below: true when it ran (and *finite says what softmax_f32_xsimd returns).
// AVX-512's is in softmax_avx512.h, aarch64's below.
template <class Arch>
inline bool softmax_one_register(const float*, uint32_t, float*, uint32_t*, bool*,
                                 xsimd::generic) {
  return false;
}

#if defined(__aarch64__) && !defined(SOFTEDGE_SIZE_FIRST)
// 4 * (R - 1) < n <= 4 * R logits in R registers, kept there from the load to the store
// (aarch64): the last register's missing lanes read -FLT_MAX for the max and the finiteness
// test, then -inf for the exponentials (exp gives 0); the top class is the first lane equal
// to the max, by vector compares. The two passes below took 315 instructions for 10 logits,
// with a second copy of exp for the last register and a scalar search for the top class.
template <uint32_t R>
inline bool softmax_neon64_registers(const float* logits, uint32_t n, float* probabilities,
                                     uint32_t* argmax) {
  using Arch = xsimd::neon64;
  const uint32_t tail = n - 4 * (R - 1);  // 1..4
  float* const last = probabilities + 4 * (R - 1);
  float32x4_t v[R];
  for (uint32_t k = 0; k + 1 < R; ++k) v[k] = vld1q_f32(logits + 4 * k);
  v[R - 1] = tail == 4 ? vld1q_f32(logits + 4 * (R - 1))
                       : load_partial<Arch>(logits + 4 * (R - 1), tail, -FLT_MAX, Arch{});
  float32x4_t max = v[0], nan_if_not_finite = vsubq_f32(v[0], v[0]);
  for (uint32_t k = 1; k < R; ++k) {
    max = vmaxq_f32(max, v[k]);
    nan_if_not_finite = vaddq_f32(nan_if_not_finite, vsubq_f32(v[k], v[k]));
  }
  if (!(vaddvq_f32(nan_if_not_finite) == 0.0f)) {
    for (uint32_t i = 0; i < n; ++i) probabilities[i] = 0.0f;
    *argmax = 0;
    return false;
  }
  const float32x4_t shift = vdupq_n_f32(vmaxvq_f32(max));
  static const uint32_t kLanes[4] = {0, 1, 2, 3};
  const uint32x4_t lane = vld1q_u32(kLanes);
  uint32x4_t first = vdupq_n_u32(UINT32_MAX);
  for (uint32_t k = 0; k < R; ++k) {
    const uint32x4_t index = vaddq_u32(lane, vdupq_n_u32(4 * k));
    first = vminq_u32(first, vbslq_u32(vceqq_f32(v[k], shift), index, first));
  }
  *argmax = vminvq_u32(first);
  v[R - 1] = vbslq_f32(vcltq_u32(lane, vdupq_n_u32(tail)), v[R - 1], vdupq_n_f32(-INFINITY));
  float32x4_t e[R];
  for (uint32_t k = 0; k < R; ++k) {
    e[k] = exp_nonpositive(xsimd::batch<float, Arch>(vsubq_f32(v[k], shift))).data;
  }
  float32x4_t sum = e[0];  // 0 + e[0] is e[0]: the same sums without an add
  for (uint32_t k = 1; k < R; ++k) sum = vaddq_f32(sum, e[k]);
  const float32x4_t inverse = vdupq_n_f32(1.0f / vaddvq_f32(sum));
  for (uint32_t k = 0; k + 1 < R; ++k) {
    vst1q_f32(probabilities + 4 * k, vmulq_f32(e[k], inverse));
  }
  const float32x4_t p_last = vmulq_f32(e[R - 1], inverse);
  if (tail == 4) {
    vst1q_f32(last, p_last);
  } else {
    store_partial<Arch>(p_last, last, tail, Arch{});
  }
  return true;
}

template <class Arch>
inline bool softmax_one_register(const float* logits, uint32_t n, float* probabilities,
                                 uint32_t* argmax, bool* finite, xsimd::neon64) {
  switch ((n + 3) / 4) {
    case 1: *finite = softmax_neon64_registers<1>(logits, n, probabilities, argmax); return true;
    case 2: *finite = softmax_neon64_registers<2>(logits, n, probabilities, argmax); return true;
    case 3: *finite = softmax_neon64_registers<3>(logits, n, probabilities, argmax); return true;
    case 4: *finite = softmax_neon64_registers<4>(logits, n, probabilities, argmax); return true;
    default: return false;
  }
}
#endif

// Two passes over whole registers. In a partial last register the missing lanes read as
// -FLT_MAX for the max (never above a real logit) and the finiteness test (x - x is 0 for
// finite x, NaN for NaN and infinities), then as -inf for the exponentials (exp gives 0).
template <class Arch>
bool softmax_f32_xsimd(const float* logits, uint32_t n, float* probabilities, uint32_t* argmax) {
  bool finite = false;
  if (softmax_one_register<Arch>(logits, n, probabilities, argmax, &finite, Arch{})) return finite;
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);
  const uint32_t full = n / kLanes * kLanes, tail = n - full;
  const auto tail_logits = [&](float fill) {
    return batch(load_partial<Arch>(logits + full, tail, fill, Arch{}));
  };

  batch max_v(-FLT_MAX), nan_if_not_finite(0.0f);
  for (uint32_t i = 0; i < full; i += kLanes) {
    const batch v = batch::load_unaligned(logits + i);
    max_v = xsimd::max(max_v, v);
    nan_if_not_finite += v - v;
  }
  if (tail > 0) {
    const batch v = tail_logits(-FLT_MAX);
    max_v = xsimd::max(max_v, v);
    nan_if_not_finite += v - v;
  }
  if (!(horizontal_sum(nan_if_not_finite) == 0.0f)) {
    for (uint32_t i = 0; i < n; ++i) probabilities[i] = 0.0f;
    *argmax = 0;
    return false;
  }
  const float max_logit = horizontal_max<Arch>(max_v.data, Arch{});
  uint32_t best = 0;
  while (best + 1 < n && logits[best] != max_logit) ++best;  // the first of equal maxima
  *argmax = best;

  const batch shift(max_logit);
  batch sum_v(0.0f), tail_e(0.0f);
  for (uint32_t i = 0; i < full; i += kLanes) {
    const batch e = exp_nonpositive(batch::load_unaligned(logits + i) - shift);
    e.store_unaligned(probabilities + i);
    sum_v += e;
  }
  if (tail > 0) {
    tail_e = exp_nonpositive(tail_logits(-INFINITY) - shift);
    sum_v += tail_e;
  }
  const batch inverse(1.0f / horizontal_sum(sum_v));
  for (uint32_t i = 0; i < full; i += kLanes) {
    (batch::load_unaligned(probabilities + i) * inverse).store_unaligned(probabilities + i);
  }
  if (tail > 0) store_partial<Arch>((tail_e * inverse).data, probabilities + full, tail, Arch{});
  return true;
}

#if SOFTEDGE_ACTIVATION_SIGMOID
// 1 / (1 + e) with e = exp(-|x|) <= 1 (exp_nonpositive: no overflow), then 1 - that for
// x < 0 as e / (1 + e): both halves from one exponential. NaN stays NaN (every step keeps it).
template <class Arch>
xsimd::batch<float, Arch> sigmoid_batch(xsimd::batch<float, Arch> x) {
  using batch = xsimd::batch<float, Arch>;
  const batch e = exp_nonpositive(-xsimd::abs(x));
  const batch s = batch(1.0f) / (batch(1.0f) + e);
  return xsimd::select(x < batch(0.0f), e * s, s);
}

template <class Arch>
void sigmoid_f32_xsimd(float* values, uint32_t n) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = batch::size;
  uint32_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    sigmoid_batch<Arch>(batch::load_unaligned(values + i)).store_unaligned(values + i);
  }
  if (i < n) {
    const batch tail(load_partial<Arch>(values + i, n - i, 0.0f, Arch{}));
    store_partial<Arch>(sigmoid_batch<Arch>(tail).data, values + i, n - i, Arch{});
  }
}
#endif

}  // namespace
}  // namespace detail
}  // namespace softedge

// The set's direct int8 convolution kernel: a translation unit that has one defines
// SOFTEDGE_CONV_U8S8 before it includes this file.
#if !defined(SOFTEDGE_CONV_U8S8)
#define SOFTEDGE_CONV_U8S8 nullptr
#endif
// The set's softmax of many images at once: where the translation unit has AVX-512.
#if defined(__AVX512F__)
#define SOFTEDGE_SOFTMAX_F32_BATCH(arch) ::softedge::detail::softmax_f32_batch_avx512<arch>
#else
#define SOFTEDGE_SOFTMAX_F32_BATCH(arch) nullptr
#endif
// The set's int8 dense kernel given the weight sums (KernelSet::dense_u8s8_i32_summed): a
// translation unit that has one defines SOFTEDGE_DENSE_U8S8_SUMMED before it includes this file.
#if !defined(SOFTEDGE_DENSE_U8S8_SUMMED)
#define SOFTEDGE_DENSE_U8S8_SUMMED nullptr
#endif
// The set's sigmoid: sigmoid_f32_xsimd unless the translation unit defines
// SOFTEDGE_SIGMOID_F32 (armv7, whose xsimd comparisons are scalar code) before.
#if !defined(SOFTEDGE_SIGMOID_F32)
#if SOFTEDGE_ACTIVATION_SIGMOID
#define SOFTEDGE_SIGMOID_F32(arch) ::softedge::detail::sigmoid_f32_xsimd<arch>
#else
#define SOFTEDGE_SIGMOID_F32(arch) nullptr
#endif
#endif

// A kernel set: its name, the CPU features its row of the table (kernel_sets.h) gives it,
// the float kernels above for `arch`, and this ISA's int8 kernel. Declared extern first: the
// table refers to it from kernel_registry.cpp. Without batch kernels (null: inference runs
// the single-image kernels per image); SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS (kernels_batch.h)
// adds them.
#define SOFTEDGE_DEFINE_XSIMD_KERNELS(variable, name, arch, dense_u8s8)                  \
  SOFTEDGE_XSIMD_KERNEL_SET(variable, name, arch, dense_u8s8, nullptr, nullptr, nullptr, \
                            nullptr)
#define SOFTEDGE_XSIMD_KERNEL_SET(variable, name, arch, dense_u8s8, f32_batch, u8_f32_batch, \
                                  u8s8_batch, requantize)                                   \
  extern const ::softedge::KernelSet variable;                                              \
  const ::softedge::KernelSet variable = {                                                  \
      name,                                                                                 \
      ::softedge::detail::required_features::variable,                                      \
      SOFTEDGE_FLOAT32_KERNEL(::softedge::detail::dense_f32_xsimd<arch>),                   \
      SOFTEDGE_FUSED_PIXEL_KERNEL(::softedge::detail::dense_u8_f32_xsimd<arch>),            \
      SOFTEDGE_INT8_KERNEL(dense_u8s8),                                                     \
      SOFTEDGE_FLOAT32_KERNEL(::softedge::detail::pixels_to_f32_xsimd<arch>),               \
      ::softedge::detail::softmax_f32_xsimd<arch>,                                          \
      SOFTEDGE_REMAP_PIXELS,                                                                \
      f32_batch,                                                                            \
      u8_f32_batch,                                                                         \
      u8s8_batch,                                                                           \
      requantize,                                                                           \
      SOFTEDGE_FLOAT_CONV_KERNEL(::softedge::detail::conv_f32_xsimd<arch>),                 \
      SOFTEDGE_CONV_U8S8,                                                                   \
      SOFTEDGE_SIGMOID_F32(arch),                                                           \
      SOFTEDGE_INT8_KERNEL(SOFTEDGE_DENSE_U8S8_SUMMED),                                     \
      SOFTEDGE_SOFTMAX_F32_BATCH(arch)}

#endif
