// kernels_xsimd.h — kernel bodies written once with xsimd, instantiated per instruction set.
//
// Include this from exactly one translation unit per ISA, compiled with that ISA's flags,
// then define the set with SOFTEDGE_DEFINE_XSIMD_KERNELS. Everything here has internal
// linkage (anonymous namespace): the AVX-512 instantiation must never be merged with, and
// picked by the linker in place of, the SSE2 one.
#ifndef SOFTEDGE_RUNTIME_KERNELS_XSIMD_H
#define SOFTEDGE_RUNTIME_KERNELS_XSIMD_H

#include <xsimd/xsimd.hpp>

#include "kernel_sets.h"

namespace softedge {
namespace detail {
namespace {

// xsimd 8 calls the horizontal sum hadd; 9.0 renamed it reduce_add with no alias.
template <class Arch>
inline float horizontal_sum(const xsimd::batch<float, Arch>& v) {
  return xsimd::hadd(v);
}

// ROWS output rows at once: each chunk of x is loaded once and reused ROWS times, and ROWS
// independent accumulators hide the FMA latency.
template <class Arch, uint32_t ROWS>
inline void dense_rows(const float* x, const float* weights, const float* bias, uint32_t in,
                       float* y) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);
  batch acc[ROWS];
  for (uint32_t r = 0; r < ROWS; ++r) acc[r] = batch(0.0f);
  uint32_t i = 0;
  for (; i + kLanes <= in; i += kLanes) {
    const batch xv = batch::load_unaligned(x + i);
    for (uint32_t r = 0; r < ROWS; ++r) {
      acc[r] = xsimd::fma(batch::load_unaligned(weights + static_cast<size_t>(r) * in + i), xv,
                          acc[r]);
    }
  }
  for (uint32_t r = 0; r < ROWS; ++r) {
    float sum = horizontal_sum(acc[r]);
    const float* row = weights + static_cast<size_t>(r) * in;
    for (uint32_t j = i; j < in; ++j) sum += row[j] * x[j];
    y[r] = sum + bias[r];
  }
}

template <class Arch>
void dense_f32_xsimd(const float* x, const float* weights, const float* bias, uint32_t in,
                     uint32_t out, float* y) {
  constexpr uint32_t kBlock = 10;  // 10 accumulators fit the 16 registers of SSE2/AVX2
  uint32_t o = 0;
  for (; o + kBlock <= out; o += kBlock) {
    dense_rows<Arch, kBlock>(x, weights + static_cast<size_t>(o) * in, bias + o, in, y + o);
  }
  const float* w = weights + static_cast<size_t>(o) * in;
  switch (out - o) {
    case 0: break;
    case 1: dense_rows<Arch, 1>(x, w, bias + o, in, y + o); break;
    case 2: dense_rows<Arch, 2>(x, w, bias + o, in, y + o); break;
    case 3: dense_rows<Arch, 3>(x, w, bias + o, in, y + o); break;
    case 4: dense_rows<Arch, 4>(x, w, bias + o, in, y + o); break;
    case 5: dense_rows<Arch, 5>(x, w, bias + o, in, y + o); break;
    case 6: dense_rows<Arch, 6>(x, w, bias + o, in, y + o); break;
    case 7: dense_rows<Arch, 7>(x, w, bias + o, in, y + o); break;
    case 8: dense_rows<Arch, 8>(x, w, bias + o, in, y + o); break;
    default: dense_rows<Arch, 9>(x, w, bias + o, in, y + o); break;
  }
}

// A plain loop: the compiler vectorizes it for the ISA this file is built for.
void pixels_to_f32_auto(const uint8_t* pixels, uint32_t n, float scale, float bias,
                        float* out) {
  for (uint32_t i = 0; i < n; ++i) out[i] = static_cast<float>(pixels[i]) * scale + bias;
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#define SOFTEDGE_DEFINE_XSIMD_KERNELS(variable, name, arch) \
  const ::softedge::KernelSet variable = {                   \
      name, ::softedge::detail::dense_f32_xsimd<arch>, ::softedge::detail::pixels_to_f32_auto}

#endif
