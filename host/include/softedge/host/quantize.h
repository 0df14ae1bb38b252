// softedge/host/quantize.h — turn a float model into an int8 model the runtime runs with integer kernels.
//
// The scheme (docs/FORMAT.md, int8 layers), for every layer:
//  - inputs are uint8 with zero point 0: the (lookup-table remapped) pixels for the first
//    layer, whose float model's input scale s_in moves into the layer's scales and whose
//    input bias c moves into the float bias (b + c * sum_i W[o][i]); the requantized uint8
//    ReLU activations of the previous layer for the others, with s_in its output scale;
//  - weights: symmetric per output channel, q = round(W / s_w[o]) in [-127, 127] with
//    s_w[o] = max_i |W[o][i]| / 127;
//  - bias: int32 in accumulator units, round(b / (s_in * s_w[o]));
//  - hidden layers output uint8 activations with a calibrated scale s_out = the largest
//    activation seen / 255, requantized by the integer multiplier of s_in * s_w[o] / s_out;
//  - the last layer outputs float logits acc * s_in * s_w[o].
// Calibration runs the float model on training images: it measures the activation ranges
// and the mean input of every layer, whose rounding error (sum_i mean_i * (W/s_w - q)) is
// taken out of the bias.
#ifndef SOFTEDGE_HOST_QUANTIZE_H
#define SOFTEDGE_HOST_QUANTIZE_H

#include <cstdint>

#include "softedge/host/dataset.h"
#include "softedge/host/model_writer.h"

namespace softedge {
namespace host {

constexpr uint32_t kCalibrationImages = 10000;  // the first ones of the split given

// Quantizes every layer of `float_model` (dense layers, ReLU between them). `calibration`
// (training images) is required for models with hidden layers; for a single layer it may be
// null (then no bias correction). Throws std::invalid_argument if the model cannot be
// quantized (already int8, no calibration for hidden layers, or a bias too large for int32).
ModelSpec quantize_int8(const ModelSpec& float_model, const Split* calibration);

// The integer form {m, shift} of a positive real multiplier M = m * 2^-(31 + shift), m in
// [2^30, 2^31) (format.h). Throws std::invalid_argument if M is outside what that holds.
void requant_pair(double multiplier, int32_t* m, int32_t* shift);

}  // namespace host
}  // namespace softedge

#endif
