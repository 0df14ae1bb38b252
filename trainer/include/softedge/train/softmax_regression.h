// softedge/train/softmax_regression.h — the lesson's model, 784 -> 10 linear + softmax, and one SGD step.
#ifndef SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H
#define SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H

#include <cstdint>
#include <vector>

#include "softedge/train/aligned_vector.h"
#include "softedge/train/rng.h"

namespace softedge {
namespace train {

struct LinearParams {
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  AlignedVector<float> weights;  // out x in, row-major (the runtime's layout)
  std::vector<float> bias;     // out
};

// W ~ N(0, stddev^2), b = 0, as the lesson initializes.
LinearParams init_linear(uint32_t in_features, uint32_t out_features, float stddev, Rng& rng);

// Sum over rows of the cross-entropy, and the count of rows whose argmax is the label.
struct BatchResult {
  double loss_sum = 0.0;
  uint32_t correct = 0;
};

// Softmax rows of `logits` (rows x classes) into `probabilities` and returns the row-wise
// cross-entropy via log-sum-exp: finite for finite logits of any magnitude.
BatchResult softmax_cross_entropy(const float* logits, const uint8_t* labels, uint32_t rows,
                                  uint32_t classes, float* probabilities);

// One minibatch SGD step on `features` (rows x in) with mean cross-entropy loss:
// W -= lr * mean_i (p_i - y_i) x_i^T, b -= lr * mean_i (p_i - y_i). Returns the batch's loss
// and accuracy measured before the step (as the lesson accumulates them).
// `workspace` is reused between calls to avoid allocation.
BatchResult sgd_step(LinearParams& params, const float* features, const uint8_t* labels,
                     uint32_t rows, float learning_rate, std::vector<float>& workspace);

// Logits for `rows` feature rows through the runtime's active dense kernel.
void linear_forward(const LinearParams& params, const float* features, uint32_t rows,
                    float* logits);

}  // namespace train
}  // namespace softedge

#endif
