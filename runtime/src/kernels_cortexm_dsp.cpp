// Cortex-M4/M7 kernels ("cmdsp"): the int8 dot products on the DSP extension's dual 16-bit
// multiply-accumulate (SMLAD), as CMSIS-NN does; float layers and the softmax use the
// reference kernels (these cores have a scalar FPU only).
#include <arm_acle.h>
#include <string.h>

#include "kernels_int8.h"
#include "kernels_scalar.h"

namespace softedge {
namespace detail {
namespace {

inline uint32_t load_word(const void* p) {
  uint32_t word;
  memcpy(&word, p, sizeof word);  // one unaligned word load (M4/M7 allow it)
  return word;
}

// Bytes 1 and 3 of a word widened into 16-bit halves, with the rotation folded into the
// instruction (ACLE has no form of it; GCC would emit a separate rotate).
inline int16x2_t sxtb16_ror8(uint32_t v) {
  int16x2_t result;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(v));
  return result;
}
inline int16x2_t uxtb16_ror8(uint32_t v) {
  int16x2_t result;
  __asm__("uxtb16 %0, %1, ror #8" : "=r"(result) : "r"(v));
  return result;
}

// acc += x . w over four inputs: bytes 0 and 2, then 1 and 3, widened into 16-bit halves
// (UXTB16 for the uint8 inputs, SXTB16 for the int8 weights) and multiplied pairwise by
// SMLAD. Each product fits 16 x 16 -> 32 bits exactly; the loader rules out int32 overflow.
inline int32_t smlad4(int16x2_t x_even, int16x2_t x_odd, uint32_t w, int32_t acc) {
  acc = __smlad(x_even, __sxtb16(static_cast<int8x4_t>(w)), acc);
  return __smlad(x_odd, sxtb16_ror8(w), acc);
}

// Two rows at a time: each input word is unpacked once for both, and both sums stay in
// registers (the core has 13 general registers: more rows would spill).
inline void dot_two_rows(const uint8_t* x, const int8_t* w0, const int8_t* w1, uint32_t in,
                         int32_t* sums) {
  int32_t acc0 = 0, acc1 = 0;
  uint32_t i = 0;
  for (; i + 4 <= in; i += 4) {
    const uint32_t xs = load_word(x + i);
    const int16x2_t x_even = static_cast<int16x2_t>(__uxtb16(xs));
    const int16x2_t x_odd = uxtb16_ror8(xs);
    acc0 = smlad4(x_even, x_odd, load_word(w0 + i), acc0);
    acc1 = smlad4(x_even, x_odd, load_word(w1 + i), acc1);
  }
  sums[0] = acc0 + dot_tail(x, w0, i, in);
  sums[1] = acc1 + dot_tail(x, w1, i, in);
}

}  // namespace

SOFTEDGE_DEFINE_REFERENCE_FLOAT_KERNELS(kCortexMDspKernels, "cmdsp",
                                        dense_u8s8_in_pairs<dot_two_rows>);

}  // namespace detail
}  // namespace softedge
