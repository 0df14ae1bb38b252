// The pixel lookup table kernel (KernelSet::remap_pixels) of every set that has one against
// the scalar reference, and against the plain definition out[i] = table[pixels[i]]; sets
// without one (null) run the reference loop inside inference, tested end to end with the
// models that have a table.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "model_fixtures.h"
#include "softedge/kernels.h"

namespace {

// A table that is no simple function of the index: every one of its 256 entries matters.
std::vector<uint8_t> shuffled_table(uint32_t seed) {
  std::vector<uint8_t> table(256);
  fixtures::Values values(seed);
  for (uint8_t& t : table) t = static_cast<uint8_t>((values.next() + 1.0f) * 127.9f);
  return table;
}

}  // namespace

TEST_CASE("every set's remap_pixels applies the table like the reference, tails included") {
  const std::vector<uint8_t> table = shuffled_table(5);
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    if (kernels.remap_pixels == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no remap_pixels (inference runs "
              "the reference loop)");
      return;
    }
    for (uint32_t n : {0u, 1u, 15u, 16u, 63u, 64u, 65u, 127u, 128u, 200u, 784u, 1000u}) {
      INFO("kernel " << std::string(kernels.name) << " n " << n);
      std::vector<uint8_t> pixels = fixtures::pixels(n, n + 1);
      if (n >= 2) {  // both ends of the table
        pixels[0] = 0;
        pixels[1] = 255;
      }
      // Guard bytes after the output: a store past n would change them.
      std::vector<uint8_t> expected(n + 64, 0xA5), actual(n + 64, 0xA5);
      softedge::kernel_at(0).remap_pixels(pixels.data(), n, table.data(), expected.data());
      kernels.remap_pixels(pixels.data(), n, table.data(), actual.data());
      CHECK(actual == expected);
      for (uint32_t i = 0; i < n; ++i) REQUIRE(expected[i] == table[pixels[i]]);
      for (uint32_t i = n; i < n + 64; ++i) REQUIRE(actual[i] == 0xA5);
    }
    // Every pixel value, each in every position of a register.
    std::vector<uint8_t> all(256 * 3);
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i * 7 + i / 256);
    std::vector<uint8_t> out(all.size());
    kernels.remap_pixels(all.data(), static_cast<uint32_t>(all.size()), table.data(), out.data());
    for (size_t i = 0; i < all.size(); ++i) {
      INFO("kernel " << std::string(kernels.name) << " pixel " << int{all[i]});
      REQUIRE(out[i] == table[all[i]]);
    }
  });
}
