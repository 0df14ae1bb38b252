// Every compiled kernel set against the scalar reference, on shapes that hit every tail.
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

const softedge::KernelSet& scalar() { return softedge::kernel_at(0); }

// Reordered float sums differ from the sequential reference by at most a few ulps of the
// sum of |terms|; 1e-5 relative to that (plus a tiny absolute floor) is a loose but real
// bound: a dropped or doubled term would exceed it by orders of magnitude.
void check_dense(const softedge::KernelSet& kernels, uint32_t in, uint32_t out) {
  fixtures::Values values(in * 131 + out);
  std::vector<float> x(in), w(size_t{in} * out), b(out);
  for (float& v : x) v = values.next();
  for (float& v : w) v = values.next();
  for (float& v : b) v = values.next();
  std::vector<float> expected(out), actual(out + 4, -12345.0f);  // 4 more: none written
  scalar().dense_f32(x.data(), w.data(), b.data(), in, out, expected.data());
  kernels.dense_f32(x.data(), w.data(), b.data(), in, out, actual.data());
  CHECK(std::count(actual.begin() + out, actual.end(), -12345.0f) == 4);
  for (uint32_t o = 0; o < out; ++o) {
    double magnitude = std::fabs(b[o]);
    for (uint32_t i = 0; i < in; ++i) magnitude += std::fabs(double{w[size_t{o} * in + i]} * x[i]);
    INFO("kernel " << kernels.name << " in " << in << " out " << out << " row " << o);
    CHECK(std::fabs(actual[o] - expected[o]) <= 1e-5 * magnitude + 1e-7);
  }
}

// The same bound for the fused pixel kernel, against the scalar reference of that kernel.
void check_dense_u8(const softedge::KernelSet& kernels, uint32_t in, uint32_t out) {
  fixtures::Values values(in * 7 + out);
  std::vector<uint8_t> pixels(in);
  std::vector<float> w(size_t{in} * out), b(out);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>((values.next() + 1.0f) * 127.9f);
  for (float& v : w) v = values.next();
  for (float& v : b) v = values.next();
  const float scale = 1.0f / 255.0f;
  std::vector<float> expected(out), actual(out + 4, -12345.0f);  // 4 more: none written
  scalar().dense_u8_f32(pixels.data(), scale, w.data(), b.data(), in, out, expected.data());
  kernels.dense_u8_f32(pixels.data(), scale, w.data(), b.data(), in, out, actual.data());
  CHECK(std::count(actual.begin() + out, actual.end(), -12345.0f) == 4);
  for (uint32_t o = 0; o < out; ++o) {
    double magnitude = std::fabs(b[o]);
    for (uint32_t i = 0; i < in; ++i) magnitude += std::fabs(double{w[size_t{o} * in + i]} * pixels[i] * scale);
    INFO("kernel " << kernels.name << " in " << in << " out " << out << " row " << o);
    CHECK(std::fabs(actual[o] - expected[o]) <= 1e-5 * magnitude + 1e-7);
  }
}

void check_softmax(const softedge::KernelSet& kernels, uint32_t n) {
  fixtures::Values values(n);
  std::vector<float> logits(n);
  for (float& v : logits) v = values.next() * 30.0f;
  logits[n / 2] = 40.0f;  // a known largest logit
  std::vector<float> expected(n), actual(n, -1.0f);
  uint32_t expected_top = 99, actual_top = 99;
  REQUIRE(scalar().softmax_f32(logits.data(), n, expected.data(), &expected_top));
  REQUIRE(kernels.softmax_f32(logits.data(), n, actual.data(), &actual_top));
  INFO("kernel " << kernels.name << " n " << n);
  CHECK(expected_top == n / 2);
  CHECK(actual_top == expected_top);
  for (uint32_t i = 0; i < n; ++i) CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(1e-5));

  // All logits at the lowest float: padding lanes must not count as extra classes.
  std::vector<float> lowest(n, -FLT_MAX), uniform(n);
  REQUIRE(kernels.softmax_f32(lowest.data(), n, uniform.data(), &actual_top));
  for (float p : uniform) CHECK(p == doctest::Approx(1.0 / n).epsilon(1e-6));

  // NaN or infinity anywhere, in a full register or in the partial last one.
  for (uint32_t bad_at : {0u, n / 2, n - 1}) {
    for (float bad : {NAN, INFINITY, -INFINITY}) {
      std::vector<float> spoiled = logits, out(n, 0.5f);
      spoiled[bad_at] = bad;
      uint32_t top = 99;
      CHECK_FALSE(kernels.softmax_f32(spoiled.data(), n, out.data(), &top));
      CHECK(top == 0);
      CHECK(std::count(out.begin(), out.end(), 0.0f) == static_cast<long>(n));
    }
  }
}

}  // namespace

