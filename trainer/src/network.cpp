// Dense ReLU networks: forward and backward passes on gemm.h, AdamW with a one-cycle schedule,
// validation-based epoch selection (see network.h). Built with -march=SOFTEDGE_TRAINER_ARCH.
//
// Layout. While training, each layer keeps its weights transposed, Wᵀ (in x out), so the two
// products of the first layer — by far the largest — read their operands in place:
//   forward       Z = X · Wᵀ + b             gemm_ab   (X: rows x in, Wᵀ: in x out)
//   weight grad   dWᵀ = Xᵀ · dZ              gemm_atb  (dZ: rows x out)
//   input grad    dX = dZ · (Wᵀ)ᵀ            gemm_abt  (only for layers after the first)
// The results are handed out in the runtime's out x in layout.
#include "softedge/train/network.h"

#include <xsimd/xsimd.hpp>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#ifdef SOFTEDGE_NETWORK_PROFILE
#include <cstdio>
#endif

#include "softedge/train/gemm.h"
#include "softedge/train/rng.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t kLanes = batch::size;

// Rows per chunk when images are turned into features, and per forward pass when evaluating.
constexpr uint32_t kGatherChunkRows = 16;
constexpr uint32_t kEvalRows = 512;
// Elements per unit of work of the AdamW update.
constexpr size_t kAdamChunk = 16384;
// Multiply-adds per training step below which train_network() uses one thread.
constexpr uint64_t kMinTeamStepWork = uint64_t{1} << 21;

// OneCycleLR's defaults: initial lr = max / 25, final lr = initial / 1e4, beta1 in [0.85, 0.95].
constexpr double kDivFactor = 25.0;
constexpr double kFinalDivFactor = 1e4;
constexpr double kBeta1Low = 0.85;
constexpr double kBeta1High = 0.95;
constexpr double kBeta2 = 0.999;
constexpr double kAdamEpsilon = 1e-8;

// The validation split's generator is seeded apart from the one that initializes and shuffles.
constexpr uint64_t kValidationSeedSalt = 0x76616c6964617465ull;  // "validate"

ThreadPool* team_of(ThreadPool& pool) { return pool.size() > 1 ? &pool : nullptr; }

// Built with -DSOFTEDGE_NETWORK_PROFILE, train_network() prints the wall time of each phase of
// its steps (gather, forward, loss, backward, AdamW) and of the evaluations on stderr.
#ifdef SOFTEDGE_NETWORK_PROFILE
double g_phase_seconds[6];
struct PhaseTimer {
  int phase;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  explicit PhaseTimer(int p) : phase(p) {}
  ~PhaseTimer() {
    g_phase_seconds[phase] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};
#define PHASE(n) const PhaseTimer phase_timer_##n(n)
#else
#define PHASE(n)
#endif

// ---------------------------------------------------------------------------------------------
// The network while training: transposed weights, gradients, AdamW state and activations.

struct Layer {
  uint32_t in = 0;
  uint32_t out = 0;
  AlignedVector<float> wt;  // in x out
  AlignedVector<float> bias;
  AlignedVector<float> grad_wt, grad_bias;
  AlignedVector<float> m_wt, v_wt, m_bias, v_bias;
};

Layer layer_from_params(const DenseParams& params) {
  if (params.weights.size() != size_t{params.in} * params.out || params.bias.size() != params.out) {
    throw std::invalid_argument("dense layer: weights or bias do not match its shape");
  }
  Layer layer;
  layer.in = params.in;
  layer.out = params.out;
  layer.wt.resize(size_t{params.in} * params.out);
  for (uint32_t o = 0; o < params.out; ++o) {
    for (uint32_t i = 0; i < params.in; ++i) {
      layer.wt[size_t{i} * params.out + o] = params.weights[size_t{o} * params.in + i];
    }
  }
  layer.bias.assign(params.bias.begin(), params.bias.end());
  return layer;
}

DenseParams params_from_transposed(uint32_t in, uint32_t out, const float* wt, const float* bias) {
  DenseParams params;
  params.in = in;
  params.out = out;
  params.weights.resize(size_t{in} * out);
  for (uint32_t o = 0; o < out; ++o) {
    for (uint32_t i = 0; i < in; ++i) params.weights[size_t{o} * in + i] = wt[size_t{i} * out + o];
  }
  params.bias.assign(bias, bias + out);
  return params;
}

struct BatchStats {
  double loss_sum = 0.0;
  uint32_t correct = 0;
};

class Network {
 public:
  explicit Network(std::vector<Layer> layers) : layers_(std::move(layers)) {
    for (size_t l = 1; l < layers_.size(); ++l) {
      if (layers_[l].in != layers_[l - 1].out) {
        throw std::invalid_argument("dense layers: widths of consecutive layers do not chain");
      }
    }
    if (layers_.empty()) throw std::invalid_argument("a network needs at least one layer");
  }

