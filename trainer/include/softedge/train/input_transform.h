// softedge/train/input_transform.h — what the network trainer feeds its first layer.
//
// Feature i of an image is (value_of_pixel[pixel_i] - mean[i]) * inv_std[i]: a 256-entry curve
// applied to the raw uint8 pixel, then per-pixel standardization. fold_input_transform() moves
// the standardization into the first layer, so a device only needs the curve (a lookup table)
// in front of the first layer.
#ifndef SOFTEDGE_TRAIN_INPUT_TRANSFORM_H
#define SOFTEDGE_TRAIN_INPUT_TRANSFORM_H

#include <array>
#include <cstdint>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/train/dense_params.h"

namespace softedge {
namespace train {

enum class Curve : uint8_t {
  kLinear,  // p / 255 (the lesson's ToTensor scaling)
  kSqrt,    // sqrt(p / 255): spreads the dark end, where Fashion-MNIST's texture is
};

// The curve's value for every pixel value.
std::array<float, 256> pixel_curve(Curve curve);

struct InputTransform {
  std::array<float, 256> value_of_pixel{};
  std::vector<float> mean;     // kImagePixels
  std::vector<float> inv_std;  // kImagePixels
};

// The curve plus the per-pixel mean and 1/std of the curve's values over `train` (labels are
// not used, so passing the whole training split, validation rows included, leaks nothing the
// validation accuracy depends on in a meaningful way). A pixel whose standard deviation is
// below kMinPixelStd (one that is nearly constant in training) gets inv_std = 1/kMinPixelStd,
// so a rare non-zero value in such a pixel cannot blow up.
constexpr float kMinPixelStd = 0.05f;
InputTransform make_input_transform(const host::Split& train, Curve curve);
// The same for any curve, e.g. the 8-bit lookup table a model file stores.
InputTransform make_input_transform(const host::Split& train, const std::array<float, 256>& curve);

// The identity standardization (mean 0, inv_std 1) of a curve.
InputTransform identity_input_transform(Curve curve);

// `first` (acting on standardized features) rewritten to act on the curve's values directly:
// W'_oi = W_oi * inv_std_i, b'_o = b_o - sum_i W_oi * mean_i * inv_std_i (summed in double).
DenseParams fold_input_transform(const DenseParams& first, const InputTransform& transform);
// A network's layers with the first folded: what a model file stores behind the curve.
std::vector<DenseParams> fold_input_transform(std::vector<DenseParams> layers,
                                              const InputTransform& transform);

}  // namespace train
}  // namespace softedge

#endif
