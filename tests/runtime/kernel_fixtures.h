// kernel_fixtures.h — run a check on every kernel set this CPU can run (doctest helpers).
#ifndef SOFTEDGE_TESTS_KERNEL_FIXTURES_H
#define SOFTEDGE_TESTS_KERNEL_FIXTURES_H

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "softedge/kernels.h"

namespace fixtures {

// The rows' offsets of KernelSet::dense_u8s8_i32_summed (and Model::weight_sums), from their
// definition: with W the sum of row o's weights over its first in / 16 * 16 inputs and H the
// part of it at inputs i with i % 16 >= 8, pair o is bias[o] + 128 W and bias[o] + 128 W - H.
inline std::vector<int32_t> weight_sum_pairs(const std::vector<int8_t>& w,
                                             const std::vector<int32_t>& bias, uint32_t in,
                                             uint32_t out) {
  std::vector<int32_t> pairs(2 * out, 0);
  for (uint32_t o = 0; o < out; ++o) {
    int32_t total = 0, high = 0;
    for (uint32_t i = 0; i < in / 16 * 16; ++i) {
      total += w[o * in + i];
      if (i % 16 >= 8) high += w[o * in + i];
    }
    pairs[2 * o] = bias[o] + 128 * total;
    pairs[2 * o + 1] = bias[o] + 128 * total - high;
  }
  return pairs;
}

// Calls check(kernels) for each runnable set (says which are skipped), and fails if none ran.
template <class Check>
void for_each_runnable(Check check) {
  size_t tested = 0;
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    if (!softedge::kernel_runnable(kernels)) {
      MESSAGE("kernel " << std::string(kernels.name) << " not runnable on this CPU: skipped");
      continue;
    }
    ++tested;
    check(kernels);
  }
  CHECK(tested >= 1);
}

// The same, with each set made the runtime's active one around check(); "auto" afterwards.
template <class Check>
void with_each_runnable_active(Check check) {
  for_each_runnable([&](const softedge::KernelSet& kernels) {
    REQUIRE(softedge::force_kernel(kernels.name) == softedge::Status::kOk);
    INFO("kernel " << std::string(kernels.name));
    check(kernels);
  });
  REQUIRE(softedge::force_kernel("auto") == softedge::Status::kOk);
}

}  // namespace fixtures

#endif
