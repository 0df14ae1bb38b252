// softedge/train/network.h — a dense ReLU network while it trains: forward pass, softmax
// cross-entropy and backward pass on gemm.h's products.
//
// Layout. Each layer keeps its weights transposed, Wᵀ (in x out), so the two products of the
// first layer — by far the largest — read their operands in place:
//   forward       Z = X · Wᵀ + b             gemm_ab   (X: rows x in, Wᵀ: in x out)
//   weight grad   dWᵀ = Xᵀ · dZ              gemm_atb  (dZ: rows x out)
//   input grad    dX = dZ · (Wᵀ)ᵀ            gemm_abt  (only for layers after the first)
// A layer of at most kNarrowLayerOutputs outputs (the last; the only one of a linear model)
// keeps W itself (out x in, the runtime's layout) and runs its forward pass and weight gradient
// on narrow_layer.h's products instead, whose vector lanes run along the inputs (a GEMM tile
// of 16 output lanes would leave 6 of them idle for 10 classes); its input gradient is
// gemm_ab(dZ, W).
// DenseParams (out x in, the runtime's layout) go in and come out through the converters below.
#ifndef SOFTEDGE_TRAIN_NETWORK_H
#define SOFTEDGE_TRAIN_NETWORK_H

#include <cstdint>
#include <functional>
#include <vector>

#include "softedge/train/aligned_vector.h"
#include "softedge/train/cross_entropy.h"
#include "softedge/train/dense_params.h"
#include "softedge/train/narrow_layer.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

struct NetworkLayer {
  uint32_t in = 0;
  uint32_t out = 0;
  AlignedVector<float> wt;  // in x out; out x in for a narrow layer (see above)
  AlignedVector<float> bias;
  AlignedVector<float> grad_wt, grad_bias;  // of the last backward()
};

// `params` transposed (in x out, as the CNN trainer keeps every layer); throws
// std::invalid_argument when its sizes do not match its shape.
NetworkLayer network_layer(const DenseParams& params);
// Each layer as Network keeps it: transposed, or as it is when narrow (see above).
std::vector<NetworkLayer> network_layers(const std::vector<DenseParams>& params);
// Transposed weights (in x out) and a bias back to the runtime's layout.
DenseParams dense_params(uint32_t in, uint32_t out, const float* wt, const float* bias);
// A Network layer's weights as it keeps them (see above) and its bias, in the runtime's layout.
DenseParams network_dense_params(uint32_t in, uint32_t out, const float* weights,
                                 const float* bias);

// ReLU after every layer but the last. Every call is deterministic whatever `team` is (null: the
// calling thread alone).
class Network {
 public:
  // Throws std::invalid_argument for no layers or widths that do not chain.
  explicit Network(std::vector<NetworkLayer> layers);

  std::vector<NetworkLayer>& layers() { return layers_; }
  const std::vector<NetworkLayer>& layers() const { return layers_; }
  uint32_t inputs() const { return layers_.front().in; }
  uint32_t classes() const { return layers_.back().out; }

  // Buffers for batches of up to `rows` rows.
  void reserve(uint32_t rows);

  // Where the caller puts the batch's features (rows x inputs()).
  float* input() { return activations_[0].data(); }
  const float* logits() const { return activations_.back().data(); }

  void forward(uint32_t rows, ThreadPool* team);

  // Softmax cross-entropy of the logits against `labels`; when `gradient`, leaves
  // d(mean loss)/d(logits) for backward().
  BatchResult loss(const uint8_t* labels, uint32_t rows, float label_smoothing, bool gradient);

  // Gradients of every layer (into grad_wt, grad_bias) from what loss() left.
  void backward(uint32_t rows, ThreadPool* team);

  // Whether the network is one layer of at most kNarrowLayerOutputs outputs (a linear model),
  // which trains in parts.
  bool steps_in_parts() const {
    return layers_.size() == 1 && layers_[0].out <= kNarrowLayerOutputs;
  }
  // For such a network, forward(), loss() with the gradient and backward() in one: each of
  // the batch's parts (step_parts.h) is one unit of work, which calls
  // fill(first, count, x) to put the batch's rows [first, first + count) at x (as input()
  // takes them), then runs them forward and differentiates. The parts' gradients are added in
  // order: the same bits for any team.
  BatchResult step_in_parts(const std::function<void(uint32_t, uint32_t, float*)>& fill,
                            const uint8_t* labels, uint32_t rows, float label_smoothing,
                            ThreadPool* team);

 private:
  std::vector<NetworkLayer> layers_;
  std::vector<AlignedVector<float>> activations_;  // [0] input, [l + 1] output of layer l
  AlignedVector<float> delta_, delta_previous_;
  AlignedVector<float> part_gradients_;  // step_in_parts(): each part's weights, then bias
  uint32_t capacity_ = 0;
};

}  // namespace train
}  // namespace softedge

#endif
