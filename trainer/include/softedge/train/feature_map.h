// softedge/train/feature_map.h — images of a split turned into the features an InputTransform
// defines, as the network trainer gathers its batches.
#ifndef SOFTEDGE_TRAIN_FEATURE_MAP_H
#define SOFTEDGE_TRAIN_FEATURE_MAP_H

#include <array>
#include <cstdint>

#include "softedge/host/dataset.h"
#include "softedge/train/aligned_vector.h"
#include "softedge/train/input_transform.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// (v - mean) * inv_std computed as v * scale + shift, v the curve's value of the pixel.
class FeatureMap {
 public:
  // Throws std::invalid_argument unless the transform has one mean and inv_std per pixel.
  explicit FeatureMap(const InputTransform& transform);

  // Features of rows `indices[0, rows)` of `split` (rows first.. when indices is null) into
  // `out` (rows x kImagePixels), shared by `team` (may be null) for batches big enough.
  void gather(const host::Split& split, const uint32_t* indices, uint32_t first, uint32_t rows,
              float* out, ThreadPool* team) const;

  // Features of one image (kImagePixels uint8) into `out`.
  void transform_row(const uint8_t* pixels, float* out) const;

 private:
  const InputTransform* transform_;
  AlignedVector<float> scale_, shift_;
  // When every curve value is byte * kPixelScale (the curve a model file stores as an 8-bit
  // lookup table): those bytes, which a byte permute looks up 64 pixels at a time where the
  // CPU has one (AVX-512 VBMI). The features are the same bits as the float table's.
  bool byte_curve_ = false;
  std::array<uint8_t, 256> curve_bytes_{};
};

// Features of `rows` images (rows x kImagePixels uint8) into `features` (rows x kImagePixels).
void apply_input_transform(const InputTransform& transform, const uint8_t* pixels, uint32_t rows,
                           float* features);

}  // namespace train
}  // namespace softedge

#endif
