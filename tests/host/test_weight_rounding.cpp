// Weight rounding on calibration statistics (host/weight_rounding.h): never worse than
// nearest rounding on the error it minimises, and the same as nearest when inputs do not
// correlate (then each weight's error stands alone).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "softedge/host/weight_rounding.h"
#include "softedge/train/rng.h"

namespace host = softedge::host;

namespace {

double output_error(const std::vector<float>& w, float scale, const std::vector<int8_t>& q,
                    const std::vector<double>& c) {
  const size_t n = w.size();
  double e = 0.0;
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      e += (w[a] - double{scale} * q[a]) * c[a * n + b] * (w[b] - double{scale} * q[b]);
    }
  }
  return e;
}

std::vector<float> random_row(uint32_t n, uint64_t seed) {
  softedge::train::Rng rng(seed);
  std::vector<float> w(n);
  for (float& v : w) v = static_cast<float>(rng.next_normal());
  w[n / 2] = 6.0f;  // one outlier: the plain scale wastes most steps on it
  return w;
}

}  // namespace

TEST_CASE("weight rounding: uncorrelated inputs give nearest rounding at the chosen scale") {
  const uint32_t n = 40;
  std::vector<double> c(n * n, 0.0);
  for (uint32_t i = 0; i < n; ++i) c[i * n + i] = 1.0 + i % 3;  // different variances
  const std::vector<float> w = random_row(n, 1);
  std::vector<int8_t> q(n), nearest(n);
  host::RowRounder rounder(c.data(), n);
  const float scale = rounder.round(w.data(), q.data());
  REQUIRE(scale > 0.0f);
  for (uint32_t i = 0; i < n; ++i) {
    const double exact = w[i] / double{scale};
    CHECK(std::fabs(exact - q[i]) <= 0.5 + 1e-6 + std::max(0.0, std::fabs(exact) - 127.0));
  }
  const float plain = host::nearest_row(w.data(), n, nearest.data());
  CHECK(output_error(w, scale, q, c) <= output_error(w, plain, nearest, c) + 1e-12);
}

TEST_CASE("weight rounding: correlated inputs, the output error drops well below nearest's") {
  // Inputs x_i = z + small noise_i: their sum dominates, so errors of one sign add up
  // under nearest rounding; the rounder balances them.
  const uint32_t n = 64;
  std::vector<double> c(n * n);
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = 0; b < n; ++b) c[a * n + b] = 1.0 + (a == b ? 0.05 : 0.0);
  }
  const std::vector<float> w = random_row(n, 2);
  std::vector<int8_t> q(n), nearest(n);
  const float plain = host::nearest_row(w.data(), n, nearest.data());
  host::RowRounder rounder(c.data(), n);
  const float scale = rounder.round(w.data(), q.data());
  const double before = output_error(w, plain, nearest, c);
  const double after = output_error(w, scale, q, c);
  INFO("nearest " << before << ", rounder " << after);
  CHECK(after < 0.25 * before);
  for (int8_t v : q) CHECK(std::abs(int{v}) <= 127);
  CHECK(scale <= plain);
  CHECK(scale >= 0.6f * plain);
}

TEST_CASE("weight rounding: an all-zero row stays zero") {
  const uint32_t n = 5;
  std::vector<double> c(n * n, 0.0);
  for (uint32_t i = 0; i < n; ++i) c[i * n + i] = 1.0;
  const std::vector<float> w(n, 0.0f);
  std::vector<int8_t> q(n, 9);
  host::RowRounder rounder(c.data(), n);
  CHECK(rounder.round(w.data(), q.data()) > 0.0f);
  for (int8_t v : q) CHECK(v == 0);
}
