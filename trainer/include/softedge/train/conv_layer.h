// softedge/train/conv_layer.h — a 2-D convolution while it trains, on NHWC images: im2col then
// gemm.h's products (design: docs/FORMAT.md, version 3).
//
// A convolution over n images is a dense layer over their patches: the patch of output pixel
// (y, x) is the k x k x Cin window at (y*s - p, x*s - p), OHWI order (kernel row, kernel
// column, channel), zeros outside the image (padding is a zero feature). With the weights kept
// transposed, Wt (k*k*Cin x Cout) as network.h keeps dense weights:
//   forward       Y = P · Wt + b                      gemm_ab   (P: n*oh*ow x k*k*Cin)
//   weight grad   dWt = Pᵀ · dY                       gemm_atb
//   input grad    dP = dY · Wtᵀ, then col2im          gemm_abt  (summed back into the pixels)
// Y is the NHWC output (channels fastest), written in place.
#ifndef SOFTEDGE_TRAIN_CONV_LAYER_H
#define SOFTEDGE_TRAIN_CONV_LAYER_H

#include <cstdint>

#include "softedge/format.h"

namespace softedge {
namespace train {

struct ConvGeometry {
  format::Shape in;   // one image
  format::Shape out;  // one image; out.channels = Cout
  uint32_t kernel = 1, stride = 1, padding = 0;
  uint32_t patch() const { return kernel * kernel * in.channels; }  // row length
  uint32_t positions() const { return out.height * out.width; }     // patches per image
};

// Patches of `images` NHWC images (`in` apart) into `patches` (images*positions x patch()).
void im2col(const ConvGeometry& g, const float* in, uint32_t images, float* patches);

// The reverse of im2col, summed: dX += every patch gradient at its window. `d_in` must hold
// `images` images (zeroed by the caller when it starts from nothing).
void col2im_add(const ConvGeometry& g, const float* d_patches, uint32_t images, float* d_in);

// Y (images x out) = im2col(X) · Wt + bias, then ReLU when `activation` is kRelu (sigmoid is
// applied by the caller). The patches (images*positions*patch() floats) are left in `patches`
// for conv_backward. One thread.
void conv_forward(const ConvGeometry& g, const float* in, uint32_t images, const float* wt,
                  const float* bias, format::Activation activation, float* patches, float* out);

// From dY (the gradient at the convolution's output before its activation) and the patches
// conv_forward left: the weight and bias gradients of these images (overwritten) and, when
// d_in is not null, dX (overwritten). `d_patches` is scratch of the patches' size. One thread.
void conv_backward(const ConvGeometry& g, const float* patches, uint32_t images,
                   const float* wt, const float* d_out, float* d_patches, float* grad_wt,
                   float* grad_bias, float* d_in);

}  // namespace train
}  // namespace softedge

#endif
