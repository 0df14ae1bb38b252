#include "peer_softmax.h"

#include <cmath>

namespace peers {

uint32_t softmax(const float* logits, uint32_t n, float* probabilities) {
  uint32_t top = 0;
  for (uint32_t i = 1; i < n; ++i) {
    if (logits[i] > logits[top]) top = i;
  }
  const float largest = logits[top];
  float sum = 0;
  for (uint32_t i = 0; i < n; ++i) {
    probabilities[i] = std::exp(logits[i] - largest);
    sum += probabilities[i];
  }
  const float inverse = 1.0f / sum;
  for (uint32_t i = 0; i < n; ++i) probabilities[i] *= inverse;
  return top;
}

void softmax_rows(const float* logits, size_t rows, uint32_t n, float* probabilities,
                  uint32_t* top_classes) {
  for (size_t r = 0; r < rows; ++r) {
    top_classes[r] = softmax(logits + r * n, n, probabilities + r * n);
  }
}

}  // namespace peers
