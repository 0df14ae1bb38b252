// The dense-network trainer (softedge/train/network_trainer.h) and its parts: the backward pass
// against finite differences, the input transform and its folding into the first layer, the
// validation split, AdamW and the one-cycle schedule against their definitions, determinism
// across runs and thread counts, and learning a small synthetic problem.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/train/adamw.h"
#include "softedge/train/narrow_layer.h"
#include "softedge/train/feature_map.h"
#include "softedge/train/input_transform.h"
#include "softedge/train/model_spec.h"
#include "softedge/train/network.h"
#include "softedge/train/network_evaluation.h"
#include "softedge/train/network_trainer.h"
#include "softedge/train/one_cycle.h"
#include "softedge/train/rng.h"
#include "softedge/train/sgd_momentum.h"
#include "softedge/train/thread_pool.h"
#include "softedge/train/validation_split.h"

using namespace softedge::train;
namespace host = softedge::host;

namespace {

// |got - expected| within `relative` of the larger magnitude, or within `absolute`.
bool close(double got, double expected, double relative, double absolute) {
  const double diff = std::fabs(got - expected);
  return diff <= absolute || diff <= relative * std::max(std::fabs(got), std::fabs(expected));
}

DenseParams random_layer(uint32_t in, uint32_t out, double scale, Rng& rng) {
  DenseParams p;
  p.in_features = in;
  p.out_features = out;
  p.weights.resize(size_t{in} * out);
  for (float& w : p.weights) w = static_cast<float>(rng.next_normal() * scale);
  p.bias.resize(out);
  for (float& b : p.bias) b = static_cast<float>(rng.next_normal() * 0.3);
  return p;
}

// Mean (label-smoothed) cross-entropy of a ReLU network, in double, straight from the
// definition: the oracle for the gradient check.
double reference_loss(const std::vector<std::vector<double>>& weights,
                      const std::vector<std::vector<double>>& biases,
                      const std::vector<uint32_t>& widths, const std::vector<float>& x,
                      const std::vector<uint8_t>& labels, double smoothing) {
  const size_t rows = labels.size();
  const size_t layers = weights.size();
  double total = 0.0;
  for (size_t r = 0; r < rows; ++r) {
    std::vector<double> h(x.begin() + r * widths[0], x.begin() + (r + 1) * widths[0]);
    for (size_t l = 0; l < layers; ++l) {
      std::vector<double> z(widths[l + 1]);
      for (uint32_t o = 0; o < widths[l + 1]; ++o) {
        z[o] = biases[l][o];
        for (uint32_t i = 0; i < widths[l]; ++i) z[o] += weights[l][o * widths[l] + i] * h[i];
        if (l + 1 < layers) z[o] = std::max(z[o], 0.0);
      }
      h = z;
    }
    double max_z = *std::max_element(h.begin(), h.end());
    double sum = 0.0;
    for (double v : h) sum += std::exp(v - max_z);
    const double lse = max_z + std::log(sum);
    const double classes = static_cast<double>(h.size());
    for (size_t c = 0; c < h.size(); ++c) {
      const double target = (c == labels[r] ? 1.0 - smoothing : 0.0) + smoothing / classes;
      total -= target * (h[c] - lse);
    }
  }
  return total / rows;
}

void gradient_check(const std::vector<uint32_t>& widths, float smoothing, uint64_t seed) {
  Rng rng(seed);
  std::vector<DenseParams> layers;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    layers.push_back(random_layer(widths[l], widths[l + 1], 0.8, rng));
  }
  const uint32_t rows = 7;
  std::vector<float> x(size_t{rows} * widths[0]);
  for (float& v : x) v = static_cast<float>(rng.next_normal());
  std::vector<uint8_t> labels(rows);
  for (uint8_t& label : labels) label = static_cast<uint8_t>(rng.next_below(widths.back()));

  std::vector<std::vector<double>> w, b;
  for (const DenseParams& p : layers) {
    w.emplace_back(p.weights.begin(), p.weights.end());
    b.emplace_back(p.bias.begin(), p.bias.end());
  }
  std::vector<DenseParams> gradient;
  const double loss = network_loss_and_gradient(layers, x.data(), labels.data(), rows, &gradient,
                                                smoothing);
  CHECK(loss == doctest::Approx(reference_loss(w, b, widths, x, labels, smoothing)).epsilon(1e-5));
  REQUIRE(gradient.size() == layers.size());

  const double eps = 1e-5;
  size_t checked = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    REQUIRE(gradient[l].in_features == layers[l].in_features);
    REQUIRE(gradient[l].out_features == layers[l].out_features);
    for (size_t k = 0; k < w[l].size() + b[l].size(); ++k) {
      const bool is_bias = k >= w[l].size();
      std::vector<double>& param = is_bias ? b[l] : w[l];
      const size_t index = is_bias ? k - w[l].size() : k;
      const double saved = param[index];
      param[index] = saved + eps;
      const double plus = reference_loss(w, b, widths, x, labels, smoothing);
      param[index] = saved - eps;
      const double minus = reference_loss(w, b, widths, x, labels, smoothing);
      param[index] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      const double analytic = is_bias ? gradient[l].bias[index] : gradient[l].weights[index];
      CHECK_MESSAGE(close(analytic, numeric, 1e-3, 1e-6),
                    "layer " << l << (is_bias ? " bias " : " weight ") << index << ": analytic "
                             << analytic << ", numeric " << numeric);
      ++checked;
    }
  }
  CHECK(checked > 0);
}

