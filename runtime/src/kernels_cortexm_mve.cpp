// Cortex-M55 kernels ("cmmve"): the int8 dot products on the M-profile vector extension
// (Helium). Sixteen inputs per step: the uint8 inputs and int8 weights widened to 16 bits
// (even and odd lanes, VMOVLB/VMOVLT) and multiplied and summed across the vector into a
// scalar accumulator (VMLADAVA), exact in int32. Float layers and the softmax use the
// reference kernels.
#include <arm_mve.h>

#include "kernels_int8.h"
#include "kernels_scalar.h"

namespace softedge {
namespace detail {
namespace {

// Two rows at a time, sharing each widened input vector.
inline void dot_two_rows(const uint8_t* x, const int8_t* w0, const int8_t* w1, uint32_t in,
                         int32_t* sums) {
  int32_t acc0 = 0, acc1 = 0;
  uint32_t i = 0;
  for (; i + 16 <= in; i += 16) {
    const uint8x16_t xv = vld1q_u8(x + i);
    const int16x8_t x_even = vreinterpretq_s16_u16(vmovlbq_u8(xv));
    const int16x8_t x_odd = vreinterpretq_s16_u16(vmovltq_u8(xv));
    const int8x16_t w0v = vld1q_s8(w0 + i);
    acc0 = vmladavaq_s16(acc0, x_even, vmovlbq_s8(w0v));
    acc0 = vmladavaq_s16(acc0, x_odd, vmovltq_s8(w0v));
    const int8x16_t w1v = vld1q_s8(w1 + i);
    acc1 = vmladavaq_s16(acc1, x_even, vmovlbq_s8(w1v));
    acc1 = vmladavaq_s16(acc1, x_odd, vmovltq_s8(w1v));
  }
  sums[0] = acc0 + dot_tail(x, w0, i, in);
  sums[1] = acc1 + dot_tail(x, w1, i, in);
}

}  // namespace

SOFTEDGE_DEFINE_REFERENCE_FLOAT_KERNELS(kCortexMMveKernels, "cmmve",
                                        dense_u8s8_in_pairs<dot_two_rows>);

}  // namespace detail
}  // namespace softedge