  std::vector<Layer>& layers() { return layers_; }
  const std::vector<Layer>& layers() const { return layers_; }
  uint32_t inputs() const { return layers_.front().in; }
  uint32_t classes() const { return layers_.back().out; }

  // Buffers for batches of up to `rows` rows.
  void reserve(uint32_t rows) {
    if (rows <= capacity_) return;
    capacity_ = rows;
    activations_.resize(layers_.size() + 1);
    activations_[0].resize(size_t{rows} * inputs());
    uint32_t widest = 0;
    for (size_t l = 0; l < layers_.size(); ++l) {
      activations_[l + 1].resize(size_t{rows} * layers_[l].out);
      widest = std::max(widest, layers_[l].out);
    }
    delta_.resize(size_t{rows} * widest);
    delta_previous_.resize(size_t{rows} * widest);
  }

  // Where the caller puts the batch's features (rows x inputs()).
  float* input() { return activations_[0].data(); }
  const float* logits() const { return activations_.back().data(); }

  void forward(uint32_t rows, ThreadPool* team) {
    for (size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      const bool hidden = l + 1 < layers_.size();
      gemm_ab(rows, layer.out, layer.in, activations_[l].data(), layer.in, layer.wt.data(),
              layer.out, layer.bias.data(), activations_[l + 1].data(), layer.out,
              hidden ? Activation::kRelu : Activation::kNone, team);
    }
  }

  // Softmax cross-entropy of the logits against `labels`; when `gradient`, leaves
  // d(mean loss)/d(logits) in delta_ for backward() (else delta_ is scratch).
  BatchStats loss(const uint8_t* labels, uint32_t rows, float smoothing, bool gradient) {
    const uint32_t classes = this->classes();
    const float* logits = activations_.back().data();
    const double off_target = static_cast<double>(smoothing) / classes;
    const double on_target = 1.0 - smoothing + off_target;
    const float inv_rows = 1.0f / static_cast<float>(rows);
    BatchStats stats;
    for (uint32_t r = 0; r < rows; ++r) {
      const float* z = logits + size_t{r} * classes;
      const uint32_t label = labels[r];
      const uint32_t top = static_cast<uint32_t>(std::max_element(z, z + classes) - z);
      const float max_logit = z[top];
      // exp(z_c - max) into the gradient's row (scratch when no gradient is wanted).
      float* e = delta_.data() + size_t{r} * classes;
      float sum = 0.0f;
      for (uint32_t c = 0; c < classes; ++c) {
        e[c] = std::exp(z[c] - max_logit);
        sum += e[c];
      }
      const double log_sum_exp = max_logit + std::log(static_cast<double>(sum));
      // -sum_c t_c log p_c = log_sum_exp - sum_c t_c z_c, as sum_c t_c = 1.
      double target_dot = 0.0;
      if (smoothing != 0.0f) {
        double all = 0.0;
        for (uint32_t c = 0; c < classes; ++c) all += z[c];
        target_dot = off_target * all + (on_target - off_target) * z[label];
      } else {
        target_dot = z[label];
      }
      stats.loss_sum += log_sum_exp - target_dot;
      if (top == label) ++stats.correct;
      if (gradient) {
        const float inv_sum = 1.0f / sum;
        for (uint32_t c = 0; c < classes; ++c) {
          const float t = static_cast<float>(c == label ? on_target : off_target);
          e[c] = (e[c] * inv_sum - t) * inv_rows;  // (p_c - t_c) / rows
        }
      }
    }
    return stats;
  }

  // Gradients of every layer from delta_ (left by loss()).
  void backward(uint32_t rows, ThreadPool* team) {
    for (size_t l = layers_.size(); l-- > 0;) {
      Layer& layer = layers_[l];
      const float* input = activations_[l].data();
      if (layer.grad_wt.size() != layer.wt.size()) {
        layer.grad_wt.resize(layer.wt.size());
        layer.grad_bias.resize(layer.out);
      }
      gemm_atb(layer.in, layer.out, rows, input, layer.in, delta_.data(), layer.out,
               layer.grad_wt.data(), layer.out, false, team);
      column_sums(delta_.data(), rows, layer.out, layer.grad_bias.data());
      if (l == 0) break;
      gemm_abt(rows, layer.in, layer.out, delta_.data(), layer.out, layer.wt.data(), layer.out,
               nullptr, delta_previous_.data(), layer.in, Activation::kNone, team);
      relu_backward(input, size_t{rows} * layer.in, delta_previous_.data());
      std::swap(delta_, delta_previous_);
    }
  }

