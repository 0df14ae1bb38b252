#include "softedge/train/network_spec.h"

#include <utility>

namespace softedge {
namespace train {

void append_network_layers(const NetworkResult& result, const InputTransform& transform,
                           host::ModelSpec* spec) {
  for (size_t l = 0; l < result.layers.size(); ++l) {
    const DenseParams params =
        l == 0 ? fold_input_transform(result.layers[0], transform) : result.layers[l];
    host::DenseLayerSpec layer;
    layer.in_features = params.in;
    layer.out_features = params.out;
    layer.activation = l + 1 < result.layers.size() ? format::Activation::kRelu
                                                    : format::Activation::kNone;
    layer.weights.assign(params.weights.begin(), params.weights.end());
    layer.bias = params.bias;
    spec->layers.push_back(std::move(layer));
  }
}

}  // namespace train
}  // namespace softedge
