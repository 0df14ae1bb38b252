// The softmax of every set against the scalar reference (expf): within 1e-6 relative on
// random and extreme logits, the same top class, the same refusal of NaN and infinities.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "model_fixtures.h"
#include "softedge/kernels.h"

namespace {

// 1e-6 relative, plus FLT_MIN absolute: below the smallest normal float, expf returns
// denormals where a polynomial exp may flush to zero (a class 87 below the top one).
void check_close_to_reference(const softedge::KernelSet& kernels,
                              const std::vector<float>& logits) {
  const uint32_t n = static_cast<uint32_t>(logits.size());
  std::vector<float> expected(n), actual(n + 4, -1.0f);  // 4 more: none written
  uint32_t expected_top = 99, actual_top = 98;
  REQUIRE(softedge::kernel_at(0).softmax_f32(logits.data(), n, expected.data(), &expected_top));
  REQUIRE(kernels.softmax_f32(logits.data(), n, actual.data(), &actual_top));
  CHECK(actual_top == expected_top);
  CHECK(std::count(actual.begin() + n, actual.end(), -1.0f) == 4);
  for (uint32_t i = 0; i < n; ++i) {
    INFO("class " << i << " of " << n << ": " << actual[i] << " vs " << expected[i]);
    CHECK(std::fabs(actual[i] - expected[i]) <= 1e-6 * expected[i] + FLT_MIN);
  }
}

}  // namespace

TEST_CASE("every set's softmax is within 1e-6 relative of the reference, same top class") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    // Every register count and last-register fill of the register paths (up to 16), then more.
    for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 10u, 12u, 13u, 15u, 16u, 17u, 31u, 32u, 33u,
                       100u}) {
      for (float spread : {0.01f, 1.0f, 10.0f, 60.0f, 200.0f}) {
        INFO("kernel " << std::string(kernels.name) << " n " << n << " spread " << spread);
        fixtures::Values values(n * 31 + static_cast<uint32_t>(spread));
        std::vector<float> logits(n);
        for (float& v : logits) v = values.next() * spread;
        check_close_to_reference(kernels, logits);
        // Ties: the first of equal maxima wins on every set.
        std::vector<float> tied = logits;
        tied[n / 3] = tied[n - 1] = 1000.0f;
        check_close_to_reference(kernels, tied);
      }
    }
  });
}

TEST_CASE("every set's softmax on extreme logits: huge, tiny, lowest float, all equal") {
  const std::vector<std::vector<float>> cases = {
      {1e4f, -1e4f, 1e4f - 1.0f, 0.0f},
      {FLT_MAX, -FLT_MAX, 0.0f, FLT_MAX},
      {-FLT_MAX, -FLT_MAX, -FLT_MAX},
      {1e-30f, -1e-30f, 0.0f, 1e-38f, -1e-45f},
      {0.0f, -80.0f, -86.0f, -87.5f, -88.0f, -90.0f, -103.0f, -104.0f, -200.0f, 1.0f},
      std::vector<float>(10, 3.5f),
      std::vector<float>(16, -2.0f),
      std::vector<float>(17, 88.0f),
      {-0.0f, 0.0f, -3.0f},  // -0 and +0 are equal: the first is the top class
      {-1.0f, 0.0f, -0.0f, -2.0f},
  };
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    for (size_t c = 0; c < cases.size(); ++c) {
      INFO("kernel " << std::string(kernels.name) << " case " << c);
      check_close_to_reference(kernels, cases[c]);
    }
  });
}

TEST_CASE("every set's softmax refuses NaN and infinities as the reference does") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    for (uint32_t n : {1u, 9u, 10u, 16u, 17u, 40u}) {
      for (uint32_t at : {0u, n / 2, n - 1}) {
        for (float bad : {NAN, -NAN, INFINITY, -INFINITY}) {
          INFO("kernel " << std::string(kernels.name) << " n " << n << " at " << at);
          std::vector<float> logits(n, 1.0f), expected(n, 0.5f), actual(n, 0.5f);
          logits[at] = bad;
          uint32_t expected_top = 7, actual_top = 8;
          const bool reference_ok =
              softedge::kernel_at(0).softmax_f32(logits.data(), n, expected.data(), &expected_top);
          CHECK_FALSE(reference_ok);
          CHECK(kernels.softmax_f32(logits.data(), n, actual.data(), &actual_top) == reference_ok);
          CHECK(actual_top == expected_top);
          CHECK(actual == expected);
        }
      }
    }
  });
}

