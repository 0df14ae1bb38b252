// Built with -march=SOFTEDGE_TRAINER_ARCH (xsimd batches of the desktop's widest vectors).
#include "softedge/train/network.h"

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "softedge/format.h"
#include "softedge/train/gemm.h"
#include "softedge/train/narrow_layer.h"
#include "softedge/train/step_parts.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t kLanes = batch::size;

// out[c] = sum over r (in order) of m[r][c].
void column_sums(const float* m, uint32_t rows, uint32_t cols, float* out) {
  std::fill(out, out + cols, 0.0f);
  for (uint32_t r = 0; r < rows; ++r) {
    const float* row = m + size_t{r} * cols;
    uint32_t c = 0;
    for (; c + kLanes <= cols; c += kLanes) {
      (batch::load_unaligned(out + c) + batch::load_unaligned(row + c)).store_unaligned(out + c);
    }
    for (; c < cols; ++c) out[c] += row[c];
  }
}

// y = max(y, 0): the ReLU (a narrow hidden layer; the GEMM applies it to the others).
void relu_forward(float* y, size_t count) {
  for (size_t i = 0; i < count; ++i) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

// delta *= (activation > 0): the ReLU's derivative (0 at 0).
void relu_backward(const float* activation, size_t count, float* delta) {
  const batch zero(0.0f);
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    const batch a = batch::load_unaligned(activation + i);
    const batch d = batch::load_unaligned(delta + i);
    xsimd::select(a > zero, d, zero).store_unaligned(delta + i);
  }
  for (; i < count; ++i) delta[i] = activation[i] > 0.0f ? delta[i] : 0.0f;
}

// to[c * rows + r] = from[r * cols + c]: a rows x cols matrix transposed.
void transpose(const float* from, uint32_t rows, uint32_t cols, float* to) {
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) to[size_t{c} * rows + r] = from[size_t{r} * cols + c];
  }
}

bool narrow(const NetworkLayer& layer) { return layer.out <= kNarrowLayerOutputs; }

}  // namespace

NetworkLayer network_layer(const DenseParams& params) {
  const uint32_t in = params.in_features, out = params.out_features;
  if (params.weights.size() != size_t{in} * out || params.bias.size() != out) {
    throw std::invalid_argument("dense layer: weights or bias do not match its shape");
  }
  NetworkLayer layer;
  layer.in = in;
  layer.out = out;
  layer.wt.resize(size_t{in} * out);
  transpose(params.weights.data(), out, in, layer.wt.data());
  layer.bias.assign(params.bias.begin(), params.bias.end());
  return layer;
}

std::vector<NetworkLayer> network_layers(const std::vector<DenseParams>& params) {
  std::vector<NetworkLayer> layers;
  layers.reserve(params.size());
  for (const DenseParams& p : params) {
    layers.push_back(network_layer(p));
    NetworkLayer& layer = layers.back();
    if (narrow(layer)) std::copy(p.weights.begin(), p.weights.end(), layer.wt.begin());
  }
  return layers;
}

DenseParams dense_params(uint32_t in, uint32_t out, const float* wt, const float* bias) {
  DenseParams params;
  params.in_features = in;
  params.out_features = out;
  params.weights.resize(size_t{in} * out);
  transpose(wt, in, out, params.weights.data());
  params.bias.assign(bias, bias + out);
  return params;
}

DenseParams network_dense_params(uint32_t in, uint32_t out, const float* weights,
                                 const float* bias) {
  if (out > kNarrowLayerOutputs) return dense_params(in, out, weights, bias);
  DenseParams params;
  params.in_features = in;
  params.out_features = out;
  params.weights.assign(weights, weights + size_t{in} * out);
  params.bias.assign(bias, bias + out);
  return params;
}

Network::Network(std::vector<NetworkLayer> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw std::invalid_argument("a network needs at least one layer");
  for (size_t l = 1; l < layers_.size(); ++l) {
    if (layers_[l].in != layers_[l - 1].out) {
      throw std::invalid_argument("dense layers: widths of consecutive layers do not chain");
    }
  }
}

void Network::reserve(uint32_t rows) {
  if (rows <= capacity_) return;
  capacity_ = rows;
  activations_.resize(layers_.size() + 1);
  activations_[0].resize(size_t{rows} * inputs());
  uint32_t widest = 0;
  for (size_t l = 0; l < layers_.size(); ++l) {
    activations_[l + 1].resize(size_t{rows} * layers_[l].out);
    widest = std::max(widest, layers_[l].out);
  }
  delta_.resize(size_t{rows} * widest);
  delta_previous_.resize(size_t{rows} * widest);
}

