// softedge/train/narrow_layer.h — the products of a dense layer with few outputs (the lesson's
// model, a network's last layer), where a general GEMM tile wastes most of its lanes on the
// outputs: the forward pass through the runtime's batched dense kernel, and the weight
// gradient with the inputs along the vector lanes.
#ifndef SOFTEDGE_TRAIN_NARROW_LAYER_H
#define SOFTEDGE_TRAIN_NARROW_LAYER_H

#include <cstddef>
#include <cstdint>

namespace softedge {
namespace train {

// Outputs up to which Network runs a layer through these products.
constexpr uint32_t kNarrowLayerOutputs = 16;

// y[r * out + o] = bias[o] + sum_i weights[o * in + i] * x[r * in + i] for r < rows: the
// runtime's active batched kernel (each row gets what the single-row kernel gives it).
void narrow_forward(const float* weights, const float* bias, uint32_t in, uint32_t out,
                    const float* x, uint32_t rows, float* y);
// The same on raw pixels, feature = pixel * scale (the runtime's fused pixel kernel).
void narrow_forward(const float* weights, const float* bias, uint32_t in, uint32_t out,
                    const uint8_t* pixels, float scale, uint32_t rows, float* y);

// weights[o * in + i] += sum_r coefficients[r * out + o] * x[r * in + i] for o < out, i < in:
// a vector of columns of up to 10 weight rows stays in registers while all the rows of x
// stream past it. Every weight is one chain of fused multiply-adds over r = 0, 1, ...
void accumulate_weight_gradient(float* weights, uint32_t in, uint32_t out,
                                const float* coefficients, const float* x, uint32_t rows);
// The same on raw pixels (x = the pixel; scale the coefficients to get features' gradients).
void accumulate_weight_gradient(float* weights, uint32_t in, uint32_t out,
                                const float* coefficients, const uint8_t* pixels,
                                uint32_t rows);

}  // namespace train
}  // namespace softedge

#endif
