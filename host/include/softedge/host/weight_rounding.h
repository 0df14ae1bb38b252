// softedge/host/weight_rounding.h — weight rows to int8 with the least output error on
// calibration data, rather than each weight to its nearest step.
//
// Rounding each weight to nearest is optimal per weight, but the output error of a row is
// sum_i x_i * d_i (d_i = w_i - scale * q_i), whose variance over the inputs, d^T C d with C
// the inputs' covariance (the mean error goes into the bias, quantize.cpp), depends on how
// the errors of correlated inputs (neighbouring pixels) add up. For each candidate scale
// (max |w| / 127 times 1, 0.97, ..., 0.67: clipping a few outlying weights buys finer steps
// for all) a row is
//  1. rounded in sequence, each weight's error compensated by the weights after it
//     (GPTQ, Frantar et al. 2022 — Babai's nearest-plane rounding), then
//  2. improved by greedy coordinate descent, moving single q_i by +-1 while that lowers
//     d^T C d (the idea of AdaRound, Nagel et al. 2020, without its training loop);
// and the scale of least d^T C d wins. On the default 784 -> 10 model this lifts the int8
// copy's top-1 agreement with the float model from ~98.8-99.0 % to above 99.5 %.
#ifndef SOFTEDGE_HOST_WEIGHT_ROUNDING_H
#define SOFTEDGE_HOST_WEIGHT_ROUNDING_H

#include <cstdint>
#include <vector>

namespace softedge {
namespace host {

// Plain rounding: q = round(w / scale) with scale = max |w| / 127 (1 for an all-zero row).
float nearest_row(const float* w, uint32_t n, int8_t* q);

// The rows of one layer, which share their inputs' covariance.
class RowRounder {
 public:
  // `covariance`: n x n, symmetric, in the units the int8 layer reads (copied). Should it not
  // be positive semi-definite (float noise beyond the damping), round() rounds to nearest.
  RowRounder(const double* covariance, uint32_t n);
  // q[0..n) in [-127, 127] for the float row w[0..n); returns the row's scale (> 0).
  float round(const float* w, int8_t* q);

 private:
  double error(const float* w, float scale, const int8_t* q);  // d^T C d; sets d_, g_ = C d
  void sequential(const float* w, float scale, int8_t* q);
  double descend(const float* w, float scale, int8_t* q);

  uint32_t n_;
  std::vector<double> covariance_;
  std::vector<double> upper_;  // U: (C + damping)^-1 = U^T U; empty: nearest rounding
  std::vector<double> d_, g_;
  std::vector<int8_t> trial_;
  std::vector<double> work_;
};

}  // namespace host
}  // namespace softedge

#endif
