// softedge/train/cnn_network.h — a convolutional network while it trains: convolutions and
// pooling over NHWC images (conv_layer.h, pool_layer.h), then dense layers (as network.h), with
// ReLU or sigmoid, softmax cross-entropy and the backward pass.
//
// Threads. The convolution and pooling layers run on fixed units of kImagesPerUnit images of
// the batch: a unit goes through all of them on one thread (its activations stay in cache) and
// leaves its own weight gradients, which are then summed over the units in unit order. The
// dense layers run on the whole batch through gemm.h's shared products. Neither depends on the
// thread count, so the results are bit-identical for any team.
#ifndef SOFTEDGE_TRAIN_CNN_NETWORK_H
#define SOFTEDGE_TRAIN_CNN_NETWORK_H

#include <cstdint>
#include <vector>

#include "softedge/format.h"
#include "softedge/train/aligned_vector.h"
#include "softedge/train/conv_layer.h"
#include "softedge/train/cross_entropy.h"
#include "softedge/train/network.h"
#include "softedge/train/pool_layer.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// One layer as the command line and the presets describe it.
struct CnnLayerSpec {
  format::LayerKind kind = format::LayerKind::kDense;
  uint32_t outputs = 0;  // convolution: output channels; dense: output features; pools: unused
  uint32_t kernel_size = 0;
  uint32_t stride = 1;
  uint32_t padding = 0;
  format::Activation activation = format::Activation::kNone;
};

// A layer with its shapes (one image) resolved.
struct CnnLayer {
  CnnLayerSpec spec;
  format::Shape in{}, out{};
  int32_t param = -1;  // index of its weights in CnnNetwork::params(); -1 for pools
  ConvGeometry conv() const { return {in, out, spec.kernel_size, spec.stride, spec.padding}; }
  PoolGeometry pool() const { return {in, out, spec.kernel_size, spec.stride}; }
  uint32_t in_size() const { return in.height * in.width * in.channels; }
  uint32_t out_size() const { return out.height * out.width * out.channels; }
};

// The layers' shapes from the input's. Throws std::invalid_argument naming the layer for a
// geometry the file format cannot hold (design: format.h, version 3): a window that does not
// fit, kernel/stride outside 1..15, padding >= kernel (convolution) or != 0 (pooling), an
// activation on a pool, a convolution or pool after a dense layer, or a last layer that is not
// dense.
std::vector<CnnLayer> cnn_layers(format::Shape input, const std::vector<CnnLayerSpec>& specs);

class CnnNetwork {
 public:
  static constexpr uint32_t kImagesPerUnit = 4;

  // Parameters start at zero (the trainer initializes them). Throws like cnn_layers().
  CnnNetwork(format::Shape input, const std::vector<CnnLayerSpec>& specs);

  const std::vector<CnnLayer>& layers() const { return layers_; }
  // Weights (Wt: patch or in-features x out) and biases of the convolution and dense layers, in
  // layer order, with their gradients after backward(). AdamW (adamw.h) updates them.
  std::vector<NetworkLayer>& params() { return params_; }
  const std::vector<NetworkLayer>& params() const { return params_; }
  uint32_t inputs() const { return layers_.front().in_size(); }
  uint32_t classes() const { return layers_.back().out_size(); }

  // Buffers for batches of up to `rows` images.
  void reserve(uint32_t rows);
  float* input() { return act_[0].data(); }  // rows x inputs(), NHWC images
  const float* logits() const { return act_.back().data(); }

  void forward(uint32_t rows, ThreadPool* team);
  // As Network::loss: leaves d(mean loss)/d(logits) for backward() when `gradient`.
  BatchResult loss(const uint8_t* labels, uint32_t rows, float label_smoothing, bool gradient);
  void backward(uint32_t rows, ThreadPool* team);

 private:
  void forward_images(uint32_t first, uint32_t images);
  void backward_images(uint32_t unit, uint32_t first, uint32_t images);

  std::vector<CnnLayer> layers_;
  std::vector<NetworkLayer> params_;
  size_t image_layers_ = 0;  // layers [0, image_layers_) are convolutions and pools
  std::vector<AlignedVector<float>> act_, delta_;  // [l + 1]: output of layer l; act_[0] input
  std::vector<std::vector<uint32_t>> argmax_;      // max pools: per output value
  // Convolutions: the batch's patches from forward() for backward() (memory for one im2col).
  std::vector<AlignedVector<float>> patches_;
  // Per convolution (by param index): every unit's weight and bias gradients, unit-major.
  std::vector<AlignedVector<float>> unit_grad_wt_, unit_grad_bias_;
  uint32_t capacity_ = 0;
};

}  // namespace train
}  // namespace softedge

#endif
