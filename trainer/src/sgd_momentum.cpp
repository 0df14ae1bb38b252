// Built with -march=SOFTEDGE_TRAINER_ARCH: the loops vectorize (softedge/train/sgd_momentum.h).
#include "softedge/train/sgd_momentum.h"

#include <algorithm>
#include <stdexcept>

namespace softedge {
namespace train {
namespace {

// Elements per unit of work: fixed, so the units do not depend on the thread count.
constexpr size_t kChunk = 16384;

void nesterov(float* w, float* velocity, const float* g, size_t count, float lr, float momentum,
              float decay) {
  for (size_t i = 0; i < count; ++i) {
    const float d = g[i] + decay * w[i];
    velocity[i] = momentum * velocity[i] + d;
    w[i] -= lr * (d + momentum * velocity[i]);
  }
}

}  // namespace

SgdMomentum::SgdMomentum(const std::vector<NetworkLayer>& layers, float momentum,
                         float weight_decay)
    : momentum_(momentum), weight_decay_(weight_decay) {
  if (!(momentum >= 0.0f && momentum < 1.0f) || !(weight_decay >= 0.0f)) {
    throw std::invalid_argument("SGD: momentum or weight decay out of range");
  }
  for (const NetworkLayer& layer : layers) {
    velocity_wt_.emplace_back(layer.wt.size(), 0.0f);
    velocity_bias_.emplace_back(layer.bias.size(), 0.0f);
  }
}

void SgdMomentum::step(std::vector<NetworkLayer>& layers, double learning_rate,
                       ThreadPool* team) {
  const float lr = static_cast<float>(learning_rate);
  for (size_t l = 0; l < layers.size(); ++l) {
    NetworkLayer& layer = layers[l];
    const size_t count = layer.wt.size();
    const uint32_t chunks = static_cast<uint32_t>((count + kChunk - 1) / kChunk);
    parallel_for(chunks > 1 ? team : nullptr, chunks, [&](uint32_t chunk) {
      const size_t begin = chunk * kChunk, end = std::min(count, begin + kChunk);
      nesterov(layer.wt.data() + begin, velocity_wt_[l].data() + begin,
               layer.grad_wt.data() + begin, end - begin, lr, momentum_, weight_decay_);
    });
    nesterov(layer.bias.data(), velocity_bias_[l].data(), layer.grad_bias.data(),
             layer.bias.size(), lr, momentum_, 0.0f);
  }
  ++steps_;
}

}  // namespace train
}  // namespace softedge
