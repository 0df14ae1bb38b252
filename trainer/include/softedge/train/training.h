// softedge/train/training.h — the lesson's loop: minibatch SGD for softmax regression, with
// evaluation through the runtime (the accuracy the trainer reports is the accuracy a device
// gets).
#ifndef SOFTEDGE_TRAIN_TRAINING_H
#define SOFTEDGE_TRAIN_TRAINING_H

#include <cstdint>
#include <functional>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/host/epoch_report.h"
#include "softedge/train/dense_params.h"
#include "softedge/train/model_spec.h"
#include "softedge/train/softmax_regression.h"

namespace softedge {
namespace train {

struct TrainConfig {
  uint32_t epochs = 10;
  uint32_t batch_size = 256;
  float learning_rate = 0.1f;
  float init_stddev = 0.01f;
  uint64_t seed = 0;
  uint32_t threads = 2;  // the same model for any number (softmax_regression.h)
};

struct TrainResult {
  DenseParams params;
  std::vector<host::EpochReport> epochs;
};

// Deterministic for a given seed and machine, whatever the number of threads: the data is
// reshuffled every epoch with the trainer's own generator. `on_epoch` (may be empty) is called
// after each epoch.
TrainResult train_softmax_regression(const host::Split& train, const host::Split* test,
                                     const TrainConfig& config,
                                     const std::function<void(const host::EpochReport&)>& on_epoch);

// Share of `split` that the runtime, loading `model_file`, classifies right.
double runtime_accuracy(const std::vector<uint8_t>& model_file, const host::Split& split);

}  // namespace train
}  // namespace softedge

#endif
