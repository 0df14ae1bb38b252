// softedge/kernels.h — the compute kernels behind inference, one set per instruction set.
//
// Every set has the same functions; "scalar" is the portable reference (and the oracle the
// tests hold every other set to). Each set names the CPU features it needs as cpu:: bits;
// inference uses the fastest compiled set whose bits cpu_features() all reports, chosen at
// first use. Tests and benchmarks list the sets and force one by name.
#ifndef SOFTEDGE_KERNELS_H
#define SOFTEDGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/status.h"

namespace softedge {

// CPU features, as bits: what cpu_features() reports and what a kernel set needs.
namespace cpu {
constexpr uint32_t kSse2 = 1u << 0;
constexpr uint32_t kAvx2 = 1u << 1;
constexpr uint32_t kFma = 1u << 2;
constexpr uint32_t kAvx512F = 1u << 3;
constexpr uint32_t kAvx512Dq = 1u << 4;
constexpr uint32_t kAvx512Bw = 1u << 5;
constexpr uint32_t kAvx512Vl = 1u << 6;
constexpr uint32_t kAvx512Vnni = 1u << 7;
constexpr uint32_t kNeon = 1u << 8;         // Advanced SIMD (armv7 NEON, aarch64 ASIMD)
constexpr uint32_t kNeonDotprod = 1u << 9;  // armv8.2 SDOT/UDOT (HWCAP_ASIMDDP)
constexpr uint32_t kArmDsp = 1u << 10;      // the DSP extension's SIMD multiplies (SMLAD)
constexpr uint32_t kArmMve = 1u << 11;      // the M-profile vector extension (Helium)
constexpr uint32_t kAvx512Vbmi = 1u << 12;  // byte permutes (vpermi2b); not implied by VNNI
}  // namespace cpu

// Which of the features the compiled kernel sets need this CPU and OS have, as cpu:: bits (a
// build asks only about those). x86: CPUID, with AVX and AVX-512 counted only when the OS
// saves their registers (XGETBV). aarch64 Linux: the dot product from the kernel's HWCAP
// (the auxiliary vector; no file I/O). Everything else (NEON, the Cortex-M DSP and MVE
// extensions, a build for a dotprod -march): what the compiler targets.
uint32_t cpu_features();

// Output pixels of a convolution (KernelSet::conv_f32, conv_u8s8_i32) whose windows, or the
// parts of them inside the image, have the same shape: `runs` kernel rows of run_length
// contiguous NHWC inputs each. Pixel n's run r starts at x + n * pixel_stride + r *
// x_run_stride. The weights are the layer's OHWI rows transposed, one line of `pitch` output
// channels per window tap (HWIO, zeros after the last channel; conv_weight_pitch): float run
// r's input j meets the line at wt + r * wt_run_stride + j * pitch. int8 lines come in groups
// of 4 taps, channel o's 4 bytes together (the dot-product instructions' layout): input j meets
// byte wt[r * wt_run_stride + (j / 4) * 4 * pitch + 4 * o + j % 4]. runs or run_length may be
// 0 (the window lies in the padding). Pixel n's outputs start out_stride elements after pixel
// n - 1's: the channels, in a convolution's NHWC rows; more, for a dense layer run over a batch
// of images as a 1x1 convolution (inference's dense lines).
template <typename Input, typename Weight>
struct ConvWindows {
  const Input* x;
  size_t pixel_stride;
  uint32_t count;
  uint32_t runs;
  uint32_t run_length;
  uint32_t pitch;  // here, not after wt_run_stride: no padding (64 bytes, on the stack bound)
  size_t x_run_stride;
  const Weight* wt;  // 64-byte aligned
  size_t wt_run_stride;
  size_t out_stride;  // >= the channels
};
using ConvPixels = ConvWindows<float, float>;
using ConvPixelsU8 = ConvWindows<uint8_t, int8_t>;

// Floats per transposed weight line for `channels` output channels: a whole number of 64-byte
// vectors, so every kernel set's loads stay aligned and inside the line.
constexpr uint32_t conv_weight_pitch(uint32_t channels) { return (channels + 15u) / 16u * 16u; }

struct KernelSet {
  const char* name;  // scalar, sse2, avx2, avx512, avx512vnni, avx512vbmi, neon (armv7),
                     // neon64, neon64dot, cmdsp, cmmve
  uint32_t required_features;  // cpu:: bits; the set runs where cpu_features() has them all
  // y[o] = bias[o] + sum_i weights[o * in + i] * x[i], for o < out. No alignment needed.
  void (*dense_f32)(const float* x, const float* weights, const float* bias, uint32_t in,
                    uint32_t out, float* y);
  // The same layer on raw pixels: y[o] = scale * sum_i weights[o * in + i] * pixels[i] +
  // bias[o]. Equals dense_f32 on features pixel * scale (up to rounding) without first
  // writing those features out.
  void (*dense_u8_f32)(const uint8_t* pixels, float scale, const float* weights,
                       const float* bias, uint32_t in, uint32_t out, float* y);
  // int8: acc[o] = bias[o] + sum_i x[i] * weights[o * in + i], exactly (the loader ensures
  // int32 cannot overflow). Every set gives the same bits. No alignment needed.
  void (*dense_u8s8_i32)(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                         uint32_t in, uint32_t out, int32_t* acc);
  // out[i] = pixels[i] * scale + bias, for i < n.
  void (*pixels_to_f32)(const uint8_t* pixels, uint32_t n, float scale, float bias,
                        float* out);
  // The stable softmax of n >= 1 logits and the index of the first largest one. Returns false
  // (and writes zeros, argmax 0) if any logit is NaN or infinite.
  bool (*softmax_f32)(const float* logits, uint32_t n, float* probabilities, uint32_t* argmax);
  // out[i] = table[pixels[i]], for i < n: a model's 256-entry pixel lookup table. Optional:
  // null means inference's plain loop (the scalar set's kernel).
  void (*remap_pixels)(const uint8_t* pixels, uint32_t n, const uint8_t* table, uint8_t* out);
  // Batched forms of the three dense kernels: `count` images, image n's input at
  // x + n * x_stride and its output at y + n * y_stride (strides in elements). Each weight
  // load serves several images. Each image gets what the single-image kernel gives it (int8:
  // the same bits). Optional: null means "call the single-image kernel per image".
  void (*dense_f32_batch)(const float* x, size_t x_stride, uint32_t count, const float* weights,
                          const float* bias, uint32_t in, uint32_t out, float* y,
                          size_t y_stride);
  void (*dense_u8_f32_batch)(const uint8_t* pixels, size_t pixel_stride, uint32_t count,
                             float scale, const float* weights, const float* bias, uint32_t in,
                             uint32_t out, float* y, size_t y_stride);
  void (*dense_u8s8_i32_batch)(const uint8_t* x, size_t x_stride, uint32_t count,
                               const int8_t* weights, const int32_t* bias, uint32_t in,
                               uint32_t out, int32_t* acc, size_t acc_stride);
  // An int8 layer's uint8 outputs from its sums, for `count` images: out[m * stride + o] =
  // (acc[m * stride + o] * requant[2o]) / 2^(31 + requant[2o + 1]), rounded, clamped to
  // [0, 255] (format.h), for o < n and m < count: the same bits on every set. (One stride for
  // both: six arguments, all in registers, keep the caller's frame small: the stack bound.)
  // Optional: null means inference's scalar loop.
  void (*requantize_u8)(const int32_t* acc, const int32_t* requant, uint32_t n, uint32_t count,
                        size_t stride, uint8_t* out);
  // A float convolution, direct: for n < p.count and o < channels,
  // y[n * p.out_stride + o] = bias[o] + the sum over r < p.runs, j < p.run_length of
  //   p.x[n * p.pixel_stride + r * p.x_run_stride + j] *
  //   p.wt[r * p.wt_run_stride + j * p.pitch + o].
  // bias holds p.pitch floats (64-byte aligned, zeros after the channels). Each input is
  // broadcast against a line of weights: no horizontal sums, however short the window.
  void (*conv_f32)(const ConvPixels& p, const float* bias, uint32_t channels, float* y);
  // An int8 convolution, direct (optional: null means im2col and the dense int8 kernels): for
  // n < p.count and o < channels, acc[n * p.out_stride + o] = bias[o] + the sum over r, j of
  // p.x[n * p.pixel_stride + r * p.x_run_stride + j] times its weight (ConvWindows), exactly.
  // p.run_length is a multiple of 4. bias holds p.pitch int32 (64-byte aligned, zeros after
  // the channels).
  void (*conv_u8s8_i32)(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                        int32_t* acc);
  // values[i] = 1 / (1 + exp(-values[i])) in place, for i < n, within 4e-7 (absolute) of the
  // exact value; NaN stays NaN. Optional: null means inference's loop of expf (the reference).
  void (*sigmoid_f32)(float* values, uint32_t n);
  // dense_u8s8_i32 given each row's offsets, for the sets that shift the pixels into int8
  // and add the weights' share back (NEON), which would otherwise sum the weights on every
  // call. With W row o's sum of weights over its first in / 16 * 16 inputs and H the part of
  // it at inputs i with i % 16 >= 8, pairs[2o] = bias[o] + 128 W and pairs[2o + 1] =
  // bias[o] + 128 W - H (Model::weight_sums); the bias comes with them. The same bits.
  // Optional: null means dense_u8s8_i32 for every layer.
  void (*dense_u8s8_i32_summed)(const uint8_t* x, const int8_t* weights, const int32_t* pairs,
                                uint32_t in, uint32_t out, int32_t* acc);
  // softmax_f32 of `count` images at once: image m's n logits at logits + m * stride, its
  // probabilities to probabilities + m * n and its top class to top_classes[m] (if not null),
  // the same bits as softmax_f32 image by image. False, having written nothing, when some
  // image has a non-finite logit or the shape is not one it takes (the caller then goes image
  // by image). Optional: null means softmax_f32 per image.
  bool (*softmax_f32_batch)(const float* logits, size_t stride, uint32_t count, uint32_t n,
                            float* probabilities, uint32_t* top_classes);
};

// The set inference uses now.
const KernelSet& active_kernels();

// Every set compiled into this build, whether or not this CPU can run it, from the most
// portable (the reference first, when compiled in) to the fastest.
size_t kernel_count();
const KernelSet& kernel_at(size_t index);
bool kernel_runnable(const KernelSet& kernels);  // its required features are in cpu_features()

// The set inference picks on a CPU with `features`: the last one in kernel_at() order whose
// required features are all there; the first set if none is (a single-set build made for
// the CPU it then runs on). Inference uses best_kernels(cpu_features()).
inline const KernelSet& best_kernels(uint32_t features) {
  size_t best = 0;
  for (size_t i = 1; i < kernel_count(); ++i) {
    if ((kernel_at(i).required_features & ~features) == 0) best = i;
  }
  return kernel_at(best);
}

// Makes inference use the named set (for tests and benchmarks); "auto" restores the default.
// Not thread-safe against concurrent inference.
Status force_kernel(const char* name);

}  // namespace softedge

#endif  // SOFTEDGE_KERNELS_H
