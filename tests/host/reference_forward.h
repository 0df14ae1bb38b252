// reference_forward.h — a float model (host::ModelSpec, float32 layers) run in double
// precision with plain nested loops, as docs/FORMAT.md defines the layers: dense, NHWC
// convolution (OHWI rows, zero padding), max and average pooling, ReLU and sigmoid. Written
// independently of the runtime, the trainer and the quantizer, for tests to compare them with.
#ifndef SOFTEDGE_TESTS_HOST_REFERENCE_FORWARD_H
#define SOFTEDGE_TESTS_HOST_REFERENCE_FORWARD_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "softedge/format.h"
#include "softedge/host/model_writer.h"

namespace fixtures {

// The logits of `features` (input_height x input_width x input_channels, NHWC).
inline std::vector<double> reference_forward(const softedge::host::ModelSpec& spec,
                                             std::vector<double> x) {
  namespace format = softedge::format;
  format::Shape s{spec.input_height, spec.input_width, spec.input_channels};
  for (const softedge::host::LayerSpec& l : spec.layers) {
    std::vector<double> y;
    if (l.kind == format::LayerKind::kDense) {
      for (uint32_t o = 0; o < l.out_features; ++o) {
        double sum = l.bias[o];
        for (uint32_t i = 0; i < l.in_features; ++i) sum += l.weights[o * l.in_features + i] * x[i];
        y.push_back(sum);
      }
      s = {1, 1, l.out_features};
    } else {
      const bool conv = l.kind == format::LayerKind::kConv2d;
      const int64_t k = l.kernel_size, stride = l.stride, pad = l.padding;
      const uint32_t oh = static_cast<uint32_t>((s.height + 2 * pad - k) / stride + 1);
      const uint32_t ow = static_cast<uint32_t>((s.width + 2 * pad - k) / stride + 1);
      const uint32_t oc = l.out_features / (oh * ow);
      for (uint32_t oy = 0; oy < oh; ++oy) {
        for (uint32_t ox = 0; ox < ow; ++ox) {
          for (uint32_t o = 0; o < oc; ++o) {
            double sum = conv ? l.bias[o] : 0.0;
            double best = -INFINITY;
            for (int64_t ky = 0; ky < k; ++ky) {
              for (int64_t kx = 0; kx < k; ++kx) {
                const int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy < 0 || ix < 0 || iy >= s.height || ix >= s.width) continue;  // zeros
                const double* pixel = &x[(iy * s.width + ix) * s.channels];
                if (!conv) {
                  best = std::max(best, pixel[o]);
                  sum += pixel[o];
                  continue;
                }
                for (uint32_t c = 0; c < s.channels; ++c) {
                  sum += l.weights[((o * k + ky) * k + kx) * s.channels + c] * pixel[c];
                }
              }
            }
            y.push_back(conv                                    ? sum
                        : l.kind == format::LayerKind::kMaxPool ? best
                                                                : sum / static_cast<double>(k * k));
          }
        }
      }
      s = {oh, ow, oc};
    }
    for (double& v : y) {
      if (l.activation == format::Activation::kRelu) v = std::max(v, 0.0);
      if (l.activation == format::Activation::kSigmoid) v = 1.0 / (1.0 + std::exp(-v));
    }
    x = y;
  }
  return x;
}

}  // namespace fixtures

#endif