TEST_CASE("the scalar reference computes the textbook dense layer") {
  if (scalar().dense_f32 == nullptr) {
    MESSAGE("skipped: the float32 layer mode is not compiled in (SOFTEDGE_LAYER_MODES)");
    return;
  }
  const float x[3] = {1.0f, 2.0f, 3.0f};
  const float w[6] = {1.0f, 0.0f, -1.0f, 0.5f, 0.25f, 2.0f};
  const float b[2] = {10.0f, -1.0f};
  float y[2];
  scalar().dense_f32(x, w, b, 3, 2, y);
  CHECK(y[0] == 8.0f);   // 1 - 3 + 10
  CHECK(y[1] == 6.0f);   // 0.5 + 0.5 + 6 - 1
  CHECK(std::string(scalar().name) == "scalar");
}

TEST_CASE("every runnable kernel set matches the scalar reference") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 8u, 10u, 15u, 16u, 17u, 33u, 1000u}) {
      check_softmax(kernels, n);
    }
    // A member is null where no compiled layer mode calls it (SOFTEDGE_LAYER_MODES; the fused
    // pixel layer also in size-first builds): nothing to check then, and the test says so.
    if (kernels.dense_u8_f32 == nullptr) {
      MESSAGE("kernel set " << kernels.name << ": dense_u8_f32 not compiled in (no float32 "
              "layer mode, or a size-first build): not checked");
    }
    if (kernels.dense_f32 == nullptr) {
      MESSAGE("kernel set " << kernels.name << ": dense_f32 and pixels_to_f32 not compiled in "
              "(no float32 layer mode, SOFTEDGE_LAYER_MODES): not checked");
      return;
    }
    for (uint32_t in : {1u, 3u, 4u, 7u, 8u, 15u, 16u, 17u, 31u, 33u, 64u, 100u, 784u, 1000u}) {
      for (uint32_t out : {1u, 2u, 5u, 9u, 10u, 11u, 19u, 20u, 33u}) {
        check_dense(kernels, in, out);
        if (kernels.dense_u8_f32 != nullptr) check_dense_u8(kernels, in, out);
      }
    }

    // Preprocessing: p * scale + bias. One FMA rounding versus two: within 1 ulp-ish.
    std::vector<uint8_t> pixels(797);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 37 + 11);
    std::vector<float> expected(pixels.size()), actual(pixels.size());
    scalar().pixels_to_f32(pixels.data(), 797, 1.0f / 255.0f, -0.5f, expected.data());
    kernels.pixels_to_f32(pixels.data(), 797, 1.0f / 255.0f, -0.5f, actual.data());
    for (size_t i = 0; i < pixels.size(); ++i) {
      CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(1e-6));
    }
    // With bias 0 (the trainer's scaling) both are one rounding of p * scale: identical.
    scalar().pixels_to_f32(pixels.data(), 797, 1.0f / 255.0f, 0.0f, expected.data());
    kernels.pixels_to_f32(pixels.data(), 797, 1.0f / 255.0f, 0.0f, actual.data());
    CHECK(actual == expected);
  });
}

TEST_CASE("kernels can be listed, forced and restored") {
  using softedge::Status;
  CHECK(softedge::force_kernel("no-such-isa") == Status::kUnknownKernel);
  CHECK(softedge::force_kernel(nullptr) == Status::kNullArgument);
  REQUIRE(softedge::force_kernel("scalar") == Status::kOk);
  CHECK(std::string(softedge::active_kernels().name) == "scalar");
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    const softedge::KernelSet& kernels = softedge::kernel_at(k);
    const Status status = softedge::force_kernel(kernels.name);
    if (softedge::kernel_runnable(kernels)) {
      CHECK(status == Status::kOk);
      CHECK(&softedge::active_kernels() == &kernels);
    } else {
      CHECK(status == Status::kKernelUnavailable);
    }
  }
  REQUIRE(softedge::force_kernel("auto") == Status::kOk);
  // "auto" picks the last (fastest) runnable set.
  const softedge::KernelSet* best = &softedge::kernel_at(0);
  for (size_t k = 0; k < softedge::kernel_count(); ++k) {
    if (softedge::kernel_runnable(softedge::kernel_at(k))) best = &softedge::kernel_at(k);
  }
  CHECK(&softedge::active_kernels() == best);
}