 private:
  // out[c] = sum over r (in order) of m[r][c].
  static void column_sums(const float* m, uint32_t rows, uint32_t cols, float* out) {
    std::fill(out, out + cols, 0.0f);
    for (uint32_t r = 0; r < rows; ++r) {
      const float* row = m + size_t{r} * cols;
      uint32_t c = 0;
      for (; c + kLanes <= cols; c += kLanes) {
        (batch::load_unaligned(out + c) + batch::load_unaligned(row + c)).store_unaligned(out + c);
      }
      for (; c < cols; ++c) out[c] += row[c];
    }
  }

  // delta *= (activation > 0): the ReLU's derivative (0 at 0).
  static void relu_backward(const float* activation, size_t count, float* delta) {
    const batch zero(0.0f);
    size_t i = 0;
    for (; i + kLanes <= count; i += kLanes) {
      const batch a = batch::load_unaligned(activation + i);
      const batch d = batch::load_unaligned(delta + i);
      xsimd::select(a > zero, d, zero).store_unaligned(delta + i);
    }
    for (; i < count; ++i) delta[i] = activation[i] > 0.0f ? delta[i] : 0.0f;
  }

  std::vector<Layer> layers_;
  std::vector<AlignedVector<float>> activations_;  // [0] input, [l + 1] output of layer l
  AlignedVector<float> delta_, delta_previous_;
  uint32_t capacity_ = 0;
};

std::vector<Layer> layers_from_params(const std::vector<DenseParams>& params) {
  std::vector<Layer> layers;
  layers.reserve(params.size());
  for (const DenseParams& p : params) layers.push_back(layer_from_params(p));
  return layers;
}

// ---------------------------------------------------------------------------------------------
// Features

// out[i] = curve[pixels[i]] for i < count: a table lookup per pixel, with the hardware gather
// where there is one (2x faster than scalar loads here).
void lookup_curve(const float* curve, const uint8_t* pixels, uint32_t count, float* out) {
  uint32_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= count; i += 16) {
    // The masked forms with explicit zeros: GCC 12 warns about the unmasked ones' undefined
    // pass-through operand.
    const __m512i index = _mm512_maskz_cvtepu8_epi32(
        0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(pixels + i)));
    _mm512_storeu_ps(out + i,
                     _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, index, curve, 4));
  }
#elif defined(__AVX2__)
  for (; i + 8 <= count; i += 8) {
    const __m256i index =
        _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(pixels + i)));
    _mm256_storeu_ps(out + i, _mm256_i32gather_ps(curve, index, 4));
  }
#endif
  for (; i < count; ++i) out[i] = curve[pixels[i]];
}

void transform_row(const InputTransform& t, const float* scale, const float* shift,
                   const uint8_t* pixels, float* out) {
  lookup_curve(t.value_of_pixel.data(), pixels, host::kImagePixels, out);
  uint32_t i = 0;
  for (; i + kLanes <= host::kImagePixels; i += kLanes) {
    const batch v = batch::load_unaligned(out + i);
    xsimd::fma(v, batch::load_unaligned(scale + i), batch::load_unaligned(shift + i))
        .store_unaligned(out + i);
  }
  for (; i < host::kImagePixels; ++i) out[i] = out[i] * scale[i] + shift[i];
}

// A row's pixels are 13 cache lines somewhere in 47 MB: ask for them a few rows ahead.
constexpr uint32_t kPrefetchRows = 4;
void prefetch_pixels(const uint8_t* row) {
  for (uint32_t offset = 0; offset < host::kImagePixels; offset += 64) __builtin_prefetch(row + offset);
}

// (v - mean) * inv_std as v * scale + shift.
struct FeatureMap {
  const InputTransform* transform;
  AlignedVector<float> scale, shift;

  explicit FeatureMap(const InputTransform& t) : transform(&t) {
    if (t.mean.size() != host::kImagePixels || t.inv_std.size() != host::kImagePixels) {
      throw std::invalid_argument("input transform: mean and inv_std need one value per pixel");
    }
    scale.assign(t.inv_std.begin(), t.inv_std.end());
    shift.resize(host::kImagePixels);
    for (uint32_t i = 0; i < host::kImagePixels; ++i) shift[i] = -t.mean[i] * t.inv_std[i];
  }

