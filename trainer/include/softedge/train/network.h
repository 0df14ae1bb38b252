// softedge/train/network.h — dense ReLU networks (784 -> hidden... -> 10; no hidden layer is softmax
// regression) trained with AdamW and a one-cycle learning-rate schedule, on standardized
// features of a per-pixel curve.
//
// Inputs. Feature i of an image is (value_of_pixel[pixel_i] - mean[i]) * inv_std[i]: a 256-entry
// curve applied to the raw uint8 pixel, then per-pixel standardization. fold_input_transform()
// moves the standardization into the first layer, so a device only needs the curve (a lookup
// table) in front of the first layer.
//
// Training. He-initialized ReLU layers, softmax cross-entropy via log-sum-exp, AdamW with the
// one-cycle schedule of PyTorch's OneCycleLR (cosine warm-up from max_lr/25 to max_lr, cosine
// decay to max_lr/25e4, beta1 cycled 0.95 -> 0.85 -> 0.95 against it), the training rows
// reshuffled every epoch. A validation split carved from the training split (never the test
// split) picks the epoch whose parameters are returned.
//
// Speed. The matrix products run on gemm.h's kernels; with threads = 2 the products, the Adam
// update and the feature gathering are shared by two threads (for networks big enough to gain).
//
// Determinism. Every floating-point sum has a fixed order that depends neither on the thread
// count nor on scheduling, so a given seed gives bit-identical parameters for any thread count
// (on a given build and machine; another -march may round differently).
#ifndef SOFTEDGE_TRAIN_NETWORK_H
#define SOFTEDGE_TRAIN_NETWORK_H

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "softedge/train/aligned_vector.h"
#include "softedge/host/dataset.h"

namespace softedge {
namespace train {

// ---------------------------------------------------------------------------------------------
// Input transform

enum class Curve : uint8_t {
  kLinear,  // p / 255 (the lesson's ToTensor scaling)
  kSqrt,    // sqrt(p / 255): spreads the dark end, where Fashion-MNIST's texture is
};

// The curve's value for every pixel value.
std::array<float, 256> pixel_curve(Curve curve);

struct InputTransform {
  std::array<float, 256> value_of_pixel{};
  std::vector<float> mean;     // kImagePixels
  std::vector<float> inv_std;  // kImagePixels
};

// The curve plus the per-pixel mean and 1/std of the curve's values over `train` (labels are
// not used, so passing the whole training split, validation rows included, leaks nothing the
// validation accuracy depends on in a meaningful way). A pixel whose standard deviation is
// below kMinPixelStd (one that is nearly constant in training) gets inv_std = 1/kMinPixelStd,
// so a rare non-zero value in such a pixel cannot blow up.
constexpr float kMinPixelStd = 0.05f;
InputTransform make_input_transform(const host::Split& train, Curve curve);
// The same for any curve, e.g. the 8-bit lookup table a model file stores.
InputTransform make_input_transform(const host::Split& train, const std::array<float, 256>& curve);

// The identity standardization (mean 0, inv_std 1) of a curve.
InputTransform identity_input_transform(Curve curve);

// Features of `rows` images (rows x kImagePixels uint8) into `features` (rows x kImagePixels).
void apply_input_transform(const InputTransform& transform, const uint8_t* pixels, uint32_t rows,
                           float* features);

// ---------------------------------------------------------------------------------------------
// Parameters

struct DenseParams {
  uint32_t in = 0;
  uint32_t out = 0;
  AlignedVector<float> weights;  // out x in, row-major (the runtime's layout)
  std::vector<float> bias;       // out
};

// `first` (acting on standardized features) rewritten to act on the curve's values directly:
// W'_oi = W_oi * inv_std_i, b'_o = b_o - sum_i W_oi * mean_i * inv_std_i (summed in double).
DenseParams fold_input_transform(const DenseParams& first, const InputTransform& transform);

// ---------------------------------------------------------------------------------------------
// Training

// The defaults are the settings chosen (on the validation split, seeds 0-2) for networks with
// hidden layers; default_network_config() adjusts them for softmax regression.
struct NetworkConfig {
  std::vector<uint32_t> hidden;  // widths of the ReLU layers; empty: softmax regression
  uint32_t epochs = 30;
  uint32_t batch_size = 128;
  float max_lr = 1e-3f;          // peak of the one-cycle schedule
  float weight_decay = 0.1f;     // decoupled (AdamW): w *= 1 - lr * weight_decay; not on biases
  float warmup_fraction = 0.3f;  // share of the steps spent warming up (OneCycleLR's pct_start)
  float label_smoothing = 0.1f;  // target = (1 - s) one-hot + s / classes
  uint64_t seed = 0;
  uint32_t threads = 2;             // 1 = everything on the calling thread; networks under
                                    // 2^21 multiply-adds per step (softmax regression) use 1
  uint32_t validation_size = 5000;  // rows carved from the training split; 0: keep the last epoch
};

// The chosen settings for a network with these hidden widths: NetworkConfig's defaults with
// hidden layers; for softmax regression (no hidden layer) 10 epochs, max_lr 3e-3 and no label
// smoothing (which cost it 0.4 points of validation accuracy).
NetworkConfig default_network_config(const std::vector<uint32_t>& hidden);

struct NetworkEpochReport {
  uint32_t epoch = 0;                // 1-based
  double learning_rate = 0.0;        // at the epoch's last step
  double train_loss = 0.0;           // mean cross-entropy over the epoch's minibatches
  double train_accuracy = 0.0;       // share of training rows classified right during the epoch
  double validation_loss = -1.0;     // after the epoch; -1 without a validation split
  double validation_accuracy = -1.0; // after the epoch; -1 without a validation split
  double test_accuracy = -1.0;       // after the epoch (float forward pass); -1 without test
  double seconds = 0.0;              // wall time of the epoch, evaluation included
};

struct NetworkResult {
  // The kept epoch's parameters; layer 0 acts on standardized features (see
  // fold_input_transform); ReLU after every layer but the last.
  std::vector<DenseParams> layers;
  uint32_t best_epoch = 0;  // 1-based: best validation accuracy (earliest on ties), else the last
  std::vector<NetworkEpochReport> history;
};

// Trains on `train` minus the validation rows. `test` may be null; it is only evaluated, never
// used to choose anything. `on_epoch` (may be empty) is called after each epoch; `on_step` (may
// be empty) after every optimizer step with the steps done and the total, for progress bars.
// Throws std::invalid_argument for an unusable config or split.
NetworkResult train_network(
    const host::Split& train, const host::Split* test, const InputTransform& transform,
    const NetworkConfig& config, const std::function<void(const NetworkEpochReport&)>& on_epoch,
    const std::function<void(uint64_t steps_done, uint64_t total_steps)>& on_step = {});

// The rows of `train` that train_network() keeps for validation, in order (deterministic in
// config.seed and config.validation_size).
std::vector<uint32_t> validation_rows(uint32_t train_count, const NetworkConfig& config);

// ---------------------------------------------------------------------------------------------
// Evaluation and gradients (the trainer's own float code path)

// Logits (rows x classes) of `features` (rows x layers[0].in).
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
