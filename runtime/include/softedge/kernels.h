// softedge/kernels.h — the compute kernels behind inference, one set per instruction set.
//
// Every set has the same functions; "scalar" is the portable reference (and the oracle the
// tests hold every other set to). On x86 the best set this CPU *and* OS support is picked
// at first use; on ARM, NEON is chosen at compile time and the aarch64 dot-product set at
// first use when the kernel reports it (HWCAP_ASIMDDP, Linux). Tests and benchmarks list
// the sets and force one by name.
#ifndef SOFTEDGE_KERNELS_H
#define SOFTEDGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/status.h"

namespace softedge {

struct KernelSet {
  const char* name;  // scalar, sse2, avx2, avx512, avx512vnni, neon (armv7), neon64, neon64dot
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
};

// The set inference uses now.
const KernelSet& active_kernels();

// Every set compiled into this build, whether or not this CPU can run it.
size_t kernel_count();
const KernelSet& kernel_at(size_t index);
bool kernel_runnable(const KernelSet& kernels);  // CPU and OS support it

// Makes inference use the named set (for tests and benchmarks); "auto" restores the default.
// Not thread-safe against concurrent inference.
Status force_kernel(const char* name);

}  // namespace softedge

#endif  // SOFTEDGE_KERNELS_H
