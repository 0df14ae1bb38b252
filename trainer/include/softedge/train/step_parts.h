// softedge/train/step_parts.h — a training step cut into fixed parts of its batch (the lesson's
// step, a linear network's): consecutive rows, the same for any thread count. Each part's rows
// are gathered, run forward and differentiated by one thread, which so finds them in its own
// core's cache (two threads were no faster than one while the phases were shared out
// separately: the rows moved between the cores at each phase). The parts' gradients and
// results are then added in part order, so a step gives the same bits for any team.
#ifndef SOFTEDGE_TRAIN_STEP_PARTS_H
#define SOFTEDGE_TRAIN_STEP_PARTS_H

#include <cstddef>
#include <cstdint>

#include "softedge/train/cross_entropy.h"

namespace softedge {
namespace train {

constexpr uint32_t kStepParts = 2;

// Rows [first, first + count) of a batch of `rows` are part `part`'s.
struct StepPart {
  uint32_t first;
  uint32_t count;
};
inline StepPart step_part(uint32_t rows, uint32_t part) {
  const uint32_t first = static_cast<uint32_t>(uint64_t{rows} * part / kStepParts);
  const uint32_t end = static_cast<uint32_t>(uint64_t{rows} * (part + 1) / kStepParts);
  return {first, end - first};
}

// The parts' values of element k (part p's at parts[p * stride + k]), added in part order.
inline float sum_of_parts(const float* parts, size_t stride, size_t k) {
  float sum = parts[k];
  for (uint32_t part = 1; part < kStepParts; ++part) sum += parts[part * stride + k];
  return sum;
}

// The parts' loss sums and counts, added in part order.
inline BatchResult sum_of_parts(const BatchResult* parts) {
  BatchResult total;
  for (uint32_t part = 0; part < kStepParts; ++part) {
    total.loss_sum += parts[part].loss_sum;
    total.correct += parts[part].correct;
  }
  return total;
}

}  // namespace train
}  // namespace softedge

#endif
