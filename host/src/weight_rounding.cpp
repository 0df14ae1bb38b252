#include "softedge/host/weight_rounding.h"

#include <algorithm>
#include <cmath>

namespace softedge {
namespace host {
namespace {

constexpr float kMaxQuantized = 127.0f;
constexpr int kScaleCandidates = 12;  // factors 1, 0.97, ..., 0.67 of max |w| / 127
constexpr double kScaleFactorStep = 0.03;
constexpr int kMaxSweeps = 16;  // descent sweeps; it usually settles in 3-5
// GPTQ's damping: C + kDamping * mean(diag C) * I, so inputs that never vary (Fashion-MNIST's
// border pixels) still give an invertible matrix.
constexpr double kDamping = 0.01;

void round_nearest(const float* w, uint32_t n, float scale, int8_t* q) {
  for (uint32_t i = 0; i < n; ++i) {
    q[i] = static_cast<int8_t>(
        std::clamp(std::nearbyint(w[i] / scale), -kMaxQuantized, kMaxQuantized));
  }
}

// In-place Cholesky factor of the symmetric positive definite n x n matrix a: the lower
// triangle becomes L with a = L L^T (the upper triangle is left as it was). False if a is
// not positive definite.
bool cholesky(std::vector<double>* a, size_t n) {
  std::vector<double>& m = *a;
  for (size_t j = 0; j < n; ++j) {
    double d = m[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= m[j * n + k] * m[j * n + k];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    m[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = m[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= m[i * n + k] * m[j * n + k];
      m[i * n + j] = s / d;
    }
  }
  return true;
}

}  // namespace

RowRounder::RowRounder(const double* covariance, uint32_t n)
    : n_(n),
      covariance_(covariance, covariance + size_t{n} * n),
      d_(n),
      g_(n),
      trial_(n),
      work_(n) {
  // U, upper triangular with (C + damping)^-1 = U^T U: the inverse column by column from
  // the Cholesky factor of C + damping, then the Cholesky factor of that inverse.
  double mean_diagonal = 0.0;
  for (uint32_t i = 0; i < n; ++i) mean_diagonal += covariance_[size_t{i} * n + i];
  mean_diagonal = std::max(mean_diagonal / n, 1e-12);
  std::vector<double> h(covariance_);
  for (uint32_t i = 0; i < n; ++i) h[size_t{i} * n + i] += kDamping * mean_diagonal;
  if (!cholesky(&h, n)) return;                // not a covariance: round() falls back to nearest
  std::vector<double> lt(size_t{n} * n, 0.0);  // L^T, so both solves read rows
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t k = 0; k <= i; ++k) lt[size_t{k} * n + i] = h[size_t{i} * n + k];
  }
  std::vector<double> inverse(size_t{n} * n);
  std::vector<double> y(n), x(n);
  for (uint32_t col = 0; col < n; ++col) {  // solve L L^T x = e_col
    for (uint32_t i = 0; i < n; ++i) {
      double s = i == col ? 1.0 : 0.0;
      const double* row = &h[size_t{i} * n];
      for (uint32_t k = col; k < i; ++k) s -= row[k] * y[k];  // y[k] = 0 for k < col
      y[i] = i < col ? 0.0 : s / row[i];
    }
    for (uint32_t i = n; i-- > 0;) {
      double s = y[i];
      const double* row = &lt[size_t{i} * n];
      for (uint32_t k = i + 1; k < n; ++k) s -= row[k] * x[k];
      x[i] = s / row[i];
    }
    for (uint32_t i = 0; i < n; ++i) inverse[size_t{i} * n + col] = x[i];
  }
  if (!cholesky(&inverse, n)) return;  // lower L2 with inverse = L2 L2^T, so U = L2^T
  upper_.assign(size_t{n} * n, 0.0);
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = i; j < n; ++j) upper_[size_t{i} * n + j] = inverse[size_t{j} * n + i];
  }
}

// g = C d, as a sum of C's columns (= rows: C is symmetric) so the inner loop vectorizes.
double RowRounder::error(const float* w, float scale, const int8_t* q) {
  const size_t n = n_;
  for (size_t i = 0; i < n; ++i) d_[i] = double{w[i]} - double{scale} * q[i];
  std::fill(g_.begin(), g_.end(), 0.0);
  for (size_t j = 0; j < n; ++j) {
    if (d_[j] == 0.0) continue;
    const double* row = &covariance_[j * n];
    for (size_t i = 0; i < n; ++i) g_[i] += d_[j] * row[i];
  }
  double e = 0.0;
  for (size_t i = 0; i < n; ++i) e += d_[i] * g_[i];
  return e;
}

// GPTQ (Frantar et al. 2022; Babai's nearest plane): round weight i, then spread its error
// over the weights not yet rounded as the inverse covariance says compensates it best.
void RowRounder::sequential(const float* w, float scale, int8_t* q) {
  const size_t n = n_;
  for (size_t i = 0; i < n; ++i) work_[i] = w[i];
  for (size_t i = 0; i < n; ++i) {
    q[i] = static_cast<int8_t>(std::clamp(std::nearbyint(work_[i] / scale), double{-kMaxQuantized},
                                          double{kMaxQuantized}));
    const double* u = &upper_[i * n];
    const double shift = (work_[i] - double{scale} * q[i]) / u[i];
    for (size_t j = i + 1; j < n; ++j) work_[j] -= shift * u[j];
  }
}

// Greedy descent: changing q_i by s (+-1) changes d_i by t = -scale * s and the error by
// 2 t g_i + t^2 C_ii; take every change that lowers it, keeping g = C d current. Returns
// the error d^T C d reached.
double RowRounder::descend(const float* w, float scale, int8_t* q) {
  const size_t n = n_;
  double e = error(w, scale, q);
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      const double cii = covariance_[i * n + i];
      for (int step : {-1, 1}) {
        const int next = q[i] + step;
        if (next < -127 || next > 127) continue;
        const double t = -double{scale} * step;
        const double change = 2.0 * t * g_[i] + t * t * cii;
        // A relative margin keeps float noise from flipping a weight back and forth.
        if (change >= -1e-12 * (t * t * cii)) continue;
        q[i] = static_cast<int8_t>(next);
        d_[i] += t;
        e += change;
        const double* row = &covariance_[i * n];
        for (size_t j = 0; j < n; ++j) g_[j] += t * row[j];
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return e;
}

float RowRounder::round(const float* w, int8_t* q) {
  const float plain = nearest_row(w, n_, q);
  if (upper_.empty()) return plain;
  // Each candidate scale: sequential rounding, then the descent; keep the least error.
  float best_scale = plain;
  double best_error = -1.0;
  for (int k = 0; k < kScaleCandidates; ++k) {
    const float scale = static_cast<float>(plain * (1.0 - kScaleFactorStep * k));
    sequential(w, scale, trial_.data());
    const double e = descend(w, scale, trial_.data());
    if (best_error < 0.0 || e < best_error) {
      best_error = e;
      best_scale = scale;
      std::copy(trial_.begin(), trial_.end(), q);
    }
  }
  return best_scale;
}

float nearest_row(const float* w, uint32_t n, int8_t* q) {
  float largest = 0.0f;
  for (uint32_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(w[i]));
  if (largest == 0.0f) {
    std::fill_n(q, n, int8_t{0});
    return 1.0f;  // any positive scale: every weight is 0
  }
  const float scale = largest / kMaxQuantized;
  round_nearest(w, n, scale, q);
  return scale;
}

}  // namespace host
}  // namespace softedge
