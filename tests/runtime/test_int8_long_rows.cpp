// int8 kernels on rows long enough to cross the NEON kernels' narrow partial sums (weight sums
// in int16, flushed every 124 steps of 16 inputs) and on extreme values, in blocks of 10 rows
// and the smaller blocks: bit for bit the scalar reference.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "kernel_fixtures.h"
#include "softedge/kernels.h"

namespace {

// Pixel i of pattern p, and weight i of row r: extremes (0, 255; -128, 127) in runs, mixed.
uint8_t pixel(uint32_t pattern, uint32_t i) {
  switch (pattern) {
    case 0: return 255;
    case 1: return 0;
    default: return static_cast<uint8_t>(i % 3 == 0 ? 255 : i * 97);
  }
}

int8_t weight(uint32_t r, uint32_t i) {
  switch (r % 4) {
    case 0: return -128;
    case 1: return 127;
    case 2: return static_cast<int8_t>(i % 2 == 0 ? -128 : 127);
    default: return static_cast<int8_t>(i * 31 + r);
  }
}

}  // namespace

TEST_CASE("int8 kernels stay exact on long rows of extreme values") {
  const softedge::KernelSet& scalar = softedge::kernel_at(0);
  if (scalar.dense_u8s8_i32 == nullptr) {
    MESSAGE("no int8 layer mode compiled in (SOFTEDGE_LAYER_MODES): not checked");
    return;
  }
  for (uint32_t in : {2032u, 2048u, 2049u, 2064u, 4111u}) {
    for (uint32_t out : {10u, 15u}) {
      for (uint32_t pattern = 0; pattern < 3; ++pattern) {
        std::vector<uint8_t> x(in);
        std::vector<int8_t> w(static_cast<size_t>(in) * out);
        std::vector<int32_t> bias(out, -7);
        for (uint32_t i = 0; i < in; ++i) x[i] = pixel(pattern, i);
        for (uint32_t r = 0; r < out; ++r) {
          for (uint32_t i = 0; i < in; ++i) w[static_cast<size_t>(r) * in + i] = weight(r, i);
        }
        std::vector<int32_t> expected(out), actual(out);
        scalar.dense_u8s8_i32(x.data(), w.data(), bias.data(), in, out, expected.data());
        fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
          INFO("kernel " << kernels.name << " in " << in << " out " << out << " pattern "
                         << pattern);
          kernels.dense_u8s8_i32(x.data(), w.data(), bias.data(), in, out, actual.data());
          CHECK(actual == expected);
        });
      }
    }
  }
}
