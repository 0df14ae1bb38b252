// kernels_scalar.h — the reference kernels, also the float half of sets whose CPU has no
// float SIMD (the Cortex-M DSP set): plain loops, defined in kernels_scalar.cpp.
#ifndef SOFTEDGE_RUNTIME_KERNELS_SCALAR_H
#define SOFTEDGE_RUNTIME_KERNELS_SCALAR_H

#include <stdint.h>

#include "kernel_requirements.h"
#include "layer_modes.h"
#include "remap_pixels.h"
#include "softedge/kernels.h"

namespace softedge {
namespace detail {

void dense_f32_scalar(const float* x, const float* weights, const float* bias, uint32_t in,
                      uint32_t out, float* y);
void dense_u8_f32_scalar(const uint8_t* pixels, float scale, const float* weights,
                         const float* bias, uint32_t in, uint32_t out, float* y);
void dense_u8s8_i32_scalar(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                           uint32_t in, uint32_t out, int32_t* acc);
void pixels_to_f32_scalar(const uint8_t* pixels, uint32_t n, float scale, float bias,
                          float* out);
bool softmax_f32_scalar(const float* logits, uint32_t n, float* probabilities,
                        uint32_t* argmax);
void conv_f32_scalar(const ConvPixels& p, const float* bias, uint32_t channels, float* y);
// The reference of the direct int8 kernels (KernelSet::conv_u8s8_i32), for the tests: no set
// has it (see below).
void conv_u8s8_i32_scalar(const ConvPixelsU8& p, const int32_t* bias, uint32_t channels,
                          int32_t* acc);

}  // namespace detail
}  // namespace softedge

// A kernel set of the reference float kernels and softmax with this ISA's int8 kernel (the
// reference set itself, and cores whose only vector unit is integer: the Cortex-M sets), with
// the CPU features its row of the table (kernel_sets.h) gives it. Declared extern first: the
// table refers to it from kernel_registry.cpp.
#define SOFTEDGE_DEFINE_REFERENCE_FLOAT_KERNELS(variable, name, dense_u8s8)                  \
  extern const ::softedge::KernelSet variable;                                               \
  const ::softedge::KernelSet variable = {                                                   \
      name,                                                                                  \
      ::softedge::detail::required_features::variable,                                       \
      SOFTEDGE_FLOAT32_KERNEL(::softedge::detail::dense_f32_scalar),                         \
      SOFTEDGE_FUSED_PIXEL_KERNEL(::softedge::detail::dense_u8_f32_scalar),                  \
      SOFTEDGE_INT8_KERNEL(dense_u8s8),                                                      \
      SOFTEDGE_FLOAT32_KERNEL(::softedge::detail::pixels_to_f32_scalar),                     \
      ::softedge::detail::softmax_f32_scalar,                                                \
      ::softedge::detail::remap_pixels_loop,                                                 \
      nullptr, nullptr, nullptr, /* no batch kernels: inference calls the above per image */ \
      nullptr, /* requantize_u8: inference's own loop */                                     \
      SOFTEDGE_FLOAT_CONV_KERNEL(::softedge::detail::conv_f32_scalar),                        \
      nullptr, /* int8 convolutions: im2col and dense_u8s8 (conv_u8s8_i32_scalar, the direct */ \
               /* kernels' reference, takes 3.6 times as long without SIMD)                   */ \
      nullptr, /* sigmoid_f32: inference's loop of expf, the reference */                     \
      nullptr, /* dense_u8s8_i32_summed: the pixels stay uint8 */                           \
      nullptr} /* softmax_f32_batch: softmax_f32 per image */

#endif
