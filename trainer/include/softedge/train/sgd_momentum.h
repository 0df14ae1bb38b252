// softedge/train/sgd_momentum.h — SGD with Nesterov momentum and L2 weight decay (PyTorch's
// SGD(momentum, nesterov=True, weight_decay), the decay not on biases) over a Network's layers:
// the network trainer's alternative to AdamW (NetworkOptimizer::kSgd).
#ifndef SOFTEDGE_TRAIN_SGD_MOMENTUM_H
#define SOFTEDGE_TRAIN_SGD_MOMENTUM_H

#include <cstdint>
#include <vector>

#include "softedge/train/aligned_vector.h"
#include "softedge/train/network.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

class SgdMomentum {
 public:
  // Zero velocities for every weight and bias of `layers`. Throws std::invalid_argument unless
  // 0 <= momentum < 1 and weight_decay >= 0.
  SgdMomentum(const std::vector<NetworkLayer>& layers, float momentum, float weight_decay);

  // For every parameter w with gradient g (from the layers' grad_wt, grad_bias):
  //   d = g + weight_decay * w (weights only);  v = momentum * v + d;
  //   w -= lr * (d + momentum * v).
  // Element by element in fixed chunks shared by `team`: the result does not depend on the team.
  void step(std::vector<NetworkLayer>& layers, double learning_rate, ThreadPool* team);

  uint64_t steps() const { return steps_; }

 private:
  std::vector<AlignedVector<float>> velocity_wt_, velocity_bias_;
  float momentum_;
  float weight_decay_;
  uint64_t steps_ = 0;
};

}  // namespace train
}  // namespace softedge

#endif