void Network::forward(uint32_t rows, ThreadPool* team) {
  for (size_t l = 0; l < layers_.size(); ++l) {
    const NetworkLayer& layer = layers_[l];
    const bool hidden = l + 1 < layers_.size();
    if (narrow(layer)) {
      float* y = activations_[l + 1].data();
      narrow_forward(layer.wt.data(), layer.bias.data(), layer.in, layer.out,
                     activations_[l].data(), rows, y);
      if (hidden) relu_forward(y, size_t{rows} * layer.out);
      continue;
    }
    gemm_ab(rows, layer.out, layer.in, activations_[l].data(), layer.in, layer.wt.data(),
            layer.out, layer.bias.data(), activations_[l + 1].data(), layer.out,
            hidden ? format::Activation::kRelu : format::Activation::kNone, team);
  }
}

BatchResult Network::loss(const uint8_t* labels, uint32_t rows, float label_smoothing,
                          bool gradient) {
  SoftmaxOutputs outputs;
  if (gradient) outputs.mean_gradient = delta_.data();  // what backward() starts from
  return softmax_cross_entropy<float>(logits(), labels, rows, classes(), label_smoothing,
                                      outputs);
}

void Network::backward(uint32_t rows, ThreadPool* team) {
  for (size_t l = layers_.size(); l-- > 0;) {
    NetworkLayer& layer = layers_[l];
    const float* input = activations_[l].data();
    if (layer.grad_wt.size() != layer.wt.size()) {
      layer.grad_wt.resize(layer.wt.size());
      layer.grad_bias.resize(layer.out);
    }
    if (narrow(layer)) {
      std::fill(layer.grad_wt.begin(), layer.grad_wt.end(), 0.0f);
      accumulate_weight_gradient(layer.grad_wt.data(), layer.in, layer.out, delta_.data(), input,
                                 rows);
    } else {
      gemm_atb(layer.in, layer.out, rows, input, layer.in, delta_.data(), layer.out,
               layer.grad_wt.data(), layer.out, false, team);
    }
    column_sums(delta_.data(), rows, layer.out, layer.grad_bias.data());
    if (l == 0) break;
    // dX = dZ . W: W is layer.wt for a narrow layer, its transpose for the others.
    if (narrow(layer)) {
      gemm_ab(rows, layer.in, layer.out, delta_.data(), layer.out, layer.wt.data(), layer.in,
              nullptr, delta_previous_.data(), layer.in, format::Activation::kNone, team);
    } else {
      gemm_abt(rows, layer.in, layer.out, delta_.data(), layer.out, layer.wt.data(), layer.out,
               nullptr, delta_previous_.data(), layer.in, format::Activation::kNone, team);
    }
    relu_backward(input, size_t{rows} * layer.in, delta_previous_.data());
    std::swap(delta_, delta_previous_);
  }
}

BatchResult Network::step_in_parts(const std::function<void(uint32_t, uint32_t, float*)>& fill,
                                   const uint8_t* labels, uint32_t rows, float label_smoothing,
                                   ThreadPool* team) {
  NetworkLayer& layer = layers_[0];
  const uint32_t in = layer.in, out = layer.out;
  const size_t weights = size_t{in} * out;
  const size_t gradient_size = weights + out;
  part_gradients_.resize(kStepParts * gradient_size);
  BatchResult results[kStepParts];
  parallel_for(team, kStepParts, [&](uint32_t part) {
    const auto [first, count] = step_part(rows, part);
    float* gradient = part_gradients_.data() + part * gradient_size;
    std::fill(gradient, gradient + gradient_size, 0.0f);
    if (count == 0) return;
    float* x = activations_[0].data() + size_t{first} * in;
    fill(first, count, x);
    float* z = activations_[1].data() + size_t{first} * out;
    narrow_forward(layer.wt.data(), layer.bias.data(), in, out, x, count, z);
    SoftmaxOutputs outputs;
    outputs.mean_gradient = delta_.data() + size_t{first} * out;
    outputs.mean_rows = rows;
    results[part] =
        softmax_cross_entropy<float>(z, labels + first, count, out, label_smoothing, outputs);
    accumulate_weight_gradient(gradient, in, out, outputs.mean_gradient, x, count);
    column_sums(outputs.mean_gradient, count, out, gradient + weights);
  });
  layer.grad_wt.resize(weights);
  layer.grad_bias.resize(out);
  const float* parts = part_gradients_.data();
  for (size_t k = 0; k < weights; ++k) layer.grad_wt[k] = sum_of_parts(parts, gradient_size, k);
  for (uint32_t o = 0; o < out; ++o) {
    layer.grad_bias[o] = sum_of_parts(parts, gradient_size, weights + o);
  }
  return sum_of_parts(results);
}

}  // namespace train
}  // namespace softedge
