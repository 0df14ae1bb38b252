// training.h — the minibatch SGD loop for softmax regression, and evaluation through the
// runtime (the accuracy the trainer reports is the accuracy a device gets).
#ifndef SOFTEDGE_TRAINER_TRAINING_H
#define SOFTEDGE_TRAINER_TRAINING_H

#include <cstdint>
#include <functional>
#include <vector>

#include "dataset.h"
#include "model_file.h"
#include "softmax_regression.h"

namespace softedge {
namespace train {

// feature = pixel * kPixelScale: the lesson's ToTensor() scaling, stored in the model file
// so the runtime takes raw pixels.
constexpr float kPixelScale = 1.0f / 255.0f;

struct TrainConfig {
  uint32_t epochs = 10;
  uint32_t batch_size = 256;
  float learning_rate = 0.1f;
  float init_stddev = 0.01f;
  uint64_t seed = 0;
};

struct EpochReport {
  uint32_t epoch = 0;           // 1-based
  double train_loss = 0.0;      // mean cross-entropy over the epoch's minibatches
  double train_accuracy = 0.0;  // share of training rows classified right during the epoch
  double validation_accuracy = -1.0;  // -1 without a validation split (the lesson has none)
  double test_accuracy = -1.0;  // -1 when no test split was given
};

struct TrainResult {
  LinearParams params;
  std::vector<EpochReport> epochs;
};

// Deterministic for a given config (seed) and machine: the data is reshuffled every epoch
// with the trainer's own generator. `on_epoch` (may be empty) is called after each epoch.
TrainResult train_softmax_regression(const Split& train, const Split* test,
                                     const TrainConfig& config,
                                     const std::function<void(const EpochReport&)>& on_epoch);

// The model file spec for trained parameters, with Fashion-MNIST's class names.
ModelSpec make_model_spec(const LinearParams& params);

// A Fashion-MNIST model spec without layers: 28x28x1 input, pixels/255, the class names.
ModelSpec fashion_mnist_spec();

// Share of `split` that the runtime, loading `model_file`, classifies right.
double runtime_accuracy(const std::vector<uint8_t>& model_file, const Split& split);

}  // namespace train
}  // namespace softedge

#endif