// A synthetic 10-class problem: each class a random 28x28 prototype, images the prototype
// plus uniform noise, clamped to 0..255. `shift` moves every pixel (a different "camera").
host::Split synthetic_split(uint32_t count, uint64_t seed, int noise) {
  Rng prototypes_rng(12345);  // the same classes for every split
  std::vector<int> prototypes(size_t{host::kNumClasses} * host::kImagePixels);
  for (int& p : prototypes) {
    p = prototypes_rng.next_unit() < 0.5 ? 0 : static_cast<int>(prototypes_rng.next_below(256));
  }
  Rng rng(seed);
  host::Split split;
  split.count = count;
  split.pixels.resize(size_t{count} * host::kImagePixels);
  split.labels.resize(count);
  for (uint32_t r = 0; r < count; ++r) {
    const uint32_t label = static_cast<uint32_t>(rng.next_below(host::kNumClasses));
    split.labels[r] = static_cast<uint8_t>(label);
    for (uint32_t i = 0; i < host::kImagePixels; ++i) {
      const int v = prototypes[size_t{label} * host::kImagePixels + i] +
                    static_cast<int>(rng.next_below(2 * noise + 1)) - noise;
      split.pixels[size_t{r} * host::kImagePixels + i] =
          static_cast<uint8_t>(std::clamp(v, 0, 255));
    }
  }
  return split;
}

