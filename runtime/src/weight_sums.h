// weight_sums.h — the weight sums of int8 dense layers that load() keeps in the Model
// (Model::weight_sums), with the bias, for the kernel sets that shift the pixels into int8:
// NEON multiplies int8 by int8 only, so those kernels take x - 128 (or 127 - x) and add the
// weights' share back, which without the sums costs a second multiply-add per 16 weights on
// every call (internal to the runtime; KernelSet::dense_u8s8_i32_summed).
#ifndef SOFTEDGE_RUNTIME_WEIGHT_SUMS_H
#define SOFTEDGE_RUNTIME_WEIGHT_SUMS_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/model.h"

// Builds with a set that takes the sums; not the size-first ones (their flash budget).
#if (defined(SOFTEDGE_HAVE_KERNELS_NEON) || defined(SOFTEDGE_HAVE_KERNELS_NEON64) || \
     defined(SOFTEDGE_HAVE_KERNELS_NEON64DOT)) &&                                   \
    !defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_WEIGHT_SUMS 1
#else
#define SOFTEDGE_WEIGHT_SUMS 0
#endif

namespace softedge {
namespace detail {

// A layer's pairs (KernelSet::dense_u8s8_i32_summed), or null when the model keeps none
// (always, in a build without such a set).
inline const int32_t* weight_sums_of(const Model& model, const Layer& layer) {
#if SOFTEDGE_WEIGHT_SUMS
  return layer.weight_sums_slot == 0
             ? nullptr
             : model.weight_sums + 2 * (static_cast<uint32_t>(layer.weight_sums_slot) - 1);
#else
  (void)model;
  (void)layer;
  return nullptr;
#endif
}

#if SOFTEDGE_WEIGHT_SUMS
// For each int8 dense layer, in order, whose rows still fit in the model's pool: row o's pair of
// offsets, bias + 128 W and bias + 128 W - H, with W its sum of weights over its first
// in / 16 * 16 inputs and H the part at i % 16 >= 8 (exact in int32: |128 W| + |H| <= 16,448 in
// is less than the 32,640 in the loader's overflow rule leaves beside the bias).
inline void keep_weight_sums(Model* model) {
  uint32_t used = 0;
  for (uint32_t l = 0; l < model->layer_count; ++l) {
    Layer& layer = model->layers[l];
    if (layer.kind != format::LayerKind::kDense || layer.weights_i8 == nullptr) continue;
    if (layer.rows > kWeightSumRows - used) continue;
    const uint32_t in = layer.row_length, whole = in / 16 * 16;
    for (uint32_t o = 0; o < layer.rows; ++o) {
      const int8_t* row = layer.weights_i8 + static_cast<size_t>(o) * in;
      int32_t total = 0, high = 0;
      for (uint32_t i = 0; i < whole; ++i) {
        total += row[i];
        if (i % 16 >= 8) high += row[i];
      }
      const int32_t offset = layer.bias_i32[o] + 128 * total;
      model->weight_sums[2 * (used + o)] = offset;
      model->weight_sums[2 * (used + o) + 1] = offset - high;
    }
    layer.weight_sums_slot = static_cast<uint8_t>(used + 1);
    used += layer.rows;
  }
}
#endif

}  // namespace detail
}  // namespace softedge

#endif
