// softedge/train/cross_entropy.h — softmax cross-entropy of a batch of logits, via log-sum-exp
// (finite for finite logits of any magnitude), with optional label smoothing.
#ifndef SOFTEDGE_TRAIN_CROSS_ENTROPY_H
#define SOFTEDGE_TRAIN_CROSS_ENTROPY_H

#include <cstdint>

namespace softedge {
namespace train {

// Sum over rows of the cross-entropy, and the count of rows whose top logit is the label.
struct BatchResult {
  double loss_sum = 0.0;
  uint32_t correct = 0;
};

// What softmax_cross_entropy() writes besides the loss; each rows x classes, or null.
struct SoftmaxOutputs {
  float* probabilities = nullptr;  // softmax of each row: exp(z - max) / sum, in Real
  float* mean_gradient = nullptr;  // d(mean loss)/d(logits) = (p - t) / rows
  uint32_t mean_rows = 0;          // the rows of that mean (0: the call's; more: a part's)
};

// Rows of `logits` (rows x classes) against `labels`, with targets
// t = (1 - label_smoothing) one-hot + label_smoothing / classes.
//
// Real is the precision of exp(z - max) and of their sum: double in the lesson's loop, float in
// the network trainer. Both are kept because each fixes the bytes of the model files its loop
// writes (the d2l preset's and the default's).
template <class Real>
BatchResult softmax_cross_entropy(const float* logits, const uint8_t* labels, uint32_t rows,
                                  uint32_t classes, float label_smoothing,
                                  const SoftmaxOutputs& outputs);

extern template BatchResult softmax_cross_entropy<float>(const float*, const uint8_t*, uint32_t,
                                                         uint32_t, float, const SoftmaxOutputs&);
extern template BatchResult softmax_cross_entropy<double>(const float*, const uint8_t*, uint32_t,
                                                          uint32_t, float,
                                                          const SoftmaxOutputs&);

}  // namespace train
}  // namespace softedge

#endif
