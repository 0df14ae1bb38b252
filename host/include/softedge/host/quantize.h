// softedge/host/quantize.h — turn a float model into an int8 model the runtime runs with integer kernels.
//
// The scheme (docs/FORMAT.md, int8 layers), for every dense or convolution layer (a
// convolution's rows are its output channels, each of kernel^2 x input channels weights):
//  - inputs are uint8 with zero point 0: the (lookup-table remapped) pixels for the first
//    layer, whose float model's input scale s_in moves into the layer's scales and whose
//    input bias c moves into the float bias (b + c * sum_i W[o][i]; for a first convolution
//    with zero padding this is exact only away from the border, where the float model's
//    padding is feature 0 and the int8 model's pixel 0); the requantized uint8 ReLU
//    activations of the previous layer for the others, with s_in its output scale;
//  - weights: symmetric per output channel, q in [-127, 127]. Without calibration
//    q = round(W / s_w[o]) with s_w[o] = max_i |W[o][i]| / 127; with calibration, rows of up
//    to 1024 weights take the scale and rounding of least output error on the calibration
//    inputs (weight_rounding.h);
//  - bias: int32 in accumulator units, round(b / (s_in * s_w[o]));
//  - layers with ReLU that are not last output uint8 activations with a calibrated scale
//    s_out = the largest activation seen / 255, requantized by the integer multiplier of
//    s_in * s_w[o] / s_out; pooling layers after them work on those uint8 values (same scale);
//  - other layers output floats acc * s_in * s_w[o].
// The format lets an int8 layer read only pixels or uint8 activations, so the int8 part is
// the longest prefix that allows: it ends with the first dense/conv layer without ReLU (the
// last layer, or e.g. a sigmoid layer: LeNet's first convolution is int8 with float sigmoid
// outputs), and the layers after it stay float32. A pooling layer first stays float and so
// does all the model (an error: nothing to quantize).
// Calibration runs the float model (float_forward.h) on training images: it measures the
// activation ranges and the mean input of every int8 row, whose rounding error
// (sum_i mean_i * (W/s_w - q)) is taken out of the bias, and the inputs' covariance.
#ifndef SOFTEDGE_HOST_QUANTIZE_H
#define SOFTEDGE_HOST_QUANTIZE_H

#include <cstdint>

#include "softedge/host/dataset.h"
#include "softedge/host/model_writer.h"

namespace softedge {
namespace host {

constexpr uint32_t kCalibrationImages = 10000;  // the first ones of the split given
// Models with convolution or pooling layers: their float forward pass is ~100x a dense
// model's, and a few hundred images already see the activation ranges.
constexpr uint32_t kConvCalibrationImages = 500;

// How many of `available` calibration images quantize_int8 uses for `model`.
uint32_t calibration_count(const ModelSpec& model, uint32_t available);

// Quantizes the int8 prefix of `float_model` (above). `calibration` (training images) is
// required when more than one layer becomes int8; otherwise it may be null (then no bias
// correction and nearest rounding). Throws std::invalid_argument if the model cannot be
// quantized (already int8, inconsistent shapes, a pooling layer first, no calibration for
// hidden layers, or a bias too large for int32).
ModelSpec quantize_int8(const ModelSpec& float_model, const Split* calibration);

// The integer form {m, shift} of a positive real multiplier M = m * 2^-(31 + shift), m in
// [2^30, 2^31) (format.h). Throws std::invalid_argument if M is outside what that holds.
void requant_pair(double multiplier, int32_t* m, int32_t* shift);

}  // namespace host
}  // namespace softedge

#endif
