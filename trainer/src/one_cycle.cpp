// Built with -march=SOFTEDGE_TRAINER_ARCH: the fused multiply-adds it compiles to are part of
// the rates, and so of the model bytes.
#include "softedge/train/one_cycle.h"

#include <algorithm>
#include <cmath>

namespace softedge {
namespace train {
namespace {

// OneCycleLR's defaults: initial lr = max / 25, final lr = initial / 1e4, beta1 in [0.85, 0.95].
constexpr double kDivFactor = 25.0;
constexpr double kFinalDivFactor = 1e4;
constexpr double kBeta1Low = 0.85;
constexpr double kBeta1High = 0.95;

// From `from` at x = 0 to `to` at x = 1 along half a cosine.
double anneal(double from, double to, double x) {
  return to + (from - to) / 2.0 * (1.0 + std::cos(3.141592653589793 * x));
}

}  // namespace

OneCyclePoint one_cycle(uint64_t step, uint64_t total_steps, double max_lr,
                        double warmup_fraction) {
  const double initial = max_lr / kDivFactor;
  const double final_lr = initial / kFinalDivFactor;
  const double total = static_cast<double>(total_steps);
  const double warmup = std::max(1.0, warmup_fraction * total - 1.0);
  const double t = static_cast<double>(step);
  if (t <= warmup) {
    return {anneal(initial, max_lr, t / warmup), anneal(kBeta1High, kBeta1Low, t / warmup)};
  }
  const double x = std::min(1.0, (t - warmup) / std::max(1.0, total - 1.0 - warmup));
  return {anneal(max_lr, final_lr, x), anneal(kBeta1Low, kBeta1High, x)};
}

}  // namespace train
}  // namespace softedge
