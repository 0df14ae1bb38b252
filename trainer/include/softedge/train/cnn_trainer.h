// softedge/train/cnn_trainer.h — trains convolutional networks (cnn_network.h) on
// Fashion-MNIST: `softedge-train --arch cnn` (AdamW, one-cycle, epoch chosen on a validation
// split, flips and shifts) and `--preset d2l-lenet` (the book's LeNet: sigmoid, average
// pooling, Xavier init, plain minibatch SGD).
//
// Determinism: a given seed gives bit-identical parameters for any thread count (on a given
// build and machine): the network's passes do not depend on the team (cnn_network.h), the
// random draws (shuffles, augmentation) are made on the calling thread.
#ifndef SOFTEDGE_TRAIN_CNN_TRAINER_H
#define SOFTEDGE_TRAIN_CNN_TRAINER_H

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/host/epoch_report.h"
#include "softedge/host/model_writer.h"
#include "softedge/train/cnn_network.h"
#include "softedge/train/dense_params.h"

namespace softedge {
namespace train {

enum class CnnOptimizer : uint8_t {
  kAdamW,  // AdamW with the one-cycle schedule (max_lr its peak), as network_trainer.h
  kSgd,    // plain minibatch SGD at a constant learning rate (d2l)
};
enum class CnnInit : uint8_t {
  kHe,      // N(0, 2/fan_in) before ReLU, N(0, 1/fan_in) for the output layer; biases 0
  kXavier,  // PyTorch's xavier_uniform_ weights, its default U(+-1/sqrt(fan_in)) biases
};

struct CnnConfig {
  std::vector<CnnLayerSpec> layers;
  CnnOptimizer optimizer = CnnOptimizer::kAdamW;
  CnnInit init = CnnInit::kHe;
  uint32_t epochs = 10;
  uint32_t batch_size = 128;
  float lr = 2e-3f;  // AdamW: the one-cycle peak; SGD: the learning rate
  float weight_decay = 0.05f;
  float warmup_fraction = 0.3f;
  float label_smoothing = 0.1f;
  bool flip = true;    // random horizontal flips of the training images
  uint32_t shift = 0;  // random shifts of up to this many pixels each way (zero filled)
  uint64_t seed = 0;
  uint32_t threads = 2;
  uint32_t validation_size = 5000;  // 0: keep the last epoch
};

// `softedge-train --arch cnn`: conv 16@3x3 pad 1, ReLU, max pool 2 -> conv 32@3x3 pad 1, ReLU,
// max pool 2 -> dense 128 ReLU -> dense 10, AdamW one-cycle peaking at 4e-3, batch 64,
// 10 epochs, no augmentation (see cnn_trainer.cpp for the choices made on the validation split).
CnnConfig default_cnn_config();
// `softedge-train --preset d2l-lenet`: d2l's LeNet exactly (batch 256, lr 0.9, 10 epochs, no
// validation split, no augmentation, pixels/255).
CnnConfig lenet_config();

struct CnnResult {
  std::vector<CnnLayer> layers;
  // Per convolution and dense layer (CnnLayer::param): weights out x in (a convolution's rows
  // are OHWI: out channel x k x k x in channels) and biases.
  std::vector<DenseParams> params;
  uint32_t best_epoch = 0;
  std::vector<host::EpochReport> history;
  std::vector<double> epoch_seconds;  // training steps only (no evaluation)
  uint32_t threads = 1;
};

// Trains on `train` minus the validation rows on features curve[pixel] (NHWC 28x28x1; the
// first convolution's zero padding is a zero feature). `test` may be null; it is only
// evaluated. Throws std::invalid_argument for an unusable config.
CnnResult train_cnn(const host::Split& train, const host::Split* test,
                    const std::array<float, 256>& curve, const CnnConfig& config,
                    const std::function<void(const host::EpochReport&)>& on_epoch,
                    const std::function<void(uint64_t, uint64_t)>& on_step = {});

// The trained network as a float32 model spec (fashion_mnist_spec's input, pixels * 1/255,
// the caller adds a lookup table when the curve is not linear).
host::ModelSpec make_cnn_model_spec(const CnnResult& result);

// Top-1 accuracy of `params` (as CnnResult holds them) over `split`, by the trainer's own
// float code path.
double cnn_accuracy(const std::vector<CnnLayerSpec>& specs, const std::vector<DenseParams>& params,
                    const std::array<float, 256>& curve, const host::Split& split,
                    uint32_t threads = 1);

}  // namespace train
}  // namespace softedge

#endif
