// The convolutional network's passes (see cnn_network.h).
#include "softedge/train/cnn_network.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "softedge/train/gemm.h"

namespace softedge {
namespace train {
namespace {

using format::Activation;
using format::LayerKind;

// Elements per unit when summing the units' gradients: fixed, so the split is too.
constexpr size_t kSumChunk = 4096;

uint32_t unit_count(uint32_t rows) {
  return (rows + CnnNetwork::kImagesPerUnit - 1) / CnnNetwork::kImagesPerUnit;
}

// Per-thread scratch for the patches' gradients (the workers are long-lived).
float* scratch(size_t floats) {
  thread_local AlignedVector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

void apply_sigmoid(float* values, size_t count) {
  for (size_t i = 0; i < count; ++i) values[i] = 1.0f / (1.0f + std::exp(-values[i]));
}

// delta *= the activation's derivative, from the activation's output y.
void activation_backward(Activation activation, const float* y, size_t count, float* delta) {
  if (activation == Activation::kRelu) {
    for (size_t i = 0; i < count; ++i) delta[i] = y[i] > 0.0f ? delta[i] : 0.0f;
  } else if (activation == Activation::kSigmoid) {
    for (size_t i = 0; i < count; ++i) delta[i] *= y[i] * (1.0f - y[i]);
  }
}

std::string layer_name(size_t l) { return "layer " + std::to_string(l + 1); }

bool is_image_layer(LayerKind kind) { return kind != LayerKind::kDense; }

}  // namespace

std::vector<CnnLayer> cnn_layers(format::Shape input, const std::vector<CnnLayerSpec>& specs) {
  if (specs.empty() || specs.back().kind != LayerKind::kDense) {
    throw std::invalid_argument("a network's last layer must be dense (the class scores)");
  }
  std::vector<CnnLayer> layers;
  format::Shape shape = input;
  bool dense_seen = false;
  int32_t params = 0;
  for (size_t l = 0; l < specs.size(); ++l) {
    const CnnLayerSpec& s = specs[l];
    CnnLayer layer;
    layer.spec = s;
    layer.in = shape;
    if (s.kind == LayerKind::kDense) {
      if (s.outputs == 0) throw std::invalid_argument(layer_name(l) + ": dense with 0 outputs");
      layer.out = {1, 1, s.outputs};
      dense_seen = true;
    } else {
      const bool conv = s.kind == LayerKind::kConv2d;
      if (dense_seen) {
        throw std::invalid_argument(layer_name(l) + ": convolution or pooling after a dense layer");
      }
      if (s.kernel_size < 1 || s.kernel_size > format::kMaxKernelSize || s.stride < 1 ||
          s.stride > 15 || (conv ? s.padding >= s.kernel_size : s.padding != 0)) {
        throw std::invalid_argument(layer_name(l) + ": kernel " + std::to_string(s.kernel_size) +
                                    ", stride " + std::to_string(s.stride) + ", padding " +
                                    std::to_string(s.padding) + " is not a valid window");
      }
      if (!conv && s.activation != Activation::kNone) {
        throw std::invalid_argument(layer_name(l) + ": pooling takes no activation");
      }
      if (conv && s.outputs == 0) {
        throw std::invalid_argument(layer_name(l) + ": convolution with 0 output channels");
      }
      layer.out.height = format::window_output_extent(shape.height, s.kernel_size, s.stride,
                                                      s.padding);
      layer.out.width = format::window_output_extent(shape.width, s.kernel_size, s.stride,
                                                     s.padding);
      layer.out.channels = conv ? s.outputs : shape.channels;
      if (layer.out.height == 0 || layer.out.width == 0) {
        throw std::invalid_argument(layer_name(l) + ": the window does not fit the " +
                                    std::to_string(shape.height) + "x" +
                                    std::to_string(shape.width) + " input");
      }
    }
    if (s.kind == LayerKind::kDense || s.kind == LayerKind::kConv2d) layer.param = params++;
    shape = layer.out;
    layers.push_back(layer);
  }
  return layers;
}

CnnNetwork::CnnNetwork(format::Shape input, const std::vector<CnnLayerSpec>& specs)
    : layers_(cnn_layers(input, specs)) {
  while (image_layers_ < layers_.size() && is_image_layer(layers_[image_layers_].spec.kind)) {
    ++image_layers_;
  }
  for (const CnnLayer& layer : layers_) {
    if (layer.param < 0) continue;
    NetworkLayer p;
    const bool conv = layer.spec.kind == LayerKind::kConv2d;
    p.in = conv ? layer.conv().patch() : layer.in_size();
    p.out = conv ? layer.out.channels : layer.out_size();
    p.wt.assign(size_t{p.in} * p.out, 0.0f);
    p.bias.assign(p.out, 0.0f);
    p.grad_wt.assign(p.wt.size(), 0.0f);
    p.grad_bias.assign(p.out, 0.0f);
    params_.push_back(std::move(p));
  }
  unit_grad_wt_.resize(params_.size());
  unit_grad_bias_.resize(params_.size());
  argmax_.resize(layers_.size());
  patches_.resize(layers_.size());
}

void CnnNetwork::reserve(uint32_t rows) {
  if (rows <= capacity_) return;
  capacity_ = rows;
  act_.resize(layers_.size() + 1);
  delta_.resize(layers_.size() + 1);
  act_[0].resize(size_t{rows} * inputs());
  delta_[0].clear();  // nothing needs the gradient of the pixels
  for (size_t l = 0; l < layers_.size(); ++l) {
    const size_t outputs = size_t{rows} * layers_[l].out_size();
    act_[l + 1].resize(outputs);
    delta_[l + 1].resize(outputs);
    if (layers_[l].spec.kind == LayerKind::kMaxPool) argmax_[l].resize(outputs);
    if (layers_[l].spec.kind == LayerKind::kConv2d) {
      const ConvGeometry g = layers_[l].conv();
      patches_[l].resize(size_t{rows} * g.positions() * g.patch());
      const NetworkLayer& p = params_[layers_[l].param];
      unit_grad_wt_[layers_[l].param].resize(size_t{unit_count(rows)} * p.wt.size());
      unit_grad_bias_[layers_[l].param].resize(size_t{unit_count(rows)} * p.out);
    }
  }
}

void CnnNetwork::forward_images(uint32_t first, uint32_t images) {
  for (size_t l = 0; l < image_layers_; ++l) {
    const CnnLayer& layer = layers_[l];
    const float* in = act_[l].data() + size_t{first} * layer.in_size();
    float* out = act_[l + 1].data() + size_t{first} * layer.out_size();
    switch (layer.spec.kind) {
      case LayerKind::kConv2d: {
        const ConvGeometry g = layer.conv();
        const NetworkLayer& p = params_[layer.param];
        float* patches = patches_[l].data() + size_t{first} * g.positions() * g.patch();
        conv_forward(g, in, images, p.wt.data(), p.bias.data(), layer.spec.activation, patches,
                     out);
        if (layer.spec.activation == Activation::kSigmoid) {
          apply_sigmoid(out, size_t{images} * layer.out_size());
        }
        break;
      }
      case LayerKind::kMaxPool:
        max_pool_forward(layer.pool(), in, images, out,
                         argmax_[l].data() + size_t{first} * layer.out_size());
        break;
      case LayerKind::kAvgPool: avg_pool_forward(layer.pool(), in, images, out); break;
      default: break;
    }
  }
}

void CnnNetwork::forward(uint32_t rows, ThreadPool* team) {
  parallel_for(team, unit_count(rows), [&](uint32_t unit) {
    const uint32_t first = unit * kImagesPerUnit;
    forward_images(first, std::min(kImagesPerUnit, rows - first));
  });
  for (size_t l = image_layers_; l < layers_.size(); ++l) {
    const CnnLayer& layer = layers_[l];
    const NetworkLayer& p = params_[layer.param];
    gemm_ab(rows, p.out, p.in, act_[l].data(), p.in, p.wt.data(), p.out, p.bias.data(),
            act_[l + 1].data(), p.out,
            layer.spec.activation == Activation::kRelu ? Activation::kRelu : Activation::kNone,
            team);
    if (layer.spec.activation == Activation::kSigmoid) {
      apply_sigmoid(act_[l + 1].data(), size_t{rows} * p.out);
    }
  }
}

BatchResult CnnNetwork::loss(const uint8_t* labels, uint32_t rows, float label_smoothing,
                             bool gradient) {
  SoftmaxOutputs outputs;
  if (gradient) outputs.mean_gradient = delta_.back().data();
  return softmax_cross_entropy<float>(logits(), labels, rows, classes(), label_smoothing,
                                      outputs);
}

void CnnNetwork::backward_images(uint32_t unit, uint32_t first, uint32_t images) {
  for (size_t l = image_layers_; l-- > 0;) {
    const CnnLayer& layer = layers_[l];
    float* d_out = delta_[l + 1].data() + size_t{first} * layer.out_size();
    float* d_in = l == 0 ? nullptr : delta_[l].data() + size_t{first} * layer.in_size();
    switch (layer.spec.kind) {
      case LayerKind::kConv2d: {
        const ConvGeometry g = layer.conv();
        const NetworkLayer& p = params_[layer.param];
        activation_backward(layer.spec.activation,
                            act_[l + 1].data() + size_t{first} * layer.out_size(),
                            size_t{images} * layer.out_size(), d_out);
        const size_t offset = size_t{first} * g.positions() * g.patch();
        conv_backward(g, patches_[l].data() + offset, images, p.wt.data(), d_out,
                      d_in != nullptr ? scratch(size_t{images} * g.positions() * g.patch())
                                      : nullptr,
                      unit_grad_wt_[layer.param].data() + size_t{unit} * p.wt.size(),
                      unit_grad_bias_[layer.param].data() + size_t{unit} * p.out, d_in);
        break;
      }
      case LayerKind::kMaxPool:
        if (d_in != nullptr) {
          max_pool_backward(layer.pool(), d_out,
                            argmax_[l].data() + size_t{first} * layer.out_size(), images, d_in);
        }
        break;
      case LayerKind::kAvgPool:
        if (d_in != nullptr) avg_pool_backward(layer.pool(), d_out, images, d_in);
        break;
      default: break;
    }
  }
}

void CnnNetwork::backward(uint32_t rows, ThreadPool* team) {
  for (size_t l = layers_.size(); l-- > image_layers_;) {
    const CnnLayer& layer = layers_[l];
    NetworkLayer& p = params_[layer.param];
    float* d_out = delta_[l + 1].data();
    activation_backward(layer.spec.activation, act_[l + 1].data(), size_t{rows} * p.out, d_out);
    gemm_atb(p.in, p.out, rows, act_[l].data(), p.in, d_out, p.out, p.grad_wt.data(), p.out,
             false, team);
    std::fill(p.grad_bias.begin(), p.grad_bias.end(), 0.0f);
    for (uint32_t r = 0; r < rows; ++r) {
      for (uint32_t o = 0; o < p.out; ++o) p.grad_bias[o] += d_out[size_t{r} * p.out + o];
    }
    if (l == 0) break;
    gemm_abt(rows, p.in, p.out, d_out, p.out, p.wt.data(), p.out, nullptr, delta_[l].data(),
             p.in, Activation::kNone, team);
  }
  if (image_layers_ == 0) return;
  const uint32_t units = unit_count(rows);
  parallel_for(team, units, [&](uint32_t unit) {
    const uint32_t first = unit * kImagesPerUnit;
    backward_images(unit, first, std::min(kImagesPerUnit, rows - first));
  });
  // The convolutions' gradients: the units' sums, added in unit order.
  for (size_t l = 0; l < image_layers_; ++l) {
    if (layers_[l].param < 0) continue;
    NetworkLayer& p = params_[layers_[l].param];
    const float* unit_wt = unit_grad_wt_[layers_[l].param].data();
    const float* unit_bias = unit_grad_bias_[layers_[l].param].data();
    const size_t size = p.wt.size();
    parallel_for(team, static_cast<uint32_t>((size + kSumChunk - 1) / kSumChunk),
                 [&](uint32_t chunk) {
                   const size_t begin = chunk * kSumChunk, end = std::min(size, begin + kSumChunk);
                   float* sum = p.grad_wt.data();
                   std::copy(unit_wt + begin, unit_wt + end, sum + begin);
                   for (uint32_t u = 1; u < units; ++u) {
                     const float* part = unit_wt + size_t{u} * size;
                     for (size_t i = begin; i < end; ++i) sum[i] += part[i];
                   }
                 });
    for (uint32_t o = 0; o < p.out; ++o) {
      float sum = 0.0f;
      for (uint32_t u = 0; u < units; ++u) sum += unit_bias[size_t{u} * p.out + o];
      p.grad_bias[o] = sum;
    }
  }
}

}  // namespace train
}  // namespace softedge
