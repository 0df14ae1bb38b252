// softedge/train/adamw.h — PyTorch's AdamW (decoupled weight decay, not on biases) over the
// layers of a Network, with the bias correction PyTorch applies when beta1 is cycled.
#ifndef SOFTEDGE_TRAIN_ADAMW_H
#define SOFTEDGE_TRAIN_ADAMW_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "softedge/train/aligned_vector.h"
#include "softedge/train/network.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

class AdamW {
 public:
  static constexpr double kBeta2 = 0.999;
  static constexpr double kEpsilon = 1e-8;

  // Zero moments for every weight and bias of `layers`.
  AdamW(const std::vector<NetworkLayer>& layers, float weight_decay);

  // One update of `layers` (the shapes given to the constructor) from the gradients they hold,
  // at `learning_rate` with first-moment decay `beta1` (both from the schedule). The arrays
  // are cut into fixed chunks shared by `team`: the result does not depend on the team.
  void step(std::vector<NetworkLayer>& layers, double learning_rate, double beta1,
            ThreadPool* team);

  uint64_t steps() const { return steps_; }

 private:
  struct Moments {
    AlignedVector<float> m_wt, v_wt, m_bias, v_bias;
  };
  struct Chunk {
    uint32_t layer;
    bool is_bias;
    size_t begin, end;
  };

  std::vector<Moments> moments_;
  std::vector<Chunk> chunks_;
  float weight_decay_;
  uint64_t steps_ = 0;
  double beta2_power_ = 1.0;  // beta2^steps_
};

}  // namespace train
}  // namespace softedge

#endif
