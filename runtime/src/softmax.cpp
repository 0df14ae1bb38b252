// Numerically stable softmax: exp(x - max) never overflows, and the largest term is exactly
// 1, so the sum is in [1, n] and never zero. The exponentials run in the active kernel set.
#include <math.h>

#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace softedge {

bool softmax(const float* logits, size_t n, float* probabilities, uint32_t* argmax) {
  uint32_t best = 0;
  bool finite = n > 0;
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(logits[i])) finite = false;
    if (logits[i] > logits[best]) best = static_cast<uint32_t>(i);
  }
  if (argmax != nullptr) *argmax = finite ? best : 0;
  if (!finite) {
    for (size_t i = 0; i < n; ++i) probabilities[i] = 0.0f;
    return false;
  }
  active_kernels().softmax_f32(logits, static_cast<uint32_t>(n), logits[best], probabilities);
  return true;
}

}  // namespace softedge
