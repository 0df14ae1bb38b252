// The int8 kernel of every compiled set against the scalar reference, on layers the test
// builds: reproducible random bytes, the extremes (255 x -128, 255 x 127), and every input
// length from 1 to 40 (each tail of the 4-byte steps) and 784, for 1 to 11 outputs (each row
// block). Integer sums are exact, so the bits must agree.
#include "kernel_check.h"

#include <stdint.h>

#include <softedge/kernels.h>

#include "semihosting.h"

namespace {

constexpr uint32_t kMaxIn = 784, kMaxOut = 11;
uint8_t g_inputs[kMaxIn];
int8_t g_weights[kMaxIn * kMaxOut];
int32_t g_bias[kMaxOut], g_expected[kMaxOut], g_got[kMaxOut];

uint32_t g_state = 12345;
uint32_t next_random() {
  g_state = g_state * 1664525u + 1013904223u;
  return g_state >> 8;
}

// pattern 0: random; 1: all 255 x -128; 2: all 255 x 127.
void fill(int pattern) {
  for (uint32_t i = 0; i < kMaxIn; ++i) g_inputs[i] = pattern == 0 ? next_random() & 0xFF : 255;
  for (uint32_t i = 0; i < kMaxIn * kMaxOut; ++i) {
    g_weights[i] = pattern == 0 ? static_cast<int8_t>(next_random() & 0xFF)
                                : static_cast<int8_t>(pattern == 1 ? -128 : 127);
  }
  for (uint32_t o = 0; o < kMaxOut; ++o) g_bias[o] = static_cast<int32_t>(next_random() % 2001) - 1000;
}

}  // namespace

extern "C" int kernel_check(void) {
  const softedge::KernelSet& reference = softedge::kernel_at(0);
  // A build without the int8 layer modes (SOFTEDGE_LAYER_MODES) has no int8 kernel.
  if (reference.dense_u8s8_i32 == nullptr) {
    semihosting_write("int8 kernels: not compiled in (SOFTEDGE_LAYER_MODES), not checked\n");
    return 1;
  }
  int all_equal = 1;
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    uint32_t cases = 0, differing = 0;
    for (int pattern = 0; pattern < 3; ++pattern) {
      fill(pattern);
      for (uint32_t in = 1; in <= kMaxIn; in = in == 40 ? kMaxIn : in + 1) {
        for (uint32_t out = 1; out <= kMaxOut; ++out) {
          reference.dense_u8s8_i32(g_inputs, g_weights, g_bias, in, out, g_expected);
          kernels.dense_u8s8_i32(g_inputs, g_weights, g_bias, in, out, g_got);
          ++cases;
          for (uint32_t o = 0; o < out; ++o) differing += g_got[o] != g_expected[o];
        }
      }
    }
    semihosting_write("int8 kernel ");
    semihosting_write(kernels.name);
    semihosting_write(" vs ");
    semihosting_write(reference.name);
    semihosting_write(": ");
    semihosting_write_uint(cases);
    semihosting_write(differing == 0 ? " layers, identical\n" : " layers, MISMATCH\n");
    if (differing != 0) all_equal = 0;
  }
  return all_equal;
}
