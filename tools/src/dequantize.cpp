// dequantize.cpp — see dequantize.h.
#include "softedge/tools/dequantize.h"

#include <cmath>

namespace softedge {
namespace tools {

host::ModelSpec dequantized(const host::ModelSpec& spec) {
  if (spec.layers.empty() || !format::is_int8(host::layer_mode(spec.layers[0]))) return spec;
  host::ModelSpec out = spec;
  out.input_scale = 1.0f;  // an int8 layer 0 reads lut(pixel) itself
  out.input_bias = 0.0f;
  for (host::DenseLayerSpec& layer : out.layers) {
    const format::LayerMode mode = host::layer_mode(layer);
    if (!format::is_int8(mode)) continue;
    // Rows: a dense layer's outputs, a convolution's output channels (OHWI rows of
    // kernel^2 x input channels); a pool has none and just becomes float.
    const size_t rows = layer.bias_i32.size();
    const size_t row_length = rows == 0 ? 0 : layer.weights_i8.size() / rows;
    layer.weights.resize(layer.weights_i8.size());
    layer.bias.resize(rows);
    for (size_t o = 0; o < rows; ++o) {
      const double multiplier = mode == format::LayerMode::kInt8Uint8Output
                                    ? std::ldexp(static_cast<double>(layer.requant[2 * o]),
                                                 -(31 + layer.requant[2 * o + 1]))
                                    : static_cast<double>(layer.scales[o]);
      for (size_t i = 0; i < row_length; ++i) {
        const size_t k = o * row_length + i;
        layer.weights[k] = static_cast<float>(layer.weights_i8[k] * multiplier);
      }
      layer.bias[o] = static_cast<float>(layer.bias_i32[o] * multiplier);
    }
    layer.weight_type = format::DType::kFloat32;
    layer.weights_i8.clear();
    layer.bias_i32.clear();
    layer.scales.clear();
    layer.requant.clear();
    layer.output_scale = 0.0f;
  }
  return out;
}

}  // namespace tools
}  // namespace softedge
