// Built with -march=SOFTEDGE_TRAINER_ARCH (xsimd batches of the desktop's widest vectors).
#include "softedge/train/adamw.h"

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t kLanes = batch::size;

// Elements per chunk of work: fixed, so the chunks do not depend on the thread count.
constexpr size_t kChunk = 16384;

struct StepConstants {
  float learning_rate;
  float weight_decay;
  float beta1;
  float step_size;       // learning_rate / (1 - beta1^t)
  float inv_sqrt_bias2;  // 1 / sqrt(1 - beta2^t)
};

// PyTorch's AdamW on one array: w *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// w -= step_size * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
void adamw(float* w, float* m, float* v, const float* g, size_t count, const StepConstants& s,
           bool decay) {
  const float keep = decay ? 1.0f - s.learning_rate * s.weight_decay : 1.0f;
  const float b1 = s.beta1, c1 = 1.0f - s.beta1;
  const float b2 = static_cast<float>(AdamW::kBeta2), c2 = static_cast<float>(1.0 - AdamW::kBeta2);
  const float eps = static_cast<float>(AdamW::kEpsilon);
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    const batch gv = batch::load_unaligned(g + i);
    const batch mv = batch(b1) * batch::load_unaligned(m + i) + batch(c1) * gv;
    const batch vv = batch(b2) * batch::load_unaligned(v + i) + batch(c2) * (gv * gv);
    const batch denom = xsimd::sqrt(vv) * batch(s.inv_sqrt_bias2) + batch(eps);
    const batch wv = batch::load_unaligned(w + i) * batch(keep) - batch(s.step_size) * (mv / denom);
    mv.store_unaligned(m + i);
    vv.store_unaligned(v + i);
    wv.store_unaligned(w + i);
  }
  for (; i < count; ++i) {
    const float gi = g[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    const float denom = std::sqrt(vi) * s.inv_sqrt_bias2 + eps;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] * keep - s.step_size * (mi / denom);
  }
}

}  // namespace

AdamW::AdamW(const std::vector<NetworkLayer>& layers, float weight_decay)
    : weight_decay_(weight_decay) {
  for (uint32_t l = 0; l < layers.size(); ++l) {
    const size_t weights = layers[l].wt.size();
    Moments& m = moments_.emplace_back();
    m.m_wt.assign(weights, 0.0f);
    m.v_wt.assign(weights, 0.0f);
    m.m_bias.assign(layers[l].out, 0.0f);
    m.v_bias.assign(layers[l].out, 0.0f);
    for (size_t begin = 0; begin < weights; begin += kChunk) {
      chunks_.push_back({l, false, begin, std::min(weights, begin + kChunk)});
    }
    chunks_.push_back({l, true, 0, layers[l].out});
  }
}

void AdamW::step(std::vector<NetworkLayer>& layers, double learning_rate, double beta1,
                 ThreadPool* team) {
  ++steps_;
  // PyTorch's bias correction with a cycled beta1: 1 - beta1^t with the current beta1.
  beta2_power_ *= kBeta2;
  const double beta1_power = std::pow(beta1, static_cast<double>(steps_));
  StepConstants s;
  s.learning_rate = static_cast<float>(learning_rate);
  s.weight_decay = weight_decay_;
  s.beta1 = static_cast<float>(beta1);
  s.step_size = static_cast<float>(learning_rate / (1.0 - beta1_power));
  s.inv_sqrt_bias2 = static_cast<float>(1.0 / std::sqrt(1.0 - beta2_power_));
  parallel_for(team, static_cast<uint32_t>(chunks_.size()), [&](uint32_t index) {
    const Chunk& c = chunks_[index];
    NetworkLayer& layer = layers[c.layer];
    Moments& m = moments_[c.layer];
    if (c.is_bias) {
      adamw(layer.bias.data() + c.begin, m.m_bias.data() + c.begin, m.v_bias.data() + c.begin,
            layer.grad_bias.data() + c.begin, c.end - c.begin, s, false);
    } else {
      adamw(layer.wt.data() + c.begin, m.m_wt.data() + c.begin, m.v_wt.data() + c.begin,
            layer.grad_wt.data() + c.begin, c.end - c.begin, s, true);
    }
  });
}

}  // namespace train
}  // namespace softedge