bool same_parameters(const std::vector<DenseParams>& a, const std::vector<DenseParams>& b) {
  if (a.size() != b.size()) return false;
  for (size_t l = 0; l < a.size(); ++l) {
    if (a[l].in_features != b[l].in_features || a[l].out_features != b[l].out_features) {
      return false;
    }
    if (std::memcmp(a[l].weights.data(), b[l].weights.data(),
                    a[l].weights.size() * sizeof(float)) != 0 ||
        std::memcmp(a[l].bias.data(), b[l].bias.data(), a[l].bias.size() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

double accuracy_of(const std::vector<uint32_t>& predicted, const host::Split& split) {
  uint32_t right = 0;
  for (uint32_t r = 0; r < split.count; ++r) right += predicted[r] == split.labels[r];
  return static_cast<double>(right) / split.count;
}

}  // namespace

TEST_CASE("network: the backward pass matches finite differences (one hidden layer)") {
  gradient_check({6, 5, 4}, 0.0f, 1);
}

TEST_CASE("network: the backward pass matches finite differences (two hidden layers, smoothing)") {
  gradient_check({5, 7, 4, 3}, 0.1f, 2);
}

TEST_CASE("network: the backward pass matches finite differences (no hidden layer)") {
  gradient_check({9, 4}, 0.0f, 3);
}

TEST_CASE("network: finite differences with layers on the GEMM and on the narrow products") {
  // Layer 0 is wider than the narrow products take (the GEMM's); layer 1, a hidden layer
  // with a ReLU, and layer 2 are theirs.
  gradient_check({6, kNarrowLayerOutputs + 4, kNarrowLayerOutputs, 4}, 0.0f, 4);
}

TEST_CASE("network: a linear model's step in parts gives forward, loss and backward's gradients") {
  Rng rng(9);
  const DenseParams layer = random_layer(37, 10, 0.3, rng);  // 37: a partial vector of inputs
  for (uint32_t rows : {1u, 2u, 45u}) {
    std::vector<float> x(size_t{rows} * layer.in_features);
    for (float& v : x) v = static_cast<float>(rng.next_normal());
    std::vector<uint8_t> labels(rows);
    for (uint8_t& label : labels) label = static_cast<uint8_t>(rng.next_below(10));

    Network whole(network_layers({layer}));
    REQUIRE(whole.steps_in_parts());
    whole.reserve(rows);
    std::copy(x.begin(), x.end(), whole.input());
    whole.forward(rows, nullptr);
    const BatchResult expected = whole.loss(labels.data(), rows, 0.1f, true);
    whole.backward(rows, nullptr);

    std::vector<std::vector<float>> weights, biases;
    for (uint32_t threads : {1u, 2u, 3u}) {
      ThreadPool pool(threads);
      Network parts(network_layers({layer}));
      parts.reserve(rows);
      std::vector<uint32_t> filled(rows, 0);
      const BatchResult result = parts.step_in_parts(
          [&](uint32_t first, uint32_t count, float* to) {
            for (uint32_t r = first; r < first + count; ++r) ++filled[r];
            std::copy(x.begin() + size_t{first} * layer.in_features,
                      x.begin() + size_t{first + count} * layer.in_features, to);
          },
          labels.data(), rows, 0.1f, team_of(pool));
      CHECK(std::all_of(filled.begin(), filled.end(), [](uint32_t n) { return n == 1; }));
      CHECK(result.correct == expected.correct);
      CHECK(result.loss_sum == doctest::Approx(expected.loss_sum).epsilon(1e-6));
      const NetworkLayer& got = parts.layers()[0];
      const NetworkLayer& want = whole.layers()[0];
      for (size_t k = 0; k < want.grad_wt.size(); ++k) {
        REQUIRE_MESSAGE(close(got.grad_wt[k], want.grad_wt[k], 1e-5, 1e-6), "weight " << k);
      }
      for (uint32_t o = 0; o < want.out; ++o) {
        CHECK(close(got.grad_bias[o], want.grad_bias[o], 1e-5, 1e-6));
      }
      weights.emplace_back(got.grad_wt.begin(), got.grad_wt.end());
      biases.emplace_back(got.grad_bias.begin(), got.grad_bias.end());
    }
    CHECK(weights[0] == weights[1]);  // the same bits for any team
    CHECK(weights[0] == weights[2]);
    CHECK(biases[0] == biases[1]);
    CHECK(biases[0] == biases[2]);
  }
}

TEST_CASE("network: gradients are bit-identical with 1 and 2 threads") {
  Rng rng(5);
  const std::vector<DenseParams> layers = {random_layer(784, 256, 0.05, rng),
                                           random_layer(256, 10, 0.1, rng)};
  const uint32_t rows = 128;
  std::vector<float> x(size_t{rows} * 784);
  for (float& v : x) v = static_cast<float>(rng.next_normal());
  std::vector<uint8_t> labels(rows);
  for (uint8_t& label : labels) label = static_cast<uint8_t>(rng.next_below(10));
  std::vector<DenseParams> one, two;
  const double loss1 =
      network_loss_and_gradient(layers, x.data(), labels.data(), rows, &one, 0.0f, 1);
  const double loss2 =
      network_loss_and_gradient(layers, x.data(), labels.data(), rows, &two, 0.0f, 2);
  CHECK(loss1 == loss2);
  CHECK(same_parameters(one, two));
}

TEST_CASE("input transform: curves, standardization statistics and features") {
  const std::array<float, 256> linear = pixel_curve(Curve::kLinear);
  const std::array<float, 256> root = pixel_curve(Curve::kSqrt);
  CHECK(linear[0] == 0.0f);
  CHECK(linear[255] == 1.0f);
  CHECK(linear[51] == doctest::Approx(0.2));
  CHECK(root[0] == 0.0f);
  CHECK(root[255] == 1.0f);
  CHECK(root[64] == doctest::Approx(std::sqrt(64.0 / 255.0)));

  host::Split split;
  split.count = 4;
  split.pixels.assign(size_t{4} * host::kImagePixels, 0);  // pixel 0 stays constant
  split.labels = {0, 1, 2, 3};
  const uint8_t values[4] = {0, 255, 51, 102};
  for (uint32_t r = 0; r < 4; ++r) split.pixels[size_t{r} * host::kImagePixels + 1] = values[r];
  const InputTransform t = make_input_transform(split, Curve::kLinear);
  REQUIRE(t.mean.size() == host::kImagePixels);
  REQUIRE(t.inv_std.size() == host::kImagePixels);
  const double mean = (0.0 + 1.0 + 0.2 + 0.4) / 4;
  double var = 0.0;
  for (double v : {0.0, 1.0, 0.2, 0.4}) var += (v - mean) * (v - mean);
  var /= 4;
  CHECK(t.mean[1] == doctest::Approx(mean));
  CHECK(t.inv_std[1] == doctest::Approx(1.0 / std::sqrt(var)));
  CHECK(t.mean[0] == 0.0f);
  CHECK(t.inv_std[0] == doctest::Approx(1.0 / kMinPixelStd));  // constant pixel: floored std

  std::vector<float> features(size_t{4} * host::kImagePixels);
  apply_input_transform(t, split.pixels.data(), 4, features.data());
  for (uint32_t r = 0; r < 4; ++r) {
    for (uint32_t i = 0; i < host::kImagePixels; ++i) {
      const uint8_t p = split.pixels[size_t{r} * host::kImagePixels + i];
      const double expected = (t.value_of_pixel[p] - t.mean[i]) * t.inv_std[i];
      REQUIRE(close(features[size_t{r} * host::kImagePixels + i], expected, 1e-6, 1e-6));
    }
  }
  CHECK_THROWS_AS(make_input_transform(host::Split{}, Curve::kSqrt), std::invalid_argument);
}

TEST_CASE("feature map: every pixel value at every position, byte-table and float curves") {
  // 256 rows in which every position sees every value once (both halves of a byte table).
  host::Split split;
  split.count = 256;
  split.pixels.resize(size_t{256} * host::kImagePixels);
  split.labels.assign(256, 0);
  for (uint32_t r = 0; r < 256; ++r) {
    for (uint32_t i = 0; i < host::kImagePixels; ++i) {
      split.pixels[size_t{r} * host::kImagePixels + i] = static_cast<uint8_t>(r + 7 * i);
    }
  }
  // A curve a model file can hold (byte * 1/255, the bytes scrambled so that a wrong table
  // half or lane order shows), and one it cannot (exact square roots).
  std::array<float, 256> bytes_curve{};
  for (int p = 0; p < 256; ++p) {
    bytes_curve[p] = static_cast<float>((p * 97 + 31) % 256) * kPixelScale;
  }
  for (const std::array<float, 256>& curve : {bytes_curve, pixel_curve(Curve::kSqrt)}) {
    const InputTransform t = make_input_transform(split, curve);
    const FeatureMap map(t);
    std::vector<float> features(host::kImagePixels);
    for (uint32_t r = 0; r < 256; ++r) {
      const uint8_t* pixels = &split.pixels[size_t{r} * host::kImagePixels];
      map.transform_row(pixels, features.data());
      for (uint32_t i = 0; i < host::kImagePixels; ++i) {
        const double expected = (curve[pixels[i]] - t.mean[i]) * t.inv_std[i];
        REQUIRE_MESSAGE(close(features[i], expected, 1e-5, 1e-5), "row " << r << " pixel " << i);
      }
    }
  }
}

TEST_CASE("input transform: every row counts once when the rows are counted in two halves") {
  for (uint32_t count : {1u, 2u, 3u, 7u}) {
    host::Split split;
    split.count = count;
    split.pixels.assign(size_t{count} * host::kImagePixels, 0);
    split.labels.assign(count, 0);
    double sum = 0.0;
    for (uint32_t r = 0; r < count; ++r) {
      const uint8_t value = static_cast<uint8_t>(40 * r + 15);
      split.pixels[size_t{r} * host::kImagePixels + 100] = value;
      sum += value / 255.0;
    }
    const InputTransform t = make_input_transform(split, Curve::kLinear);
    CHECK_MESSAGE(t.mean[100] == doctest::Approx(sum / count), "rows " << count);
    CHECK(t.mean[0] == 0.0f);
  }
}

TEST_CASE("fold_input_transform: the folded layer on curve values equals the layer on features") {
  Rng rng(9);
  InputTransform t;
  t.value_of_pixel = pixel_curve(Curve::kSqrt);
  t.mean.resize(host::kImagePixels);
  t.inv_std.resize(host::kImagePixels);
  for (uint32_t i = 0; i < host::kImagePixels; ++i) {
    t.mean[i] = static_cast<float>(rng.next_unit() * 0.6);
    t.inv_std[i] = static_cast<float>(0.5 + rng.next_unit() * 4.0);
  }
  const DenseParams layer = random_layer(host::kImagePixels, 12, 0.05, rng);
  const DenseParams folded = fold_input_transform(layer, t);
  REQUIRE(folded.in_features == layer.in_features);
  REQUIRE(folded.out_features == layer.out_features);

  const uint32_t rows = 5;
  std::vector<uint8_t> pixels(size_t{rows} * host::kImagePixels);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.next_below(256));
  std::vector<float> features(pixels.size()), values(pixels.size());
  apply_input_transform(t, pixels.data(), rows, features.data());
  for (size_t i = 0; i < pixels.size(); ++i) values[i] = t.value_of_pixel[pixels[i]];

  std::vector<float> expected(size_t{rows} * 12), got(size_t{rows} * 12);
  network_logits({layer}, features.data(), rows, expected.data());
  network_logits({folded}, values.data(), rows, got.data());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK_MESSAGE(close(got[i], expected[i], 1e-4, 1e-4), got[i] << " vs " << expected[i]);
  }
  CHECK_THROWS_AS(fold_input_transform(random_layer(10, 3, 1.0, rng), t), std::invalid_argument);
}

TEST_CASE("network: the validation rows are a deterministic sample of the training split") {
  const std::vector<uint32_t> rows = validation_rows(1000, 100, 4);
  REQUIRE(rows.size() == 100);
  CHECK(std::is_sorted(rows.begin(), rows.end()));
  CHECK(std::adjacent_find(rows.begin(), rows.end()) == rows.end());
  CHECK(rows.back() < 1000);
  CHECK(validation_rows(1000, 100, 4) == rows);
  CHECK(validation_rows(1000, 100, 5) != rows);
  CHECK(validation_rows(1000, 0, 4).empty());
  CHECK(validation_rows(10, 100, 4).size() == 10);  // at most every row

  // The training rows are the others, in order.
  const std::vector<uint32_t> rest = rows_except(1000, rows);
  REQUIRE(rest.size() == 900);
  CHECK(std::is_sorted(rest.begin(), rest.end()));
  std::vector<uint32_t> all = rows;
  all.insert(all.end(), rest.begin(), rest.end());
  std::sort(all.begin(), all.end());
  for (uint32_t r = 0; r < 1000; ++r) REQUIRE(all[r] == r);
}

TEST_CASE("network: training is deterministic for a seed, whatever the thread count") {
  const host::Split train = synthetic_split(700, 1, 90);
  const host::Split test = synthetic_split(200, 2, 90);
  const InputTransform t = make_input_transform(train, Curve::kSqrt);
  NetworkConfig config;
  config.hidden = {64, 12};  // 3.3 M multiply-adds per step: big enough for the second thread
  config.epochs = 3;
  config.batch_size = 64;
  config.validation_size = 100;
  config.max_lr = 3e-3f;
  config.weight_decay = 1e-2f;
  config.seed = 11;
  config.threads = 1;
  const NetworkResult a = train_network(train, &test, t, config, {});
  const NetworkResult b = train_network(train, &test, t, config, {});
  config.threads = 2;
  const NetworkResult c = train_network(train, &test, t, config, {});
  CHECK(same_parameters(a.layers, b.layers));
  CHECK(same_parameters(a.layers, c.layers));
  CHECK(a.best_epoch == c.best_epoch);
  REQUIRE(a.history.size() == 3);
  for (size_t e = 0; e < 3; ++e) {
    CHECK(a.history[e].train_loss == c.history[e].train_loss);
    CHECK(a.history[e].validation_accuracy == c.history[e].validation_accuracy);
    CHECK(a.history[e].test_accuracy == c.history[e].test_accuracy);
  }
  config.seed = 12;
  const NetworkResult d = train_network(train, &test, t, config, {});
  CHECK_FALSE(same_parameters(a.layers, d.layers));
}

TEST_CASE("network: a small synthetic problem is learned, and the kept epoch is the best one") {
  const host::Split train = synthetic_split(3000, 3, 120);
  const host::Split test = synthetic_split(1000, 4, 120);
  const InputTransform t = make_input_transform(train, Curve::kSqrt);
  for (const std::vector<uint32_t>& hidden : {std::vector<uint32_t>{}, std::vector<uint32_t>{32}}) {
    NetworkConfig config;
    config.hidden = hidden;
    config.epochs = 6;
    config.batch_size = 64;
    config.validation_size = 500;
    config.max_lr = 3e-3f;
    std::vector<host::EpochReport> seen;
    uint64_t steps = 0, last_total = 0;
    bool in_order = true;
    const NetworkResult r = train_network(
        train, &test, t, config, [&](const host::EpochReport& e) { seen.push_back(e); },
        [&](uint64_t done, uint64_t total) {
          in_order = in_order && done == steps + 1;
          steps = done;
          last_total = total;
        });
    REQUIRE(r.history.size() == 6);
    REQUIRE(seen.size() == 6);
    CHECK(in_order);
    CHECK(steps == 6 * ((2500 + 63) / 64));  // 2,500 training rows in batches of 64
    CHECK(last_total == steps);
    REQUIRE(r.layers.size() == hidden.size() + 1);
    CHECK(r.layers.front().in_features == host::kImagePixels);
    CHECK(r.layers.back().out_features == host::kNumClasses);
    REQUIRE(r.best_epoch >= 1);
    REQUIRE(r.best_epoch <= 6);
    const host::EpochReport& best = r.history[r.best_epoch - 1];
    for (const host::EpochReport& e : r.history) {
      CHECK(e.validation_accuracy <= best.validation_accuracy);
    }
    CHECK(best.validation_accuracy >= 0.95);
    CHECK(best.test_accuracy >= 0.95);
    CHECK(r.history.back().train_accuracy >= 0.95);
    CHECK(r.history.back().train_loss < r.history.front().train_loss);

    // The returned parameters are the kept epoch's: their test accuracy is the one reported.
    const std::vector<uint32_t> predicted = network_predict(r.layers, t, test, 2);
    CHECK(accuracy_of(predicted, test) == doctest::Approx(best.test_accuracy));

    // Folded into the first layer, the network needs only the curve (identity standardization).
    const std::vector<DenseParams> folded = fold_input_transform(r.layers, t);
    REQUIRE(folded.size() == r.layers.size());
    CHECK(same_parameters({folded.begin() + 1, folded.end()},  // later layers as they were
                          {r.layers.begin() + 1, r.layers.end()}));
    const std::vector<uint32_t> folded_predicted =
        network_predict(folded, identity_input_transform(Curve::kSqrt), test);
    uint32_t same = 0;
    for (size_t i = 0; i < predicted.size(); ++i) same += predicted[i] == folded_predicted[i];
    CHECK(same >= predicted.size() - 2);  // float rounding may flip a near tie
  }
}

TEST_CASE("network: unusable settings and splits are rejected") {
  const host::Split train = synthetic_split(50, 5, 10);
  const InputTransform t = make_input_transform(train, Curve::kLinear);
  NetworkConfig config;
  config.epochs = 1;
  config.validation_size = 50;  // nothing left to train on
  CHECK_THROWS_AS(train_network(train, nullptr, t, config, {}), std::invalid_argument);
  config.validation_size = 10;
  config.hidden = {0};
  CHECK_THROWS_AS(train_network(train, nullptr, t, config, {}), std::invalid_argument);
  config.hidden = {};
  config.max_lr = 0.0f;
  CHECK_THROWS_AS(train_network(train, nullptr, t, config, {}), std::invalid_argument);
  config.max_lr = 1e-3f;
  host::Split bad = train;
  bad.labels[3] = 10;
  CHECK_THROWS_AS(train_network(bad, nullptr, t, config, {}), std::invalid_argument);
  InputTransform short_transform = t;
  short_transform.mean.resize(10);
  CHECK_THROWS_AS(train_network(train, nullptr, short_transform, config, {}),
                  std::invalid_argument);
  config.validation_size = 0;  // allowed: the last epoch is kept
  const NetworkResult r = train_network(train, nullptr, t, config, {});
  CHECK(r.best_epoch == 1);
  CHECK(r.history[0].validation_accuracy == -1.0);
  CHECK(r.history[0].test_accuracy == -1.0);
}

TEST_CASE("network: default settings for softmax regression and for hidden layers") {
  const NetworkConfig linear = default_network_config({});
  CHECK(linear.hidden.empty());
  CHECK(linear.epochs == 10);
  CHECK(linear.label_smoothing == 0.0f);
  const NetworkConfig mlp = default_network_config({256, 128});
  CHECK(mlp.hidden == std::vector<uint32_t>{256, 128});
  CHECK(mlp.epochs == 30);
  CHECK(mlp.batch_size == 128);
  CHECK(mlp.threads == 2);
  CHECK(mlp.validation_size == 5000);
  CHECK(mlp.max_lr > 0.0f);
  // SGD with hidden layers (the seed study in network_trainer.h), AdamW for softmax regression.
  CHECK(mlp.optimizer == NetworkOptimizer::kSgd);
  CHECK(linear.optimizer == NetworkOptimizer::kAdamW);
  CHECK(default_optimizer({}) == NetworkOptimizer::kAdamW);
  CHECK(default_optimizer({256}) == NetworkOptimizer::kSgd);
  const NetworkConfig adamw = default_network_config({256}, NetworkOptimizer::kAdamW);
  CHECK(adamw.optimizer == NetworkOptimizer::kAdamW);
  CHECK(adamw.max_lr == 1e-3f);
  CHECK(adamw.weight_decay == 0.1f);
  const NetworkConfig sgd = default_network_config({256}, NetworkOptimizer::kSgd);
  CHECK(sgd.optimizer == NetworkOptimizer::kSgd);
  CHECK(sgd.max_lr == 0.1f);
  CHECK(sgd.weight_decay == 5e-4f);
  CHECK(sgd.momentum == 0.9f);
  CHECK(sgd.epochs == mlp.epochs);
  CHECK(mlp.max_lr == sgd.max_lr);
  CHECK(default_network_config({}, NetworkOptimizer::kSgd).max_lr == 0.1f);
}

TEST_CASE("one cycle: warm-up from max/25 to max, then down to max/25e4; beta1 against it") {
  const double max_lr = 0.01;
  const uint64_t total = 101;  // warm-up: 0.3 * 101 - 1 = 29.3 steps
  const OneCyclePoint start = one_cycle(0, total, max_lr, 0.3);
  CHECK(start.learning_rate == doctest::Approx(max_lr / 25));
  CHECK(start.beta1 == doctest::Approx(0.95));
  const OneCyclePoint end = one_cycle(total - 1, total, max_lr, 0.3);
  CHECK(end.learning_rate == doctest::Approx(max_lr / 25 / 1e4));
  CHECK(end.beta1 == doctest::Approx(0.95));
  // 22 steps at 0.5: 10 steps of warm-up, 11 of annealing. Halfway: the cosines' midpoints.
  const OneCyclePoint mid = one_cycle(5, 22, max_lr, 0.5);
  CHECK(mid.learning_rate == doctest::Approx((max_lr / 25 + max_lr) / 2));
  CHECK(mid.beta1 == doctest::Approx(0.9));
  const OneCyclePoint top = one_cycle(10, 22, max_lr, 0.5);
  CHECK(top.learning_rate == doctest::Approx(max_lr));
  CHECK(top.beta1 == doctest::Approx(0.85));
  const OneCyclePoint down = one_cycle(10 + 5, 22, max_lr, 0.5);  // 5 of 11 annealing steps
  const double x = 5.0 / 11.0, final_lr = max_lr / 25 / 1e4;
  const double cosine = (1 + std::cos(3.141592653589793 * x)) / 2;  // 1 -> 0 over the annealing
  CHECK(down.learning_rate == doctest::Approx(final_lr + (max_lr - final_lr) * cosine));
  double peak = 0.0;
  uint64_t peak_step = 0;
  for (uint64_t t = 1; t < total; ++t) {
    const OneCyclePoint before = one_cycle(t - 1, total, max_lr, 0.3);
    const OneCyclePoint now = one_cycle(t, total, max_lr, 0.3);
    if (t <= 29) {
      CHECK(now.learning_rate > before.learning_rate);  // warming up
      CHECK(now.beta1 < before.beta1);
    } else if (t >= 31) {
      CHECK(now.learning_rate < before.learning_rate);  // annealing
      CHECK(now.beta1 > before.beta1);
    }
    if (now.learning_rate > peak) {
      peak = now.learning_rate;
      peak_step = t;
    }
    CHECK(now.beta1 >= 0.85 - 1e-12);
    CHECK(now.beta1 <= 0.95 + 1e-12);
  }
  CHECK(peak <= max_lr);
  CHECK(peak == doctest::Approx(max_lr).epsilon(1e-3));
  CHECK((peak_step == 29 || peak_step == 30));
}

namespace {

// PyTorch's AdamW on one value, in double: the oracle for AdamW::step.
struct ReferenceAdam {
  double w, m = 0.0, v = 0.0;
  void step(double g, double lr, double beta1, double weight_decay, int t) {
    w *= 1.0 - lr * weight_decay;
    m = beta1 * m + (1.0 - beta1) * g;
    v = 0.999 * v + 0.001 * g * g;
    const double m_hat_scale = 1.0 / (1.0 - std::pow(beta1, t));  // the current beta1, as PyTorch
    const double v_hat = v / (1.0 - std::pow(0.999, t));
    w -= lr * m * m_hat_scale / (std::sqrt(v_hat) + 1e-8);
  }
};

}  // namespace

TEST_CASE("AdamW: decoupled weight decay on weights only, bias correction with the cycled beta1") {
  Rng rng(21);
  std::vector<NetworkLayer> layers = network_layers({random_layer(3, 2, 1.0, rng)});
  NetworkLayer& layer = layers[0];
  layer.grad_wt.resize(layer.wt.size());
  layer.grad_bias.resize(layer.out);
  std::vector<ReferenceAdam> w_ref, b_ref;
  for (float w : layer.wt) w_ref.push_back({w});
  for (float b : layer.bias) b_ref.push_back({b});
  const float weight_decay = 0.1f;
  AdamW adamw(layers, weight_decay);
  const double rates[3][2] = {{0.01, 0.95}, {0.03, 0.9}, {0.02, 0.85}};  // (lr, beta1) per step
  for (int t = 1; t <= 3; ++t) {
    for (float& g : layer.grad_wt) g = static_cast<float>(rng.next_normal());
    for (float& g : layer.grad_bias) g = static_cast<float>(rng.next_normal());
    const double lr = rates[t - 1][0], beta1 = rates[t - 1][1];
    adamw.step(layers, lr, beta1, nullptr);
    CHECK(adamw.steps() == static_cast<uint64_t>(t));
    for (size_t i = 0; i < w_ref.size(); ++i) {
      w_ref[i].step(layer.grad_wt[i], lr, static_cast<float>(beta1), weight_decay, t);
      CHECK(layer.wt[i] == doctest::Approx(w_ref[i].w).epsilon(1e-5));
    }
    for (size_t i = 0; i < b_ref.size(); ++i) {
      b_ref[i].step(layer.grad_bias[i], lr, static_cast<float>(beta1), 0.0, t);
      CHECK(layer.bias[i] == doctest::Approx(b_ref[i].w).epsilon(1e-5));
    }
  }
  // A zero gradient still shrinks a weight (decay), never a bias.
  std::vector<NetworkLayer> still = network_layers({random_layer(2, 1, 1.0, rng)});
  still[0].grad_wt.assign(2, 0.0f);
  still[0].grad_bias.assign(1, 0.0f);
  const std::vector<float> w0(still[0].wt.begin(), still[0].wt.end());
  const float b0 = still[0].bias[0];
  AdamW decay(still, 0.5f);
  decay.step(still, 0.1, 0.9, nullptr);
  CHECK(still[0].wt[0] == doctest::Approx(w0[0] * 0.95));
  CHECK(still[0].wt[1] == doctest::Approx(w0[1] * 0.95));
  CHECK(still[0].bias[0] == b0);
}

TEST_CASE("AdamW: layers larger than one chunk update bit-identically with 1 and 2 threads") {
  Rng rng(22);
  const std::vector<DenseParams> params = {random_layer(784, 40, 0.05, rng),  // 31,360 weights
                                           random_layer(40, 10, 0.1, rng)};
  std::vector<NetworkLayer> one = network_layers(params), two = network_layers(params);
  for (NetworkLayer& layer : one) {
    layer.grad_wt.resize(layer.wt.size());
    layer.grad_bias.resize(layer.out);
    for (float& g : layer.grad_wt) g = static_cast<float>(rng.next_normal() * 0.01);
    for (float& g : layer.grad_bias) g = static_cast<float>(rng.next_normal() * 0.01);
  }
  for (size_t l = 0; l < one.size(); ++l) {
    two[l].grad_wt = one[l].grad_wt;
    two[l].grad_bias = one[l].grad_bias;
  }
  ThreadPool pool(2);
  AdamW a(one, 0.1f), b(two, 0.1f);
  for (int t = 0; t < 3; ++t) {
    a.step(one, 1e-3, 0.9, nullptr);
    b.step(two, 1e-3, 0.9, &pool);
  }
  for (size_t l = 0; l < one.size(); ++l) {
    CHECK(std::memcmp(one[l].wt.data(), two[l].wt.data(), one[l].wt.size() * sizeof(float)) == 0);
    CHECK(one[l].bias == two[l].bias);
    CHECK(one[l].wt != network_layers(params)[l].wt);  // the update happened
  }
}

TEST_CASE("SGD: Nesterov momentum with L2 decay on weights only, the same with 1 and 2 threads") {
  // One weight and one bias, two steps by hand: d = g + wd w; v = mu v + d; w -= lr (d + mu v).
  NetworkLayer tiny;
  tiny.in = 1;
  tiny.out = 1;
  tiny.wt = {2.0f};
  tiny.bias = {1.0f};
  tiny.grad_wt = {0.5f};
  tiny.grad_bias = {0.5f};
  std::vector<NetworkLayer> layers = {tiny};
  SgdMomentum sgd(layers, 0.9f, 0.1f);
  sgd.step(layers, 0.1, nullptr);
  // weight: d = 0.5 + 0.2 = 0.7, v = 0.7, w = 2 - 0.1 (0.7 + 0.63) = 1.867
  // bias:   d = 0.5, v = 0.5, b = 1 - 0.1 (0.5 + 0.45) = 0.905
  CHECK(layers[0].wt[0] == doctest::Approx(1.867).epsilon(1e-6));
  CHECK(layers[0].bias[0] == doctest::Approx(0.905).epsilon(1e-6));
  sgd.step(layers, 0.1, nullptr);
  // weight: d = 0.5 + 0.1867 = 0.6867, v = 0.63 + 0.6867 = 1.3167,
  //         w = 1.867 - 0.1 (0.6867 + 1.18503) = 1.679827
  // bias:   d = 0.5, v = 0.95, b = 0.905 - 0.1 (0.5 + 0.855) = 0.7695
  CHECK(layers[0].wt[0] == doctest::Approx(1.679827).epsilon(1e-6));
  CHECK(layers[0].bias[0] == doctest::Approx(0.7695).epsilon(1e-6));
  CHECK(sgd.steps() == 2);
  CHECK_THROWS_AS(SgdMomentum(layers, 1.0f, 0.0f), std::invalid_argument);
  CHECK_THROWS_AS(SgdMomentum(layers, 0.9f, -1.0f), std::invalid_argument);

  Rng rng(23);
  const std::vector<DenseParams> params = {random_layer(784, 40, 0.05, rng),  // 31,360 weights
                                           random_layer(40, 10, 0.1, rng)};
  std::vector<NetworkLayer> one = network_layers(params), two = network_layers(params);
  for (size_t l = 0; l < one.size(); ++l) {
    for (std::vector<NetworkLayer>* copy : {&one, &two}) {
      Rng grads(100 + l);
      NetworkLayer& layer = (*copy)[l];
      layer.grad_wt.resize(layer.wt.size());
      layer.grad_bias.resize(layer.out);
      for (float& g : layer.grad_wt) g = static_cast<float>(grads.next_normal() * 0.01);
      for (float& g : layer.grad_bias) g = static_cast<float>(grads.next_normal() * 0.01);
    }
  }
  ThreadPool pool(2);
  SgdMomentum a(one, 0.9f, 5e-4f), b(two, 0.9f, 5e-4f);
  for (int t = 0; t < 3; ++t) {
    a.step(one, 0.05, nullptr);
    b.step(two, 0.05, &pool);
  }
  for (size_t l = 0; l < one.size(); ++l) {
    CHECK(std::memcmp(one[l].wt.data(), two[l].wt.data(), one[l].wt.size() * sizeof(float)) == 0);
    CHECK(one[l].bias == two[l].bias);
    CHECK(one[l].wt != network_layers(params)[l].wt);
  }
}

TEST_CASE("network: SGD trains deterministically for a seed, whatever the threads, and learns") {
  const host::Split train = synthetic_split(1500, 3, 120);
  const InputTransform t = make_input_transform(train, Curve::kSqrt);
  NetworkConfig config = default_network_config({64, 12}, NetworkOptimizer::kSgd);
  config.epochs = 3;
  config.batch_size = 64;
  config.validation_size = 300;
  config.seed = 5;
  config.threads = 1;
  const NetworkResult a = train_network(train, nullptr, t, config, {});
  config.threads = 2;
  const NetworkResult b = train_network(train, nullptr, t, config, {});
  CHECK(same_parameters(a.layers, b.layers));
  CHECK(a.history.back().validation_accuracy >= 0.9);
  config.optimizer = NetworkOptimizer::kAdamW;
  CHECK_FALSE(same_parameters(train_network(train, nullptr, t, config, {}).layers, a.layers));
  config.optimizer = NetworkOptimizer::kSgd;
  config.momentum = 1.0f;
  CHECK_THROWS_AS(train_network(train, nullptr, t, config, {}), std::invalid_argument);
}
