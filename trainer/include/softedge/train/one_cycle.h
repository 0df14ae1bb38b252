// softedge/train/one_cycle.h — the one-cycle schedule of PyTorch's OneCycleLR (cosine annealing
// in both phases): the learning rate warms up from max_lr/25 to max_lr, then decays to
// max_lr/25e4, while Adam's beta1 is cycled 0.95 -> 0.85 -> 0.95 against it.
#ifndef SOFTEDGE_TRAIN_ONE_CYCLE_H
#define SOFTEDGE_TRAIN_ONE_CYCLE_H

#include <cstdint>

namespace softedge {
namespace train {

struct OneCyclePoint {
  double learning_rate;
  double beta1;
};

// The schedule at step `step` (0-based) of `total_steps`; the warm-up takes `warmup_fraction`
// of the steps (OneCycleLR's pct_start).
OneCyclePoint one_cycle(uint64_t step, uint64_t total_steps, double max_lr,
                        double warmup_fraction);

}  // namespace train
}  // namespace softedge

#endif
