// softedge/train/softmax_regression.h — the lesson's model, 784 -> 10 linear + softmax, and one
// SGD step.
#ifndef SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H
#define SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H

#include <cstdint>
#include <vector>

#include "softedge/train/cross_entropy.h"
#include "softedge/train/dense_params.h"
#include "softedge/train/rng.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// W ~ N(0, stddev^2), b = 0, as the lesson initializes.
DenseParams init_linear(uint32_t in_features, uint32_t out_features, float stddev, Rng& rng);

// One minibatch SGD step on `rows` images of raw pixels (rows x in bytes; feature = pixel *
// scale) with mean cross-entropy loss: W -= lr * mean_i (p_i - y_i) x_i^T,
// b -= lr * mean_i (p_i - y_i). Returns the batch's loss and accuracy measured before the
// step (as the lesson accumulates them).
// `workspace` is reused between calls to avoid allocation. With a team (thread_pool.h), the
// forward pass and the weight update are shared; the result is the same for any team.
BatchResult sgd_step(DenseParams& params, const uint8_t* pixels, float scale,
                     const uint8_t* labels, uint32_t rows, float learning_rate,
                     std::vector<float>& workspace, ThreadPool* team = nullptr);

// Logits for `rows` images of raw pixels through the runtime's active pixel kernel.
void linear_forward(const DenseParams& params, const uint8_t* pixels, float scale,
                    uint32_t rows, float* logits);

}  // namespace train
}  // namespace softedge

#endif
