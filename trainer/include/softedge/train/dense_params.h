// softedge/train/dense_params.h — the parameters of one dense layer, as both training loops (the
// lesson's softmax regression and the network trainer) hand them out.
#ifndef SOFTEDGE_TRAIN_DENSE_PARAMS_H
#define SOFTEDGE_TRAIN_DENSE_PARAMS_H

#include <cstdint>
#include <vector>

#include "softedge/train/aligned_vector.h"

namespace softedge {
namespace train {

struct DenseParams {
  uint32_t in_features = 0;
  uint32_t out_features = 0;
  AlignedVector<float> weights;  // out x in, row-major (the runtime's layout)
  std::vector<float> bias;       // out
};

}  // namespace train
}  // namespace softedge

#endif
