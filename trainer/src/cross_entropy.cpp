// Built with -march=SOFTEDGE_TRAINER_ARCH, as the loops that call it: the fused multiply-adds it
// compiles to are part of the gradients, and so of the model bytes.
#include "softedge/train/cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace softedge {
namespace train {

template <class Real>
BatchResult softmax_cross_entropy(const float* logits, const uint8_t* labels, uint32_t rows,
                                  uint32_t classes, float label_smoothing,
                                  const SoftmaxOutputs& outputs) {
  const double off_target = static_cast<double>(label_smoothing) / classes;
  const double on_target = 1.0 - label_smoothing + off_target;
  const float inv_rows = 1.0f / static_cast<float>(rows);
  BatchResult result;
  for (uint32_t r = 0; r < rows; ++r) {
    const float* z = logits + size_t{r} * classes;
    const uint32_t label = labels[r];
    const uint32_t top = static_cast<uint32_t>(std::max_element(z, z + classes) - z);
    const float max_logit = z[top];
    // exp(z_c - max), kept in the gradient's row when a gradient is wanted, else in the
    // probabilities' row: both follow from it and the sum without a second exp.
    float* p = outputs.probabilities != nullptr ? outputs.probabilities + size_t{r} * classes
                                                : nullptr;
    float* e = outputs.mean_gradient != nullptr ? outputs.mean_gradient + size_t{r} * classes : p;
    Real sum = 0;
    for (uint32_t c = 0; c < classes; ++c) {
      const Real exp_c = std::exp(static_cast<Real>(z[c] - max_logit));
      if (e != nullptr) e[c] = static_cast<float>(exp_c);
      sum += exp_c;
    }
    const double log_sum_exp = max_logit + std::log(static_cast<double>(sum));
    // -sum_c t_c log p_c = log_sum_exp - sum_c t_c z_c, as sum_c t_c = 1.
    double target_dot = 0.0;
    if (label_smoothing != 0.0f) {
      double all = 0.0;
      for (uint32_t c = 0; c < classes; ++c) all += z[c];
      target_dot = off_target * all + (on_target - off_target) * z[label];
    } else {
      target_dot = z[label];
    }
    result.loss_sum += log_sum_exp - target_dot;
    if (top == label) ++result.correct;
    const Real inv_sum = 1 / sum;
    if (p != nullptr) {
      for (uint32_t c = 0; c < classes; ++c) p[c] = static_cast<float>(e[c] * inv_sum);
    }
    if (outputs.mean_gradient != nullptr) {
      for (uint32_t c = 0; c < classes; ++c) {
        const float t = static_cast<float>(c == label ? on_target : off_target);
        e[c] = static_cast<float>((e[c] * inv_sum - t) * inv_rows);  // (p_c - t_c) / rows
      }
    }
  }
  return result;
}

template BatchResult softmax_cross_entropy<float>(const float*, const uint8_t*, uint32_t, uint32_t,
                                                  float, const SoftmaxOutputs&);
template BatchResult softmax_cross_entropy<double>(const float*, const uint8_t*, uint32_t,
                                                   uint32_t, float, const SoftmaxOutputs&);

}  // namespace train
}  // namespace softedge