  // Rows `indices[0, rows)` of `split` (or rows first.. when indices is null) into `out`.
  void gather(const host::Split& split, const uint32_t* indices, uint32_t first, uint32_t rows,
              float* out, ThreadPool* team) const {
    const uint32_t chunks = (rows + kGatherChunkRows - 1) / kGatherChunkRows;
    parallel_for(rows >= 2 * kGatherChunkRows ? team : nullptr, chunks, [&](uint32_t chunk) {
      const uint32_t begin = chunk * kGatherChunkRows;
      const uint32_t end = std::min(rows, begin + kGatherChunkRows);
      auto row_of = [&](uint32_t r) { return indices != nullptr ? indices[r] : first + r; };
      for (uint32_t r = begin; r < std::min(end, begin + kPrefetchRows); ++r) {
        prefetch_pixels(&split.pixels[size_t{row_of(r)} * host::kImagePixels]);
      }
      for (uint32_t r = begin; r < end; ++r) {
        if (r + kPrefetchRows < end) {
          prefetch_pixels(&split.pixels[size_t{row_of(r + kPrefetchRows)} * host::kImagePixels]);
        }
        const uint32_t row = row_of(r);
        transform_row(*transform, scale.data(), shift.data(),
                      &split.pixels[size_t{row} * host::kImagePixels], out + size_t{r} * host::kImagePixels);
      }
    });
  }
};

// ---------------------------------------------------------------------------------------------
// AdamW

struct AdamStep {
  float learning_rate;
  float weight_decay;
  float beta1;
  float step_size;        // learning_rate / (1 - beta1^t)
  float inv_sqrt_bias2;   // 1 / sqrt(1 - beta2^t)
};

// PyTorch's AdamW on one array: w *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// w -= step_size * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
void adamw(float* w, float* m, float* v, const float* g, size_t count, const AdamStep& s,
           bool decay) {
  const float keep = decay ? 1.0f - s.learning_rate * s.weight_decay : 1.0f;
  const float b1 = s.beta1, c1 = 1.0f - s.beta1;
  const float b2 = static_cast<float>(kBeta2), c2 = static_cast<float>(1.0 - kBeta2);
  const float eps = static_cast<float>(kAdamEpsilon);
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    const batch gv = batch::load_unaligned(g + i);
    const batch mv = batch(b1) * batch::load_unaligned(m + i) + batch(c1) * gv;
    const batch vv = batch(b2) * batch::load_unaligned(v + i) + batch(c2) * (gv * gv);
    const batch denom = xsimd::sqrt(vv) * batch(s.inv_sqrt_bias2) + batch(eps);
    const batch wv = batch::load_unaligned(w + i) * batch(keep) - batch(s.step_size) * (mv / denom);
    mv.store_unaligned(m + i);
    vv.store_unaligned(v + i);
    wv.store_unaligned(w + i);
  }
  for (; i < count; ++i) {
    const float gi = g[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    const float denom = std::sqrt(vi) * s.inv_sqrt_bias2 + eps;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] * keep - s.step_size * (mi / denom);
  }
}

// The arrays of every layer cut into fixed chunks (the same whatever the thread count).
struct AdamWork {
  uint32_t layer;
  bool is_bias;
  size_t begin, end;
};

std::vector<AdamWork> adam_work(const std::vector<Layer>& layers) {
  std::vector<AdamWork> work;
  for (uint32_t l = 0; l < layers.size(); ++l) {
    const size_t weights = layers[l].wt.size();
    for (size_t begin = 0; begin < weights; begin += kAdamChunk) {
      work.push_back({l, false, begin, std::min(weights, begin + kAdamChunk)});
    }
    work.push_back({l, true, 0, layers[l].out});
  }
  return work;
}

void adam_update(std::vector<Layer>& layers, const std::vector<AdamWork>& work,
                 const AdamStep& step, ThreadPool* team) {
  parallel_for(team, static_cast<uint32_t>(work.size()), [&](uint32_t index) {
    const AdamWork& w = work[index];
    Layer& layer = layers[w.layer];
    if (w.is_bias) {
      adamw(layer.bias.data() + w.begin, layer.m_bias.data() + w.begin,
            layer.v_bias.data() + w.begin, layer.grad_bias.data() + w.begin, w.end - w.begin,
            step, false);
    } else {
      adamw(layer.wt.data() + w.begin, layer.m_wt.data() + w.begin, layer.v_wt.data() + w.begin,
            layer.grad_wt.data() + w.begin, w.end - w.begin, step, true);
    }
  });
}

