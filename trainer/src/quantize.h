// quantize.h — turn a float model into an int8 model the runtime runs with integer kernels.
//
// The scheme (docs/FORMAT.md, int8 layers):
//  - input: the raw uint8 pixels, zero point 0; the float model's input scale s_in moves into
//    the layer's scales and its input bias c into the float bias (b + c * sum_i W[o][i]);
//  - weights: symmetric per output channel, q = round(W / s_w[o]) in [-127, 127] with
//    s_w[o] = max_i |W[o][i]| / 127;
//  - bias: int32 in accumulator units, round(b / (s_in * s_w[o]));
//  - output: float logits acc * scales[o], scales[o] = s_in * s_w[o].
// Rounding every weight to nearest leaves an error whose mean over typical inputs shifts each
// logit; with calibration images that shift is measured and taken out of the bias.
#ifndef SOFTEDGE_TRAINER_QUANTIZE_H
#define SOFTEDGE_TRAINER_QUANTIZE_H

#include "dataset.h"
#include "softedge/model_writer.h"

namespace softedge {
namespace train {

// Quantizes the first layer of `float_model` (the one that reads pixels); later layers stay
// float32. `calibration` (training images; may be null) enables the bias correction.
// Throws std::invalid_argument if the model cannot be quantized (already int8, or a bias
// too large for the int32 accumulator).
ModelSpec quantize_int8(const ModelSpec& float_model, const Split* calibration);

}  // namespace train
}  // namespace softedge

#endif
