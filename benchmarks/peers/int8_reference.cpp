#include "int8_reference.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace peers {
namespace {

using softedge::format::LayerMode;

int32_t dot(const uint8_t* x, const int8_t* w, uint32_t n) {
  int32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += static_cast<int32_t>(x[i]) * w[i];
  return sum;
}

// The runtime's requantization (inference.cpp): round half up in int64, clamp to [0, 255].
uint8_t requantize(int32_t acc, int32_t m, int32_t shift) {
  const int64_t product = static_cast<int64_t>(acc) * m;
  if (product <= 0) return 0;
  const int n = 31 + shift;
  const int64_t rounded = (product + (int64_t{1} << (n - 1))) >> n;
  return static_cast<uint8_t>(std::min<int64_t>(rounded, 255));
}

}  // namespace

bool all_int8(const softedge::Model& model) {
  for (uint32_t l = 0; l < model.layer_count; ++l) {
    const bool last = l + 1 == model.layer_count;
    const LayerMode want = last ? LayerMode::kInt8FloatOutput : LayerMode::kInt8Uint8Output;
    if (model.layers[l].mode != want) return false;
  }
  return true;
}

LogitRange int8_logit_range(const LoadedModel& loaded) {
  const softedge::Model& model = loaded.model;
  LogitRange range;
  range.lowest_top = INFINITY;
  std::vector<uint8_t> x, y;
  for (uint32_t image = 0; image < loaded.image_count(); ++image) {
    const uint8_t* pixels = &loaded.pixels[static_cast<size_t>(image) * model.input_size];
    x.assign(pixels, pixels + model.input_size);
    float top = -INFINITY;
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      const softedge::DenseLayer& layer = model.layers[l];
      y.resize(layer.out_features);
      for (uint32_t o = 0; o < layer.out_features; ++o) {
        const int32_t acc = layer.bias_i32[o] +
                            dot(x.data(), layer.weights_i8 + size_t{o} * layer.in_features,
                                layer.in_features);
        if (layer.mode == LayerMode::kInt8FloatOutput) {
          const float logit = static_cast<float>(acc) * layer.scales[o];
          range.lowest = std::min(range.lowest, logit);
          range.highest = std::max(range.highest, logit);
          top = std::max(top, logit);
        } else {
          y[o] = requantize(acc, layer.requant[2 * o], layer.requant[2 * o + 1]);
        }
      }
      x.swap(y);
    }
    range.lowest_top = std::min(range.lowest_top, top);
  }
  return range;
}

}  // namespace peers
