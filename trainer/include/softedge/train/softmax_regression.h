// softedge/train/softmax_regression.h — the lesson's model, 784 -> 10 linear + softmax, and one
// SGD step.
#ifndef SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H
#define SOFTEDGE_TRAIN_SOFTMAX_REGRESSION_H

#include <cstdint>
#include <vector>

#include "softedge/train/cross_entropy.h"
#include "softedge/train/dense_params.h"
#include "softedge/train/step_parts.h"
#include "softedge/train/rng.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// W ~ N(0, stddev^2), b = 0, as the lesson initializes.
DenseParams init_linear(uint32_t in_features, uint32_t out_features, float stddev, Rng& rng);

// What sgd_step() reuses from call to call, to avoid allocation.
struct SgdWorkspace {
  std::vector<uint8_t> pixels;  // the batch's rows, gathered
  std::vector<float> floats;    // logits, coefficients, the parts' gradients
};

// One minibatch SGD step on `rows` images, image r's raw pixels at images[r] (in bytes each;
// feature = pixel * scale), with mean cross-entropy loss: W -= lr * mean_i (p_i - y_i) x_i^T,
// b -= lr * mean_i (p_i - y_i). Returns the batch's loss and accuracy measured before the
// step (as the lesson accumulates them).
// The batch is taken in parts (step_parts.h): each part's gather, forward pass, softmax and
// gradient are one unit of work, and the result is the same for any team (thread_pool.h) or
// none.
BatchResult sgd_step(DenseParams& params, const uint8_t* const* images, float scale,
                     const uint8_t* labels, uint32_t rows, float learning_rate,
                     SgdWorkspace& workspace, ThreadPool* team = nullptr);

}  // namespace train
}  // namespace softedge

#endif
