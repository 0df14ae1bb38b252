// The out-of-line part of convolution layers: im2col of one output row (conv2d.h).
#include "conv2d.h"

#include "im2col.h"

namespace softedge {
namespace detail {

#if SOFTEDGE_LAYER_KIND_CONV2D
#if SOFTEDGE_LAYER_MODE_FLOAT32
void im2col_row_f32(const Layer& layer, const float* x, uint32_t oy, float* patches) {
  im2col_row(layer, x, oy, patches);
}
#endif
#if SOFTEDGE_LAYER_MODE_INT8
void im2col_row_u8(const Layer& layer, const uint8_t* x, uint32_t oy, uint8_t* patches) {
  im2col_row(layer, x, oy, patches);
}
#endif
#endif

}  // namespace detail
}  // namespace softedge
