// Built with -march=SOFTEDGE_TRAINER_ARCH, as the loops that call it: the fused multiply-adds it
// compiles to are part of the gradients, and so of the model bytes.
#include "softedge/train/cross_entropy.h"

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

namespace softedge {
namespace train {

namespace {

// One lane of plain Real with the operations below, for targets whose vectors do not hold Real.
template <class Real>
struct OneLane {
  static constexpr size_t size = 1;
  Real value;
  OneLane(Real v = 0) : value(v) {}  // NOLINT: converts like a batch's broadcast
  static OneLane load_aligned(const Real* p) { return OneLane(*p); }
  void store_aligned(Real* p) const { *p = value; }
  OneLane operator-(OneLane other) const { return OneLane(value - other.value); }
  OneLane& operator+=(OneLane other) {
    value += other.value;
    return *this;
  }
};
template <class Real>
OneLane<Real> lanes_max(OneLane<Real> a, OneLane<Real> b) {
  return OneLane<Real>(std::max(a.value, b.value));
}
template <class Real>
OneLane<Real> lanes_exp(OneLane<Real> a) {
  return OneLane<Real>(std::exp(a.value));
}
template <class Batch>
Batch lanes_max(Batch a, Batch b) {
  return xsimd::max(a, b);
}
template <class Batch>
Batch lanes_exp(Batch a) {
  return xsimd::exp(a);
}

#if defined(__arm__) && !defined(__aarch64__)
constexpr bool kDoubleVectors = false;  // 32-bit NEON has no vectors of double
#else
constexpr bool kDoubleVectors = true;
#endif

// xsimd's widest batch of Real, or one lane where the target has no vector of it.
template <class Real>
using LanesOf = std::conditional_t<std::is_same<Real, double>::value && !kDoubleVectors,
                                   OneLane<Real>, xsimd::batch<Real>>;

// Up to a vector of rows at a time, each row in one lane, so that the exponentials of a class
// are one vector call for all of them (libm's one call per logit was a tenth of the lesson's
// training time; xsimd's polynomial is within an ulp or two of it).
template <class Real>
struct RowBlock {
  using Lanes = LanesOf<Real>;
  static constexpr uint32_t kLanes = static_cast<uint32_t>(Lanes::size);

  const float* logits;  // the block's first row
  uint32_t rows;        // 1..kLanes; the lanes past them repeat the last row
  uint32_t classes;

  // Class c's logit of every row.
  Lanes column(uint32_t c) const {
    alignas(64) Real values[kLanes];
    for (uint32_t l = 0; l < kLanes; ++l) {
      values[l] = logits[size_t{std::min(l, rows - 1)} * classes + c];
    }
    return Lanes::load_aligned(values);
  }
};

}  // namespace

template <class Real>
BatchResult softmax_cross_entropy(const float* logits, const uint8_t* labels, uint32_t rows,
                                  uint32_t classes, float label_smoothing,
                                  const SoftmaxOutputs& outputs) {
  using Block = RowBlock<Real>;
  using Lanes = typename Block::Lanes;
  constexpr uint32_t kLanes = Block::kLanes;
  const double off_target = static_cast<double>(label_smoothing) / classes;
  const double on_target = 1.0 - label_smoothing + off_target;
  const float inv_rows =
      1.0f / static_cast<float>(outputs.mean_rows != 0 ? outputs.mean_rows : rows);
  BatchResult result;
  for (uint32_t first = 0; first < rows; first += kLanes) {
    const Block block{logits + size_t{first} * classes, std::min(kLanes, rows - first), classes};
    Lanes max_logit = block.column(0);
    for (uint32_t c = 1; c < classes; ++c) max_logit = lanes_max(max_logit, block.column(c));
    // exp(z_c - max), kept in the gradient's row when a gradient is wanted, else in the
    // probabilities' row: both follow from it and the sum without a second exp.
    float* p_block = outputs.probabilities != nullptr
                         ? outputs.probabilities + size_t{first} * classes
                         : nullptr;
    float* e_block = outputs.mean_gradient != nullptr
                         ? outputs.mean_gradient + size_t{first} * classes
                         : p_block;
    Lanes sum(Real{0});
    for (uint32_t c = 0; c < classes; ++c) {
      const Lanes exp_c = lanes_exp(block.column(c) - max_logit);
      sum += exp_c;
      if (e_block != nullptr) {
        alignas(64) Real values[kLanes];
        exp_c.store_aligned(values);
        for (uint32_t l = 0; l < block.rows; ++l) {
          e_block[size_t{l} * classes + c] = static_cast<float>(values[l]);
        }
      }
    }
    alignas(64) Real sums[kLanes], maxima[kLanes];
    sum.store_aligned(sums);
    max_logit.store_aligned(maxima);
    for (uint32_t l = 0; l < block.rows; ++l) {
      const uint32_t r = first + l;
      const float* z = logits + size_t{r} * classes;
      const uint32_t label = labels[r];
      const uint32_t top = static_cast<uint32_t>(std::max_element(z, z + classes) - z);
      const double log_sum_exp = maxima[l] + std::log(static_cast<double>(sums[l]));
      // -sum_c t_c log p_c = log_sum_exp - sum_c t_c z_c, as sum_c t_c = 1.
      double target_dot = 0.0;
      if (label_smoothing != 0.0f) {
        double all = 0.0;
        for (uint32_t c = 0; c < classes; ++c) all += z[c];
        target_dot = off_target * all + (on_target - off_target) * z[label];
      } else {
        target_dot = z[label];
      }
      result.loss_sum += log_sum_exp - target_dot;
      if (top == label) ++result.correct;
      const Real inv_sum = 1 / sums[l];
      float* p = p_block != nullptr ? p_block + size_t{l} * classes : nullptr;
      float* e = e_block != nullptr ? e_block + size_t{l} * classes : nullptr;
      if (p != nullptr) {
        for (uint32_t c = 0; c < classes; ++c) p[c] = static_cast<float>(e[c] * inv_sum);
      }
      if (outputs.mean_gradient != nullptr) {
        for (uint32_t c = 0; c < classes; ++c) {
          const float t = static_cast<float>(c == label ? on_target : off_target);
          e[c] = static_cast<float>((e[c] * inv_sum - t) * inv_rows);  // (p_c - t_c) / rows
        }
      }
    }
  }
  return result;
}

template BatchResult softmax_cross_entropy<float>(const float*, const uint8_t*, uint32_t, uint32_t,
                                                  float, const SoftmaxOutputs&);
template BatchResult softmax_cross_entropy<double>(const float*, const uint8_t*, uint32_t,
                                                   uint32_t, float, const SoftmaxOutputs&);

}  // namespace train
}  // namespace softedge
