// Numerically stable softmax: exp(x - max) never overflows, and the largest term is exactly
// 1, so the sum is in [1, n] and never zero. It runs in the active kernel set.
#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace softedge {

bool softmax(const float* logits, size_t n, float* probabilities, uint32_t* argmax) {
  uint32_t best = 0;
  const bool finite =
      n > 0 && active_kernels().softmax_f32(logits, static_cast<uint32_t>(n), probabilities, &best);
  if (argmax != nullptr) *argmax = best;
  return finite;
}

}  // namespace softedge
