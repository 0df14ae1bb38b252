// softedge/tools/dequantize.h — the float model an int8 model approximates, for formats that hold floats
// (ONNX export). Each int8 layer becomes a float layer computing its accumulator times its
// real multiplier: W = q * c[o], b = bias_i32 * c[o], with c[o] the layer's float-output scale
// or, for a hidden layer passing uint8 activations on, its requantization multiplier
// m * 2^-(31 + shift). Activations stay in the int8 model's units (layer 0 reads lut(pixel),
// so the input scale becomes 1 and the bias 0). Convolutions the same per output channel;
// int8 pools become float pools over those units. Not represented: the rounding of hidden
// activations to whole uint8 steps, their clamp at 255, and a uint8 average pool's rounding.
#ifndef SOFTEDGE_TOOLS_DEQUANTIZE_H
#define SOFTEDGE_TOOLS_DEQUANTIZE_H

#include "softedge/host/model_writer.h"

namespace softedge {
namespace tools {

// `spec` unchanged when it has no int8 layer.
host::ModelSpec dequantized(const host::ModelSpec& spec);

}  // namespace tools
}  // namespace softedge

#endif
