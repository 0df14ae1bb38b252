// Every compiled int8 kernel against the scalar reference: equal, bit for bit.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "model_fixtures.h"
#include "softedge/format.h"
#include "softedge/kernels.h"

namespace {

const softedge::KernelSet& scalar() { return softedge::kernel_at(0); }

struct Int8Case {
  std::vector<uint8_t> x;
  std::vector<int8_t> w;
  std::vector<int32_t> bias;
};

Int8Case random_case(uint32_t in, uint32_t out, uint32_t seed) {
  fixtures::Values values(seed);
  Int8Case c;
  for (uint32_t i = 0; i < in; ++i) c.x.push_back(static_cast<uint8_t>((values.next() + 1.0f) * 127.99f));
  for (uint32_t i = 0; i < in * out; ++i) c.w.push_back(static_cast<int8_t>(values.next() * 127.99f));
  for (uint32_t o = 0; o < out; ++o) c.bias.push_back(static_cast<int32_t>(values.next() * 1e6f));
  return c;
}

std::vector<int32_t> run(const softedge::KernelSet& kernels, const Int8Case& c, uint32_t in,
                         uint32_t out) {
  std::vector<int32_t> acc(out + 4, 0x5A5A5A5A);  // 4 more: none written
  kernels.dense_u8s8_i32(c.x.data(), c.w.data(), c.bias.data(), in, out, acc.data());
  CHECK(std::vector<int32_t>(acc.begin() + out, acc.end()) == std::vector<int32_t>(4, 0x5A5A5A5A));
  acc.resize(out);
  return acc;
}

// False (and the test says so) where no int8 layer mode is compiled in (SOFTEDGE_LAYER_MODES):
// the set's int8 kernel is then null, and there is nothing to check.
bool int8_compiled(const softedge::KernelSet& kernels) {
  if (kernels.dense_u8s8_i32 != nullptr) return true;
  MESSAGE("kernel set " << kernels.name << ": dense_u8s8_i32 not compiled in (no int8 layer "
          "mode, SOFTEDGE_LAYER_MODES): not checked");
  return false;
}

}  // namespace

TEST_CASE("the scalar int8 reference is the exact integer dot product plus bias") {
  if (!int8_compiled(scalar())) return;
  const uint8_t x[3] = {255, 1, 2};
  const int8_t w[6] = {-128, 127, 3, 1, -1, 0};
  const int32_t bias[2] = {10, -20};
  int32_t acc[2];
  scalar().dense_u8s8_i32(x, w, bias, 3, 2, acc);
  CHECK(acc[0] == 255 * -128 + 127 + 6 + 10);
  CHECK(acc[1] == 255 - 1 - 20);
}

TEST_CASE("every int8 kernel equals the scalar reference bit for bit") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (!int8_compiled(kernels)) return;
    for (uint32_t in : {1u, 4u, 7u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 784u, 1000u}) {
      for (uint32_t out : {1u, 2u, 3u, 9u, 10u, 11u, 20u, 21u}) {
        const Int8Case c = random_case(in, out, in * 1000 + out);
        INFO("kernel " << kernels.name << " in " << in << " out " << out);
        CHECK(run(kernels, c, in, out) == run(scalar(), c, in, out));
      }
    }
  });
}

std::vector<int32_t> run_summed(const softedge::KernelSet& kernels, const Int8Case& c,
                                uint32_t in, uint32_t out) {
  const std::vector<int32_t> pairs = fixtures::weight_sum_pairs(c.w, c.bias, in, out);
  std::vector<int32_t> acc(out, 0x5A5A5A5A);
  kernels.dense_u8s8_i32_summed(c.x.data(), c.w.data(), pairs.data(), in, out, acc.data());
  return acc;
}

TEST_CASE("every int8 kernel given the weight sums equals the scalar reference bit for bit") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.dense_u8s8_i32_summed == nullptr || !int8_compiled(scalar())) return;
    for (uint32_t in : {1u, 4u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 784u, 2000u}) {
      for (uint32_t out : {1u, 2u, 3u, 4u, 5u, 6u, 9u, 10u, 11u, 14u, 20u, 21u, 32u}) {
        const Int8Case c = random_case(in, out, in * 1000 + out + 7);
        INFO("kernel " << kernels.name << " in " << in << " out " << out);
        CHECK(run_summed(kernels, c, in, out) == run(scalar(), c, in, out));
      }
    }
  });
}

// pmaddubsw adds two uint8 x int8 products into a saturating int16: 255*127*2 = 64770 and
// 255*(-128)*2 = -65280 both overflow it. A kernel built on it would fail here.
// With the weight sums too, where a set takes them (the shifted pixels' extremes), and with
// the largest biases of the same sign the loader's overflow rule allows (format.h): the sums
// then reach -INT32_MAX, and the offsets that carry the bias (run_summed) must not overflow.
TEST_CASE("worst-case inputs: all pixels 255 with weights all +127, all -127 and all -128") {
  const uint32_t in = 784, out = 3;
  Int8Case c;
  c.x.assign(in, 255);
  c.w.insert(c.w.end(), in, 127);
  c.w.insert(c.w.end(), in, -127);
  c.w.insert(c.w.end(), in, -128);
  if (!int8_compiled(scalar())) return;
  const int32_t limit = static_cast<int32_t>(INT32_MAX - in * softedge::format::kMaxInt8Product);
  for (int32_t bias : {0, limit}) {
    c.bias = {bias, -bias, -bias};
    const std::vector<int32_t> expected = {bias + 784 * 255 * 127, -bias - 784 * 255 * 127,
                                           -bias - 784 * 255 * 128};
    INFO("bias " << bias);
    CHECK(run(scalar(), c, in, out) == expected);
    fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
      INFO("kernel " << kernels.name);
      CHECK(run(kernels, c, in, out) == expected);
      if (kernels.dense_u8s8_i32_summed != nullptr) {
        CHECK(run_summed(kernels, c, in, out) == expected);
      }
    });
  }
  CHECK(-limit - 784 * 255 * 128 == -INT32_MAX);  // the rule's own edge
}

TEST_CASE("int8 kernels read no byte past the input or the weights") {
  // Tails are handled by scalar code or masked loads: exact-size heap blocks let ASan see
  // any overread; without ASan the test still checks results on odd sizes.
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (!int8_compiled(kernels)) return;
    for (uint32_t in : {5u, 47u, 79u}) {
      const Int8Case c = random_case(in, 3, in);
      std::vector<uint8_t> x(c.x);
      std::vector<int8_t> w(c.w);
      std::vector<int32_t> acc(3);
      kernels.dense_u8s8_i32(x.data(), w.data(), c.bias.data(), in, 3, acc.data());
      INFO("kernel " << kernels.name << " in " << in);
      CHECK(acc == run(scalar(), c, in, 3));
    }
  });
}
