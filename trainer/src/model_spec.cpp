#include "softedge/train/model_spec.h"

#include <utility>

#include "softedge/host/dataset.h"

namespace softedge {
namespace train {

host::ModelSpec fashion_mnist_spec() {
  host::ModelSpec spec;
  spec.input_height = host::kImageRows;
  spec.input_width = host::kImageCols;
  spec.input_channels = 1;
  spec.input_scale = kPixelScale;
  spec.input_bias = 0.0f;
  spec.class_names.assign(host::kFashionMnistClassNames,
                          host::kFashionMnistClassNames + host::kNumClasses);
  return spec;
}

host::ModelSpec make_model_spec(const std::vector<DenseParams>& layers) {
  host::ModelSpec spec = fashion_mnist_spec();
  for (size_t l = 0; l < layers.size(); ++l) {
    host::DenseLayerSpec layer;
    layer.in_features = layers[l].in_features;
    layer.out_features = layers[l].out_features;
    layer.activation =
        l + 1 < layers.size() ? format::Activation::kRelu : format::Activation::kNone;
    layer.weights.assign(layers[l].weights.begin(), layers[l].weights.end());
    layer.bias = layers[l].bias;
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

}  // namespace train
}  // namespace softedge
