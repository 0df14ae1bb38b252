// Numerically stable softmax: exp(x - max) never overflows, and the largest term is exactly
// 1, so the sum is in [1, n] and never zero.
#include <math.h>

#include "softedge/inference.h"

namespace softedge {

bool softmax(const float* logits, size_t n, float* probabilities, uint32_t* argmax) {
  uint32_t best = 0;
  bool finite = n > 0;
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(logits[i])) finite = false;
    if (logits[i] > logits[best]) best = static_cast<uint32_t>(i);
  }
  if (!finite) {
    for (size_t i = 0; i < n; ++i) probabilities[i] = 0.0f;
    if (argmax != nullptr) *argmax = 0;
    return false;
  }
  const float max_logit = logits[best];
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    probabilities[i] = expf(logits[i] - max_logit);
    sum += probabilities[i];
  }
  const float inverse = 1.0f / sum;
  for (size_t i = 0; i < n; ++i) probabilities[i] *= inverse;
  if (argmax != nullptr) *argmax = best;
  return true;
}

}  // namespace softedge
