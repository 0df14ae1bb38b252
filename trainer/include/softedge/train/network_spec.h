// softedge/train/network_spec.h — a trained network as the layers of a model file: the input transform
// folded into layer 0, ReLU after every layer but the last.
#ifndef SOFTEDGE_TRAIN_NETWORK_SPEC_H
#define SOFTEDGE_TRAIN_NETWORK_SPEC_H

#include "softedge/train/network.h"
#include "softedge/host/model_writer.h"

namespace softedge {
namespace train {

// Appends result.layers to spec->layers (float32 dense layers).
void append_network_layers(const NetworkResult& result, const InputTransform& transform,
                           host::ModelSpec* spec);

}  // namespace train
}  // namespace softedge

#endif  // SOFTEDGE_TRAINER_NETWORK_SPEC_H
