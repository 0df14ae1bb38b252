#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "softedge/inference.h"

namespace {

// The textbook formula, in double: exp(x_i) / sum_j exp(x_j).
std::vector<double> textbook_softmax(const std::vector<float>& logits) {
  double sum = 0.0;
  for (float x : logits) sum += std::exp(static_cast<double>(x));
  std::vector<double> out;
  for (float x : logits) out.push_back(std::exp(static_cast<double>(x)) / sum);
  return out;
}

double total(const std::vector<float>& values) {
  double sum = 0.0;
  for (float v : values) sum += v;
  return sum;
}

}  // namespace

TEST_CASE("softmax matches the textbook formula on ordinary logits and sums to 1") {
  const std::vector<float> logits = {0.5f, -1.25f, 3.0f, 0.0f, 2.75f, -4.0f, 1.0f};
  std::vector<float> probabilities(logits.size());
  uint32_t top = 99;
  REQUIRE(softedge::softmax(logits.data(), logits.size(), probabilities.data(), &top));
  const std::vector<double> expected = textbook_softmax(logits);
  for (size_t i = 0; i < logits.size(); ++i) {
    CHECK(probabilities[i] == doctest::Approx(expected[i]).epsilon(1e-6));
  }
  CHECK(total(probabilities) == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(top == 2);
}

TEST_CASE("softmax stays finite and exact for logits of +-1e4") {
  // exp(1e4) overflows float and double: a naive softmax returns NaN here.
  const std::vector<float> logits = {1e4f, -1e4f, 1e4f - 1.0f, 0.0f};
  std::vector<float> probabilities(logits.size());
  uint32_t top = 99;
  REQUIRE(softedge::softmax(logits.data(), logits.size(), probabilities.data(), &top));
  for (float p : probabilities) CHECK(std::isfinite(p));
  const double e = std::exp(-1.0);
  CHECK(probabilities[0] == doctest::Approx(1.0 / (1.0 + e)).epsilon(1e-6));
  CHECK(probabilities[2] == doctest::Approx(e / (1.0 + e)).epsilon(1e-6));
  CHECK(probabilities[1] == 0.0f);
  CHECK(total(probabilities) == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(top == 0);

  const std::vector<float> all_low(5, -1e4f);
  std::vector<float> uniform(5);
  REQUIRE(softedge::softmax(all_low.data(), all_low.size(), uniform.data(), nullptr));
  for (float p : uniform) CHECK(p == doctest::Approx(0.2).epsilon(1e-6));
}

TEST_CASE("softmax rejects NaN and infinite logits with zeros") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (float bad : {nan, inf, -inf}) {
    const std::vector<float> logits = {1.0f, bad, 2.0f};
    std::vector<float> probabilities(3, 0.5f);
    uint32_t top = 7;
    CHECK_FALSE(softedge::softmax(logits.data(), 3, probabilities.data(), &top));
    CHECK(top == 0);
    for (float p : probabilities) CHECK(p == 0.0f);
  }
}
