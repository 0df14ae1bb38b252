// The lesson's model and its gradient step, on raw pixels (feature = pixel * scale). The
// forward pass runs through the runtime's dispatched pixel kernel (the code that ships: a
// float model with a zero input bias runs its first layer on the pixels); the weight update
// is an xsimd kernel built for the desktop's own ISA (both in narrow_layer.h). A batch of
// pixels is a quarter of the bytes of its features and needs no conversion pass.
#include "softedge/train/softmax_regression.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "softedge/train/narrow_layer.h"

namespace softedge {
namespace train {
namespace {

// The batch's rows, copied together: each is 13 cache lines somewhere in the data set, so
// ask for them this many rows ahead, or each row waits for memory in turn.
constexpr uint32_t kPrefetchRows = 8;

void gather_rows(const uint8_t* const* images, uint32_t count, uint32_t in, uint8_t* pixels) {
  for (uint32_t r = 0; r < count; ++r) {
    if (r + kPrefetchRows < count) {
      for (uint32_t offset = 0; offset < in; offset += 64) {
        __builtin_prefetch(images[r + kPrefetchRows] + offset);
      }
    }
    std::memcpy(pixels + size_t{r} * in, images[r], in);
  }
}

}  // namespace

DenseParams init_linear(uint32_t in_features, uint32_t out_features, float stddev, Rng& rng) {
  DenseParams params;
  params.in_features = in_features;
  params.out_features = out_features;
  params.weights.resize(size_t{in_features} * out_features);
  for (float& w : params.weights) w = static_cast<float>(rng.next_normal() * stddev);
  params.bias.assign(out_features, 0.0f);
  return params;
}

BatchResult sgd_step(DenseParams& params, const uint8_t* const* images, float scale,
                     const uint8_t* labels, uint32_t rows, float learning_rate,
                     SgdWorkspace& workspace, ThreadPool* team) {
  const uint32_t classes = params.out_features;
  const uint32_t in = params.in_features;
  const size_t gradient_size = size_t{in} * classes + classes;  // weights, then bias
  workspace.pixels.resize(size_t{rows} * in);
  workspace.floats.resize(2 * size_t{rows} * classes + kStepParts * gradient_size);
  uint8_t* pixels = workspace.pixels.data();
  float* logits = workspace.floats.data();
  float* coefficients = logits + size_t{rows} * classes;
  float* gradients = coefficients + size_t{rows} * classes;
  BatchResult results[kStepParts];
  // d loss / d logits = (p - onehot) / rows; the step is -lr times that: the bias moves by the
  // coefficients, the weights by the coefficients times the scale times the pixels.
  const float step = -learning_rate / static_cast<float>(rows);
  parallel_for(team, kStepParts, [&](uint32_t part) {
    const auto [first, count] = step_part(rows, part);
    float* gradient = gradients + part * gradient_size;
    std::fill(gradient, gradient + gradient_size, 0.0f);
    if (count == 0) return;
    uint8_t* part_pixels = pixels + size_t{first} * in;
    gather_rows(images + first, count, in, part_pixels);
    float* part_logits = logits + size_t{first} * classes;
    narrow_forward(params.weights.data(), params.bias.data(), in, classes, part_pixels, scale,
                   count, part_logits);
    SoftmaxOutputs outputs;
    outputs.probabilities = coefficients + size_t{first} * classes;
    results[part] = softmax_cross_entropy<double>(part_logits, labels + first, count, classes,
                                                  0.0f, outputs);
    float* bias = gradient + size_t{in} * classes;
    for (uint32_t r = 0; r < count; ++r) {
      float* row = outputs.probabilities + size_t{r} * classes;
      row[labels[first + r]] -= 1.0f;
      for (uint32_t c = 0; c < classes; ++c) {
        row[c] *= step;
        bias[c] += row[c];
        row[c] *= scale;
      }
    }
    accumulate_weight_gradient(gradient, in, classes, outputs.probabilities, part_pixels, count);
  });
  const size_t weights = size_t{in} * classes;
  for (size_t k = 0; k < weights; ++k) {
    params.weights[k] += sum_of_parts(gradients, gradient_size, k);
  }
  for (uint32_t c = 0; c < classes; ++c) {
    params.bias[c] += sum_of_parts(gradients, gradient_size, weights + c);
  }
  return sum_of_parts(results);
}

}  // namespace train
}  // namespace softedge
