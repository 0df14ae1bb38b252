// softedge/train/network_evaluation.h — the trainer's own float code path through a network:
// accuracy over a split, logits, predictions, and the loss with its gradient (for checks).
#ifndef SOFTEDGE_TRAIN_NETWORK_EVALUATION_H
#define SOFTEDGE_TRAIN_NETWORK_EVALUATION_H

#include <cstdint>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/train/dense_params.h"
#include "softedge/train/feature_map.h"
#include "softedge/train/input_transform.h"
#include "softedge/train/network.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// Rows per forward pass when evaluating.
constexpr uint32_t kEvalRows = 512;

// Share of rows `indices` (all rows when empty) of `split` whose top logit is the label.
double network_accuracy(Network& net, const FeatureMap& features, const host::Split& split,
                        const std::vector<uint32_t>& indices, ThreadPool* team);

// Logits (rows x classes) of `features` (rows x layers[0].in_features).
void network_logits(const std::vector<DenseParams>& layers, const float* features, uint32_t rows,
                    float* logits, uint32_t threads = 1);

// Top class of every image of `split` through the input transform and the layers.
std::vector<uint32_t> network_predict(const std::vector<DenseParams>& layers,
                                      const InputTransform& transform, const host::Split& split,
                                      uint32_t threads = 1);

// Mean cross-entropy of `rows` labelled feature rows (with `label_smoothing`) and its gradient
// with respect to every weight and bias, in the layers' own shapes — the backward pass the
// trainer runs, exposed for gradient checks.
double network_loss_and_gradient(const std::vector<DenseParams>& layers, const float* features,
                                 const uint8_t* labels, uint32_t rows,
                                 std::vector<DenseParams>* gradient, float label_smoothing = 0.0f,
                                 uint32_t threads = 1);

}  // namespace train
}  // namespace softedge

#endif