namespace {

// softmax_f32_batch on `count` images of n logits, `stride` apart, against softmax_f32 image by
// image on the same set: the same bits and the same top classes.
void check_batch_equals_single(const softedge::KernelSet& kernels, const std::vector<float>& logits,
                               size_t stride, uint32_t count, uint32_t n) {
  std::vector<float> expected(count * n), actual(count * n + 3, -1.0f);
  std::vector<uint32_t> expected_top(count), actual_top(count + 1, 99);
  for (uint32_t m = 0; m < count; ++m) {
    REQUIRE(kernels.softmax_f32(logits.data() + m * stride, n, expected.data() + m * n,
                                &expected_top[m]));
  }
  REQUIRE(kernels.softmax_f32_batch(logits.data(), stride, count, n, actual.data(),
                                    actual_top.data()));
  for (uint32_t i = 0; i < count * n; ++i) {
    INFO("image " << i / n << " class " << i % n);
    CHECK(actual[i] == expected[i]);
  }
  CHECK(std::vector<uint32_t>(actual_top.begin(), actual_top.begin() + count) == expected_top);
  CHECK(actual[count * n] == -1.0f);  // nothing past the last image's probabilities
  CHECK(actual_top[count] == 99);     // nor past its top class
}

}  // namespace

TEST_CASE("every set's batch softmax gives softmax_f32's bits, image by image") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.softmax_f32_batch == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no batch softmax");
      return;
    }
    for (uint32_t n : {1u, 2u, 5u, 8u, 9u, 10u, 15u, 16u}) {
      for (uint32_t count : {1u, 2u, 7u, 15u, 16u}) {
        for (float spread : {0.01f, 10.0f, 200.0f}) {
          INFO("kernel " << std::string(kernels.name) << " n " << n << " images " << count
                         << " spread " << spread);
          const size_t stride = n + 3;
          fixtures::Values values(n * 131 + count * 7 + static_cast<uint32_t>(spread));
          std::vector<float> logits(stride * count);
          for (float& v : logits) v = values.next() * spread;
          check_batch_equals_single(kernels, logits, stride, count, n);
          // Ties (the first of equal maxima), all equal, and extremes, in some images.
          for (uint32_t m = 0; m < count; m += 3) {
            float* image = logits.data() + m * stride;
            image[n / 2] = image[n - 1] = 1000.0f;
            if (m % 2 == 1) std::fill(image, image + n, -FLT_MAX);
          }
          for (uint32_t m = 1; m < count; m += 3) {  // a top of -0 and +0, in either order
            float* image = logits.data() + m * stride;
            for (uint32_t c = 0; c < n; ++c) image[c] = -std::fabs(image[c]) - 1.0f;
            image[0] = m % 2 == 1 ? -0.0f : 0.0f;
            image[n - 1] = m % 2 == 1 ? 0.0f : -0.0f;
          }
          check_batch_equals_single(kernels, logits, stride, count, n);
        }
      }
    }
  });
}

TEST_CASE("a batch softmax with a non-finite logit, or a shape it does not take, writes nothing") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.softmax_f32_batch == nullptr) return;
    INFO("kernel " << std::string(kernels.name));
    const uint32_t n = 10, count = 16;
    for (uint32_t at : {0u, 5u * n + 3u, count * n - 1u}) {
      for (float bad : {NAN, INFINITY, -INFINITY}) {
        std::vector<float> logits(count * n, 1.0f), probabilities(count * n, 0.25f);
        std::vector<uint32_t> top(count, 7);
        logits[at] = bad;
        CHECK_FALSE(kernels.softmax_f32_batch(logits.data(), n, count, n, probabilities.data(),
                                              top.data()));
        CHECK(probabilities == std::vector<float>(count * n, 0.25f));
        CHECK(top == std::vector<uint32_t>(count, 7));
      }
    }
    std::vector<float> logits(17 * 17, 1.0f), probabilities(17 * 17, 0.25f);
    CHECK_FALSE(kernels.softmax_f32_batch(logits.data(), 17, 1, 17, probabilities.data(),
                                          nullptr));  // 17 classes
    CHECK_FALSE(kernels.softmax_f32_batch(logits.data(), 17, 17, 10, probabilities.data(),
                                          nullptr));  // 17 images
    CHECK_FALSE(kernels.softmax_f32_batch(logits.data(), 17, 0, 10, probabilities.data(),
                                          nullptr));  // none
    CHECK(probabilities == std::vector<float>(17 * 17, 0.25f));
  });
}
