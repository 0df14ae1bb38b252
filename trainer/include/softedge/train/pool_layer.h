// softedge/train/pool_layer.h — max and average pooling while training, on NHWC images, with
// the runtime's arithmetic (format.h, version 3): max keeps the first largest value of the
// window in (ky, kx) order; average sums in that order, then divides by k*k. No padding.
#ifndef SOFTEDGE_TRAIN_POOL_LAYER_H
#define SOFTEDGE_TRAIN_POOL_LAYER_H

#include <cstdint>

#include "softedge/format.h"

namespace softedge {
namespace train {

struct PoolGeometry {
  format::Shape in, out;  // one image; out.channels = in.channels
  uint32_t kernel = 2, stride = 2;
};

// `argmax` (one per output value) remembers where each maximum came from (its index in the
// image) for the backward pass.
void max_pool_forward(const PoolGeometry& g, const float* in, uint32_t images, float* out,
                      uint32_t* argmax);
// d_in (overwritten) from d_out through the remembered positions.
void max_pool_backward(const PoolGeometry& g, const float* d_out, const uint32_t* argmax,
                       uint32_t images, float* d_in);

void avg_pool_forward(const PoolGeometry& g, const float* in, uint32_t images, float* out);
// d_in (overwritten): every input of a window gets d_out / (k*k).
void avg_pool_backward(const PoolGeometry& g, const float* d_out, uint32_t images, float* d_in);

}  // namespace train
}  // namespace softedge

#endif
