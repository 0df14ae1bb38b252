// The lesson's model and its gradient step, on raw pixels (feature = pixel * scale). The
// forward pass runs through the runtime's dispatched pixel kernel (the code that ships: a
// float model with a zero input bias runs its first layer on the pixels); the weight update
// is an xsimd kernel built for the desktop's own ISA (SOFTEDGE_TRAINER_ARCH). A batch of
// pixels is a quarter of the bytes of its features and needs no conversion pass.
#include "softedge/train/softmax_regression.h"

#include <xsimd/xsimd.hpp>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>

#include "softedge/kernels.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);

// With a team, a step is cut into units of rows (the forward pass) and of weight columns (the
// update) that do not depend on the thread count: every logit and every weight is computed by
// one thread in the same order, so the model is the same for any number of threads.
constexpr uint32_t kRowsPerUnit = 32;
constexpr uint32_t kColumnsPerUnit = 8 * kLanes;  // whole vectors: the scalar tail stays last

// kLanes pixels from `pixels`, as floats (xsimd's widest batch is the widest vector
// -march enables).
inline batch load_pixels(const uint8_t* pixels) {
#if defined(__AVX512F__)
  return _mm512_cvtepi32_ps(
      _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pixels))));
#elif defined(__AVX2__)
  return _mm256_cvtepi32_ps(
      _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(pixels))));
#else
  alignas(64) float values[kLanes];
  for (uint32_t l = 0; l < kLanes; ++l) values[l] = pixels[l];
  return batch::load_aligned(values);
#endif
}

// weights[o][i] += sum_r coefficients[r][o] * pixels[r][i] for o < out and the `cols` columns
// i < cols (rows of `weights` and `pixels` are `in` apart): a GEMM (coefficients^T x pixels)
// accumulated straight into the weights. Each 'lanes'-wide column chunk of up to kRows weight
// rows stays in registers while all pixel rows stream past it.
constexpr uint32_t kRows = 10;

template <uint32_t ROWS>
void accumulate_rows(float* weights, uint32_t in, uint32_t cols, uint32_t out,
                     const float* coefficients, const uint8_t* pixels, uint32_t rows) {
  uint32_t i = 0;
  for (; i + kLanes <= cols; i += kLanes) {
    batch acc[ROWS];
    for (uint32_t o = 0; o < ROWS; ++o) {
      acc[o] = batch::load_unaligned(weights + static_cast<size_t>(o) * in + i);
    }
    for (uint32_t r = 0; r < rows; ++r) {
      const batch x = load_pixels(pixels + static_cast<size_t>(r) * in + i);
      const float* c = coefficients + static_cast<size_t>(r) * out;
      for (uint32_t o = 0; o < ROWS; ++o) acc[o] = xsimd::fma(batch(c[o]), x, acc[o]);
    }
    for (uint32_t o = 0; o < ROWS; ++o) {
      acc[o].store_unaligned(weights + static_cast<size_t>(o) * in + i);
    }
  }
  for (; i < cols; ++i) {
    for (uint32_t o = 0; o < ROWS; ++o) {
      float sum = weights[static_cast<size_t>(o) * in + i];
      for (uint32_t r = 0; r < rows; ++r) {
        sum += coefficients[static_cast<size_t>(r) * out + o] *
               static_cast<float>(pixels[static_cast<size_t>(r) * in + i]);
      }
      weights[static_cast<size_t>(o) * in + i] = sum;
    }
  }
}

void accumulate_gradient(float* weights, uint32_t in, uint32_t cols, uint32_t out,
                         const float* coefficients, const uint8_t* pixels, uint32_t rows) {
  uint32_t o = 0;
  for (; o + kRows <= out; o += kRows) {
    accumulate_rows<kRows>(weights + static_cast<size_t>(o) * in, in, cols, out,
                           coefficients + o, pixels, rows);
  }
  for (; o < out; ++o) {
    accumulate_rows<1>(weights + static_cast<size_t>(o) * in, in, cols, out, coefficients + o,
                       pixels, rows);
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

void linear_forward(const DenseParams& params, const uint8_t* pixels, float scale,
                    uint32_t rows, float* logits) {
  const KernelSet& kernels = active_kernels();
  const uint32_t in = params.in_features, out = params.out_features;
  if (kernels.dense_u8_f32_batch != nullptr) {
    kernels.dense_u8_f32_batch(pixels, in, rows, scale, params.weights.data(),
                               params.bias.data(), in, out, logits, out);
    return;
  }
  for (uint32_t r = 0; r < rows; ++r) {
    kernels.dense_u8_f32(pixels + size_t{r} * in, scale, params.weights.data(),
                         params.bias.data(), in, out, logits + size_t{r} * out);
  }
}

BatchResult sgd_step(DenseParams& params, const uint8_t* pixels, float scale,
                     const uint8_t* labels, uint32_t rows, float learning_rate,
                     std::vector<float>& workspace, ThreadPool* team) {
  const uint32_t classes = params.out_features;
  const uint32_t in = params.in_features;
  workspace.resize(2 * size_t{rows} * classes);
  float* logits = workspace.data();
  float* probabilities = logits + size_t{rows} * classes;
  parallel_for(team, (rows + kRowsPerUnit - 1) / kRowsPerUnit, [&](uint32_t unit) {
    const uint32_t first = unit * kRowsPerUnit;
    linear_forward(params, pixels + size_t{first} * in, scale,
                   std::min(kRowsPerUnit, rows - first), logits + size_t{first} * classes);
  });
  SoftmaxOutputs outputs;
  outputs.probabilities = probabilities;
  const BatchResult result =
      softmax_cross_entropy<double>(logits, labels, rows, classes, 0.0f, outputs);

  // d loss / d logits = (p - onehot) / rows; the step is -lr times that. The forward pass
  // is complete, so the parameters can be updated in place: the bias by the coefficients,
  // the weights by the coefficients times the scale (feature = pixel * scale) times pixels.
  const float step = -learning_rate / static_cast<float>(rows);
  float* coefficients = probabilities;
  for (uint32_t r = 0; r < rows; ++r) {
    float* row = coefficients + size_t{r} * classes;
    row[labels[r]] -= 1.0f;
    for (uint32_t c = 0; c < classes; ++c) {
      row[c] *= step;
      params.bias[c] += row[c];
      row[c] *= scale;
    }
  }
  parallel_for(team, (in + kColumnsPerUnit - 1) / kColumnsPerUnit, [&](uint32_t unit) {
    const uint32_t first = unit * kColumnsPerUnit;
    accumulate_gradient(params.weights.data() + first, in, std::min(kColumnsPerUnit, in - first),
                        classes, coefficients, pixels + first, rows);
  });
  return result;
}

}  // namespace train
}  // namespace softedge
