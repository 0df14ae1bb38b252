// pooling.h — max and average pooling layers (format.h, LayerKind::kMaxPool / kAvgPool) over
// one image's NHWC tensor, float or uint8 (internal to the runtime). No padding (the loader's
// rule): every window lies inside the input.
//   max:           the largest value of the window (float: the first, replaced when v > m)
//   average float: the sum in window order (ky, then kx), divided by k * k
//   average uint8: (sum + k*k / 2) / (k*k) in unsigned integers: the same bits everywhere
#ifndef SOFTEDGE_RUNTIME_POOLING_H
#define SOFTEDGE_RUNTIME_POOLING_H

#include <stdint.h>

#include "layer_modes.h"
#include "softedge/model.h"

namespace softedge {
namespace detail {

// Float data in float32 chains, uint8 data in int8 chains: each only with its modes compiled.
#if SOFTEDGE_LAYER_KIND_MAX_POOL && SOFTEDGE_LAYER_MODE_FLOAT32
void max_pool_f32(const Layer& layer, const float* x, float* y);
#endif
#if SOFTEDGE_LAYER_KIND_MAX_POOL && SOFTEDGE_LAYER_MODE_INT8
void max_pool_u8(const Layer& layer, const uint8_t* x, uint8_t* y);
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_FLOAT32
void avg_pool_f32(const Layer& layer, const float* x, float* y);
#endif
#if SOFTEDGE_LAYER_KIND_AVG_POOL && SOFTEDGE_LAYER_MODE_INT8
void avg_pool_u8(const Layer& layer, const uint8_t* x, uint8_t* y);
#endif

}  // namespace detail
}  // namespace softedge

#endif