// OneCycleLR (cosine annealing in both phases): learning rate and beta1 at step t of `total`.
void one_cycle(uint64_t t, uint64_t total, const NetworkConfig& config, double* lr,
               double* beta1) {
  const double max_lr = config.max_lr;
  const double initial = max_lr / kDivFactor;
  const double final_lr = initial / kFinalDivFactor;
  auto anneal = [](double from, double to, double x) {
    return to + (from - to) / 2.0 * (1.0 + std::cos(3.141592653589793 * x));
  };
  const double warmup = std::max(1.0, config.warmup_fraction * static_cast<double>(total) - 1.0);
  const double step = static_cast<double>(t);
  if (step <= warmup) {
    *lr = anneal(initial, max_lr, step / warmup);
    *beta1 = anneal(kBeta1High, kBeta1Low, step / warmup);
  } else {
    const double x = std::min(1.0, (step - warmup) / std::max(1.0, total - 1.0 - warmup));
    *lr = anneal(max_lr, final_lr, x);
    *beta1 = anneal(kBeta1Low, kBeta1High, x);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
};

// Mean loss and accuracy over rows `indices` (or all rows when indices is empty) of `split`.
Evaluation evaluate(Network& net, const FeatureMap& features, const host::Split& split,
                    const std::vector<uint32_t>& indices, ThreadPool* team) {
  const uint32_t count = indices.empty() ? split.count : static_cast<uint32_t>(indices.size());
  net.reserve(std::min(count, kEvalRows));
  std::vector<uint8_t> labels(kEvalRows);
  BatchStats total;
  for (uint32_t first = 0; first < count; first += kEvalRows) {
    const uint32_t rows = std::min(kEvalRows, count - first);
    const uint32_t* rows_of = indices.empty() ? nullptr : indices.data() + first;
    features.gather(split, rows_of, first, rows, net.input(), team);
    for (uint32_t r = 0; r < rows; ++r) {
      labels[r] = split.labels[rows_of != nullptr ? rows_of[r] : first + r];
    }
    net.forward(rows, team);
    const BatchStats stats = net.loss(labels.data(), rows, 0.0f, false);
    total.loss_sum += stats.loss_sum;
    total.correct += stats.correct;
  }
  Evaluation e;
  if (count > 0) {
    e.loss = total.loss_sum / count;
    e.accuracy = static_cast<double>(total.correct) / count;
  }
  return e;
}

void check_split(const host::Split& split, const char* what) {
  if (split.pixels.size() != size_t{split.count} * host::kImagePixels ||
      split.labels.size() != split.count) {
    throw std::invalid_argument(std::string(what) +
                                " split: pixels or labels do not match its count");
  }
  for (uint8_t label : split.labels) {
    if (label >= host::kNumClasses) {
      throw std::invalid_argument(std::string(what) + " split: label " + std::to_string(label) +
                                  " is not a class (0-9)");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Input transform

std::array<float, 256> pixel_curve(Curve curve) {
  std::array<float, 256> values{};
  for (int p = 0; p < 256; ++p) {
    const double x = p / 255.0;
    values[p] = static_cast<float>(curve == Curve::kSqrt ? std::sqrt(x) : x);
  }
  return values;
}

InputTransform identity_input_transform(Curve curve) {
  InputTransform t;
  t.value_of_pixel = pixel_curve(curve);
  t.mean.assign(host::kImagePixels, 0.0f);
  t.inv_std.assign(host::kImagePixels, 1.0f);
  return t;
}

InputTransform make_input_transform(const host::Split& train, Curve curve) {
  return make_input_transform(train, pixel_curve(curve));
}

InputTransform make_input_transform(const host::Split& train, const std::array<float, 256>& curve) {
  check_split(train, "training");
  if (train.count == 0) throw std::invalid_argument("input transform: the training split is empty");
  InputTransform t;
  t.value_of_pixel = curve;
  // Per pixel position, a histogram of the 256 values: exact sums in any order.
  std::vector<uint32_t> histogram(size_t{host::kImagePixels} * 256, 0);
  for (uint32_t r = 0; r < train.count; ++r) {
    const uint8_t* row = &train.pixels[size_t{r} * host::kImagePixels];
    for (uint32_t i = 0; i < host::kImagePixels; ++i) ++histogram[size_t{i} * 256 + row[i]];
  }
  t.mean.resize(host::kImagePixels);
  t.inv_std.resize(host::kImagePixels);
  for (uint32_t i = 0; i < host::kImagePixels; ++i) {
    double sum = 0.0;
    for (int p = 0; p < 256; ++p) {
      sum += static_cast<double>(histogram[size_t{i} * 256 + p]) * t.value_of_pixel[p];
    }
    const double mean = sum / train.count;
    double squares = 0.0;
    for (int p = 0; p < 256; ++p) {
      const double d = t.value_of_pixel[p] - mean;
      squares += static_cast<double>(histogram[size_t{i} * 256 + p]) * d * d;
    }
    const double std_dev = std::sqrt(squares / train.count);
    t.mean[i] = static_cast<float>(mean);
    t.inv_std[i] = static_cast<float>(1.0 / std::max<double>(std_dev, kMinPixelStd));
  }
  return t;
}

void apply_input_transform(const InputTransform& transform, const uint8_t* pixels, uint32_t rows,
                           float* features) {
  const FeatureMap map(transform);
  for (uint32_t r = 0; r < rows; ++r) {
    transform_row(transform, map.scale.data(), map.shift.data(), pixels + size_t{r} * host::kImagePixels,
                  features + size_t{r} * host::kImagePixels);
  }
}

DenseParams fold_input_transform(const DenseParams& first, const InputTransform& transform) {
  if (first.in != transform.mean.size() || first.in != transform.inv_std.size()) {
    throw std::invalid_argument(
        "fold_input_transform: the layer's inputs do not match the transform");
  }
  DenseParams folded = first;
  for (uint32_t o = 0; o < first.out; ++o) {
    double shift = 0.0;
    for (uint32_t i = 0; i < first.in; ++i) {
      const double w = first.weights[size_t{o} * first.in + i];
      folded.weights[size_t{o} * first.in + i] = static_cast<float>(w * transform.inv_std[i]);
      shift += w * transform.mean[i] * transform.inv_std[i];
    }
    folded.bias[o] = static_cast<float>(first.bias[o] - shift);
  }
  return folded;
}

// ---------------------------------------------------------------------------------------------
// Training

NetworkConfig default_network_config(const std::vector<uint32_t>& hidden) {
  NetworkConfig config;
  config.hidden = hidden;
  if (hidden.empty()) {
    config.epochs = 10;
    config.max_lr = 3e-3f;
    config.label_smoothing = 0.0f;
  }
  return config;
}

std::vector<uint32_t> validation_rows(uint32_t train_count, const NetworkConfig& config) {
  const uint32_t size = std::min(config.validation_size, train_count);
  std::vector<uint32_t> order(train_count);
  std::iota(order.begin(), order.end(), 0u);
  Rng rng(config.seed ^ kValidationSeedSalt);
  // A partial Fisher-Yates: the first `size` positions are a uniform random subset.
  for (uint32_t i = 0; i < size; ++i) {
    std::swap(order[i], order[i + rng.next_below(train_count - i)]);
  }
  order.resize(size);
  std::sort(order.begin(), order.end());
  return order;
}

NetworkResult train_network(
    const host::Split& train, const host::Split* test, const InputTransform& transform,
    const NetworkConfig& config, const std::function<void(const NetworkEpochReport&)>& on_epoch,
    const std::function<void(uint64_t steps_done, uint64_t total_steps)>& on_step) {
  check_split(train, "training");
  if (test != nullptr) check_split(*test, "test");
  if (config.epochs == 0 || config.batch_size == 0) {
    throw std::invalid_argument("training needs at least one epoch and a batch size");
  }
  if (config.validation_size >= train.count) {
    throw std::invalid_argument("the validation split (" + std::to_string(config.validation_size) +
                                " rows) leaves no training rows out of " +
                                std::to_string(train.count));
  }
  if (!(config.max_lr > 0.0f) || !(config.weight_decay >= 0.0f) ||
      !(config.label_smoothing >= 0.0f && config.label_smoothing < 1.0f) ||
      !(config.warmup_fraction > 0.0f && config.warmup_fraction < 1.0f)) {
    throw std::invalid_argument("network config: learning rate, weight decay, label smoothing or "
                                "warm-up fraction out of range");
  }
  for (uint32_t width : config.hidden) {
    if (width == 0) throw std::invalid_argument("network config: a hidden layer has width 0");
  }
  const FeatureMap features(transform);
  // A second thread pays from about 2^21 multiply-adds per step (784-32-10 and up); softmax
  // regression (10^6) trains faster on one. The results are the same either way.
  uint64_t step_work = 0;
  for (size_t l = 0, in = host::kImagePixels; l <= config.hidden.size(); ++l) {
    const uint64_t out = l < config.hidden.size() ? config.hidden[l] : host::kNumClasses;
    step_work += uint64_t{config.batch_size} * in * out;
    in = out;
  }
  const uint32_t threads = step_work >= kMinTeamStepWork ? std::max(1u, config.threads) : 1;
  const ScopedFlushDenormals flush;  // before the pool: its workers inherit the setting
  ThreadPool pool(threads);
  ThreadPool* team = team_of(pool);

  // Validation rows out, training rows in.
  const std::vector<uint32_t> validation = validation_rows(train.count, config);
  std::vector<uint32_t> order;
  order.reserve(train.count - validation.size());
  for (uint32_t r = 0, v = 0; r < train.count; ++r) {
    if (v < validation.size() && validation[v] == r) {
      ++v;
    } else {
      order.push_back(r);
    }
  }
  const uint32_t train_rows = static_cast<uint32_t>(order.size());

  // He initialization (N(0, 2/in)) for ReLU layers; N(0, 1/in) for the output layer; b = 0.
  Rng rng(config.seed);
  std::vector<uint32_t> widths = {host::kImagePixels};
  widths.insert(widths.end(), config.hidden.begin(), config.hidden.end());
  widths.push_back(host::kNumClasses);
  std::vector<Layer> initial;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    Layer layer;
    layer.in = widths[l];
    layer.out = widths[l + 1];
    const bool relu = l + 2 < widths.size();
    const double stddev = std::sqrt((relu ? 2.0 : 1.0) / layer.in);
    layer.wt.resize(size_t{layer.in} * layer.out);
    for (float& w : layer.wt) w = static_cast<float>(rng.next_normal() * stddev);
    layer.bias.assign(layer.out, 0.0f);
    layer.grad_wt.resize(layer.wt.size());
    layer.grad_bias.resize(layer.out);
    layer.m_wt.assign(layer.wt.size(), 0.0f);
    layer.v_wt.assign(layer.wt.size(), 0.0f);
    layer.m_bias.assign(layer.out, 0.0f);
    layer.v_bias.assign(layer.out, 0.0f);
    initial.push_back(std::move(layer));
  }
  Network net(std::move(initial));
  net.reserve(std::max(config.batch_size, std::min(kEvalRows, std::max<uint32_t>(
                                                                  train.count, 1))));
  const std::vector<AdamWork> work = adam_work(net.layers());

  const uint64_t steps_per_epoch = (train_rows + config.batch_size - 1) / config.batch_size;
  const uint64_t total_steps = steps_per_epoch * config.epochs;
  uint64_t step = 0;
  double beta1_power = 1.0, beta2_power = 1.0;

  NetworkResult result;
  double best_accuracy = -1.0;
  std::vector<AlignedVector<float>> best_wt(net.layers().size()), best_bias(net.layers().size());
  std::vector<uint8_t> labels(config.batch_size);

  for (uint32_t epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    rng.shuffle(order);
    BatchStats epoch_stats;
    double lr = 0.0, beta1 = 0.0;
    for (uint32_t first = 0; first < train_rows; first += config.batch_size) {
      const uint32_t rows = std::min(config.batch_size, train_rows - first);
      {
        PHASE(0);
        features.gather(train, order.data() + first, 0, rows, net.input(), team);
        for (uint32_t r = 0; r < rows; ++r) labels[r] = train.labels[order[first + r]];
      }
      {
        PHASE(1);
        net.forward(rows, team);
      }
      BatchStats stats;
      {
        PHASE(2);
        stats = net.loss(labels.data(), rows, config.label_smoothing, true);
      }
      epoch_stats.loss_sum += stats.loss_sum;
      epoch_stats.correct += stats.correct;
      {
        PHASE(3);
        net.backward(rows, team);
      }
      PHASE(4);

      one_cycle(step, total_steps, config, &lr, &beta1);
      ++step;
      // PyTorch's bias correction with a cycled beta1: 1 - beta1^t with the current beta1.
      beta2_power *= kBeta2;
      beta1_power = std::pow(beta1, static_cast<double>(step));
      AdamStep adam;
      adam.learning_rate = static_cast<float>(lr);
      adam.weight_decay = config.weight_decay;
      adam.beta1 = static_cast<float>(beta1);
      adam.step_size = static_cast<float>(lr / (1.0 - beta1_power));
      adam.inv_sqrt_bias2 = static_cast<float>(1.0 / std::sqrt(1.0 - beta2_power));
      adam_update(net.layers(), work, adam, team);
      if (on_step) on_step(step, total_steps);
    }

    PHASE(5);
    NetworkEpochReport report;
    report.epoch = epoch;
    report.learning_rate = lr;
    report.train_loss = epoch_stats.loss_sum / train_rows;
    report.train_accuracy = static_cast<double>(epoch_stats.correct) / train_rows;
    if (!validation.empty()) {
      const Evaluation v = evaluate(net, features, train, validation, team);
      report.validation_loss = v.loss;
      report.validation_accuracy = v.accuracy;
    }
    if (test != nullptr && test->count > 0) {
      report.test_accuracy = evaluate(net, features, *test, {}, team).accuracy;
    }
    // Keep the best validation epoch (the last epoch without a validation split).
    const double score = validation.empty() ? epoch : report.validation_accuracy;
    if (score > best_accuracy) {
      best_accuracy = score;
      result.best_epoch = epoch;
      for (size_t l = 0; l < net.layers().size(); ++l) {
        best_wt[l] = net.layers()[l].wt;
        best_bias[l] = net.layers()[l].bias;
      }
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.history.push_back(report);
    if (on_epoch) on_epoch(report);
  }

#ifdef SOFTEDGE_NETWORK_PROFILE
  std::fprintf(stderr, "gather %.3f forward %.3f loss %.3f backward %.3f adam %.3f eval %.3f s\n",
               g_phase_seconds[0], g_phase_seconds[1], g_phase_seconds[2], g_phase_seconds[3],
               g_phase_seconds[4], g_phase_seconds[5]);
#endif
  for (size_t l = 0; l < net.layers().size(); ++l) {
    const Layer& layer = net.layers()[l];
    result.layers.push_back(
        params_from_transposed(layer.in, layer.out, best_wt[l].data(), best_bias[l].data()));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Evaluation and gradients

void network_logits(const std::vector<DenseParams>& layers, const float* features, uint32_t rows,
                    float* logits, uint32_t threads) {
  Network net(layers_from_params(layers));
  const ScopedFlushDenormals flush;  // as in training
  ThreadPool pool(std::max(1u, threads));
  net.reserve(std::min(rows, kEvalRows));
  const uint32_t in = net.inputs(), classes = net.classes();
  for (uint32_t first = 0; first < rows; first += kEvalRows) {
    const uint32_t n = std::min(kEvalRows, rows - first);
    std::copy(features + size_t{first} * in, features + size_t{first + n} * in, net.input());
    net.forward(n, team_of(pool));
    std::copy(net.logits(), net.logits() + size_t{n} * classes, logits + size_t{first} * classes);
  }
}

std::vector<uint32_t> network_predict(const std::vector<DenseParams>& layers,
                                      const InputTransform& transform, const host::Split& split,
                                      uint32_t threads) {
  check_split(split, "evaluation");
  Network net(layers_from_params(layers));
  if (net.inputs() != host::kImagePixels) {
    throw std::invalid_argument("network_predict: the first layer does not take 784 pixels");
  }
  const FeatureMap features(transform);
  const ScopedFlushDenormals flush;
  ThreadPool pool(std::max(1u, threads));
  net.reserve(std::min(std::max(split.count, 1u), kEvalRows));
  std::vector<uint32_t> predicted(split.count);
  const uint32_t classes = net.classes();
  for (uint32_t first = 0; first < split.count; first += kEvalRows) {
    const uint32_t rows = std::min(kEvalRows, split.count - first);
    features.gather(split, nullptr, first, rows, net.input(), team_of(pool));
    net.forward(rows, team_of(pool));
    for (uint32_t r = 0; r < rows; ++r) {
      const float* z = net.logits() + size_t{r} * classes;
      predicted[first + r] = static_cast<uint32_t>(std::max_element(z, z + classes) - z);
    }
  }
  return predicted;
}

double network_loss_and_gradient(const std::vector<DenseParams>& layers, const float* features,
                                 const uint8_t* labels, uint32_t rows,
                                 std::vector<DenseParams>* gradient, float label_smoothing,
                                 uint32_t threads) {
  if (rows == 0) throw std::invalid_argument("network_loss_and_gradient: no rows");
  Network net(layers_from_params(layers));
  for (uint32_t r = 0; r < rows; ++r) {
    if (labels[r] >= net.classes()) throw std::invalid_argument("label out of range");
  }
  const ScopedFlushDenormals flush;
  ThreadPool pool(std::max(1u, threads));
  net.reserve(rows);
  std::copy(features, features + size_t{rows} * net.inputs(), net.input());
  net.forward(rows, team_of(pool));
  const BatchStats stats = net.loss(labels, rows, label_smoothing, gradient != nullptr);
  if (gradient != nullptr) {
    net.backward(rows, team_of(pool));
    gradient->clear();
    for (const Layer& layer : net.layers()) {
      gradient->push_back(params_from_transposed(layer.in, layer.out, layer.grad_wt.data(),
                                                 layer.grad_bias.data()));
    }
  }
  return stats.loss_sum / rows;
}

}  // namespace train
}  // namespace softedge
