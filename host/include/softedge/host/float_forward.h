// softedge/host/float_forward.h — a float32 model spec run on the host, layer by layer, for
// calibration (quantize.cpp). Plain loops over NHWC tensors plus the runtime's dense kernel
// per output position: simple rather than fast, and independent of the runtime's conv code.
#ifndef SOFTEDGE_HOST_FLOAT_FORWARD_H
#define SOFTEDGE_HOST_FLOAT_FORWARD_H

#include <cstdint>
#include <vector>

#include "softedge/format.h"
#include "softedge/host/model_writer.h"

namespace softedge {
namespace host {

// The input shape of every layer and, last, the output shape (layers + 1 entries), walked
// from the spec's input dimensions as the loader walks them (dense: 1 x 1 x out). Throws
// std::invalid_argument naming the layer when a window does not fit or the sizes disagree.
std::vector<format::Shape> layer_shapes(const ModelSpec& model);

// The window of a convolution (or pool) at output position (out_y, out_x): kernel rows of
// kernel columns of channels (OHWI order without the O), 0 where it reaches into the padding.
// `patch` holds kernel^2 * channels values.
void gather_patch(const float* input, format::Shape in, uint32_t kernel, uint32_t stride,
                  uint32_t padding, uint32_t out_y, uint32_t out_x, float* patch);

// One float32 layer, activation included: `input` holds shape_size(in) values, `output`
// shape_size(out). Pools: max, or the average (sum in window order, then / k^2).
void forward_layer(const LayerSpec& layer, format::Shape in, format::Shape out, const float* input,
                   float* output);

}  // namespace host
}  // namespace softedge

#endif
