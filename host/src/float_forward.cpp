#include "softedge/host/float_forward.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "softedge/kernels.h"

namespace softedge {
namespace host {

std::vector<format::Shape> layer_shapes(const ModelSpec& model) {
  std::vector<format::Shape> shapes;
  format::Shape shape{model.input_height, model.input_width, model.input_channels};
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const LayerSpec& layer = model.layers[l];
    const std::string name = "layer " + std::to_string(l);
    if (format::shape_size(shape) != layer.in_features) {
      throw std::invalid_argument(name + ": in_features " + std::to_string(layer.in_features) +
                                  " is not the size of its input " +
                                  std::to_string(format::shape_size(shape)));
    }
    shapes.push_back(shape);
    if (layer.kind == format::LayerKind::kDense) {
      shape = {1, 1, layer.out_features};
      continue;
    }
    const uint32_t padding = layer.kind == format::LayerKind::kConv2d ? layer.padding : 0;
    const uint32_t h =
        format::window_output_extent(shape.height, layer.kernel_size, layer.stride, padding);
    const uint32_t w =
        format::window_output_extent(shape.width, layer.kernel_size, layer.stride, padding);
    const uint64_t positions = uint64_t{h} * w;
    if (positions == 0 || layer.out_features % positions != 0) {
      throw std::invalid_argument(name + ": its window does not fit its input");
    }
    const uint32_t channels = static_cast<uint32_t>(layer.out_features / positions);
    if (layer.kind != format::LayerKind::kConv2d && channels != shape.channels) {
      throw std::invalid_argument(name + ": a pool keeps its input's channels");
    }
    shape = {h, w, channels};
  }
  shapes.push_back(shape);
  return shapes;
}

void gather_patch(const float* input, format::Shape in, uint32_t kernel, uint32_t stride,
                  uint32_t padding, uint32_t out_y, uint32_t out_x, float* patch) {
  const uint32_t c = in.channels;
  for (uint32_t ky = 0; ky < kernel; ++ky) {
    // Unsigned wrap-around makes positions in the top/left padding fail the bound check too.
    const uint32_t y = out_y * stride + ky - padding;
    for (uint32_t kx = 0; kx < kernel; ++kx) {
      const uint32_t x = out_x * stride + kx - padding;
      float* dst = patch + (size_t{ky} * kernel + kx) * c;
      if (y < in.height && x < in.width) {
        std::copy_n(input + (size_t{y} * in.width + x) * c, c, dst);
      } else {
        std::fill_n(dst, c, 0.0f);
      }
    }
  }
}

namespace {

void activate(format::Activation activation, float* values, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (activation == format::Activation::kRelu) values[i] = std::max(values[i], 0.0f);
    if (activation == format::Activation::kSigmoid)
      values[i] = 1.0f / (1.0f + std::exp(-values[i]));
  }
}

void pool(const LayerSpec& layer, format::Shape in, format::Shape out, const float* input,
          float* output) {
  const uint32_t k = layer.kernel_size, c = in.channels;
  const bool max = layer.kind == format::LayerKind::kMaxPool;
  for (uint32_t oy = 0; oy < out.height; ++oy) {
    for (uint32_t ox = 0; ox < out.width; ++ox) {
      float* dst = output + (size_t{oy} * out.width + ox) * c;
      for (uint32_t ch = 0; ch < c; ++ch) {
        float acc = 0.0f;
        for (uint32_t ky = 0; ky < k; ++ky) {
          for (uint32_t kx = 0; kx < k; ++kx) {
            const size_t y = size_t{oy} * layer.stride + ky, x = size_t{ox} * layer.stride + kx;
            const float v = input[(y * in.width + x) * c + ch];
            if (!max) {
              acc += v;
            } else if ((ky == 0 && kx == 0) || v > acc) {
              acc = v;
            }
          }
        }
        dst[ch] = max ? acc : acc / static_cast<float>(k * k);
      }
    }
  }
}

}  // namespace

void forward_layer(const LayerSpec& layer, format::Shape in, format::Shape out, const float* input,
                   float* output) {
  const KernelSet& kernels = active_kernels();
  switch (layer.kind) {
    case format::LayerKind::kDense:
      kernels.dense_f32(input, layer.weights.data(), layer.bias.data(), layer.in_features,
                        layer.out_features, output);
      break;
    case format::LayerKind::kConv2d: {
      const uint32_t row_length = layer.kernel_size * layer.kernel_size * in.channels;
      std::vector<float> patch(row_length);
      for (uint32_t oy = 0; oy < out.height; ++oy) {
        for (uint32_t ox = 0; ox < out.width; ++ox) {
          gather_patch(input, in, layer.kernel_size, layer.stride, layer.padding, oy, ox,
                       patch.data());
          kernels.dense_f32(patch.data(), layer.weights.data(), layer.bias.data(), row_length,
                            out.channels, output + (size_t{oy} * out.width + ox) * out.channels);
        }
      }
      break;
    }
    case format::LayerKind::kMaxPool:
    case format::LayerKind::kAvgPool:
      pool(layer, in, out, input, output);
      break;
  }
  activate(layer.activation, output, format::shape_size(out));
}

}  // namespace host
}  // namespace softedge
