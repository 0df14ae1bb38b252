// The dense-network trainer (trainer/src/network.h): the backward pass against finite
// differences, the input transform and its folding into the first layer, the validation split,
// determinism across runs and thread counts, and learning a small synthetic problem.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/train/network.h"
#include "softedge/train/rng.h"

using namespace softedge::train;

namespace {

// |got - expected| within `relative` of the larger magnitude, or within `absolute`.
bool close(double got, double expected, double relative, double absolute) {
  const double diff = std::fabs(got - expected);
  return diff <= absolute || diff <= relative * std::max(std::fabs(got), std::fabs(expected));
}

DenseParams random_layer(uint32_t in, uint32_t out, double scale, Rng& rng) {
  DenseParams p;
  p.in = in;
  p.out = out;
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
    REQUIRE(gradient[l].in == layers[l].in);
    REQUIRE(gradient[l].out == layers[l].out);
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
softedge::host::Split synthetic_split(uint32_t count, uint64_t seed, int noise) {
  Rng prototypes_rng(12345);  // the same classes for every split
  std::vector<int> prototypes(size_t{softedge::host::kNumClasses} * softedge::host::kImagePixels);
  for (int& p : prototypes) {
    p = prototypes_rng.next_unit() < 0.5 ? 0 : static_cast<int>(prototypes_rng.next_below(256));
  }
  Rng rng(seed);
  softedge::host::Split split;
  split.count = count;
  split.pixels.resize(size_t{count} * softedge::host::kImagePixels);
  split.labels.resize(count);
  for (uint32_t r = 0; r < count; ++r) {
    const uint32_t label = static_cast<uint32_t>(rng.next_below(softedge::host::kNumClasses));
    split.labels[r] = static_cast<uint8_t>(label);
    for (uint32_t i = 0; i < softedge::host::kImagePixels; ++i) {
      const int v = prototypes[size_t{label} * softedge::host::kImagePixels + i] +
                    static_cast<int>(rng.next_below(2 * noise + 1)) - noise;
      split.pixels[size_t{r} * softedge::host::kImagePixels + i] = static_cast<uint8_t>(std::clamp(v, 0, 255));
    }
  }
  return split;
}

bool same_parameters(const std::vector<DenseParams>& a, const std::vector<DenseParams>& b) {
  if (a.size() != b.size()) return false;
  for (size_t l = 0; l < a.size(); ++l) {
    if (a[l].in != b[l].in || a[l].out != b[l].out) return false;
    if (std::memcmp(a[l].weights.data(), b[l].weights.data(),
                    a[l].weights.size() * sizeof(float)) != 0 ||
        std::memcmp(a[l].bias.data(), b[l].bias.data(), a[l].bias.size() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

double accuracy_of(const std::vector<uint32_t>& predicted, const softedge::host::Split& split) {
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

  softedge::host::Split split;
  split.count = 4;
  split.pixels.assign(size_t{4} * softedge::host::kImagePixels, 0);  // pixel 0 stays constant
  split.labels = {0, 1, 2, 3};
  const uint8_t values[4] = {0, 255, 51, 102};
  for (uint32_t r = 0; r < 4; ++r) split.pixels[size_t{r} * softedge::host::kImagePixels + 1] = values[r];
  const InputTransform t = make_input_transform(split, Curve::kLinear);
  REQUIRE(t.mean.size() == softedge::host::kImagePixels);
  REQUIRE(t.inv_std.size() == softedge::host::kImagePixels);
  const double mean = (0.0 + 1.0 + 0.2 + 0.4) / 4;
  double var = 0.0;
  for (double v : {0.0, 1.0, 0.2, 0.4}) var += (v - mean) * (v - mean);
  var /= 4;
  CHECK(t.mean[1] == doctest::Approx(mean));
  CHECK(t.inv_std[1] == doctest::Approx(1.0 / std::sqrt(var)));
  CHECK(t.mean[0] == 0.0f);
  CHECK(t.inv_std[0] == doctest::Approx(1.0 / kMinPixelStd));  // constant pixel: floored std

  std::vector<float> features(size_t{4} * softedge::host::kImagePixels);
  apply_input_transform(t, split.pixels.data(), 4, features.data());
  for (uint32_t r = 0; r < 4; ++r) {
    for (uint32_t i = 0; i < softedge::host::kImagePixels; ++i) {
      const uint8_t p = split.pixels[size_t{r} * softedge::host::kImagePixels + i];
      const double expected = (t.value_of_pixel[p] - t.mean[i]) * t.inv_std[i];
      REQUIRE(close(features[size_t{r} * softedge::host::kImagePixels + i], expected, 1e-6, 1e-6));
    }
  }
  CHECK_THROWS_AS(make_input_transform(softedge::host::Split{}, Curve::kSqrt), std::invalid_argument);
}

TEST_CASE("fold_input_transform: the folded layer on curve values equals the layer on features") {
  Rng rng(9);
  InputTransform t;
  t.value_of_pixel = pixel_curve(Curve::kSqrt);
  t.mean.resize(softedge::host::kImagePixels);
  t.inv_std.resize(softedge::host::kImagePixels);
  for (uint32_t i = 0; i < softedge::host::kImagePixels; ++i) {
    t.mean[i] = static_cast<float>(rng.next_unit() * 0.6);
    t.inv_std[i] = static_cast<float>(0.5 + rng.next_unit() * 4.0);
  }
  const DenseParams layer = random_layer(softedge::host::kImagePixels, 12, 0.05, rng);
  const DenseParams folded = fold_input_transform(layer, t);
  REQUIRE(folded.in == layer.in);
  REQUIRE(folded.out == layer.out);

  const uint32_t rows = 5;
  std::vector<uint8_t> pixels(size_t{rows} * softedge::host::kImagePixels);
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
  NetworkConfig config;
  config.validation_size = 100;
  config.seed = 4;
  const std::vector<uint32_t> rows = validation_rows(1000, config);
  REQUIRE(rows.size() == 100);
  CHECK(std::is_sorted(rows.begin(), rows.end()));
  CHECK(std::adjacent_find(rows.begin(), rows.end()) == rows.end());
  CHECK(rows.back() < 1000);
  CHECK(validation_rows(1000, config) == rows);
  config.seed = 5;
  CHECK(validation_rows(1000, config) != rows);
  config.validation_size = 0;
  CHECK(validation_rows(1000, config).empty());
}

TEST_CASE("network: training is deterministic for a seed, whatever the thread count") {
  const softedge::host::Split train = synthetic_split(700, 1, 90);
  const softedge::host::Split test = synthetic_split(200, 2, 90);
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
  const softedge::host::Split train = synthetic_split(3000, 3, 120);
  const softedge::host::Split test = synthetic_split(1000, 4, 120);
  const InputTransform t = make_input_transform(train, Curve::kSqrt);
  for (const std::vector<uint32_t>& hidden : {std::vector<uint32_t>{}, std::vector<uint32_t>{32}}) {
    NetworkConfig config;
    config.hidden = hidden;
    config.epochs = 6;
    config.batch_size = 64;
    config.validation_size = 500;
    config.max_lr = 3e-3f;
    std::vector<NetworkEpochReport> seen;
    uint64_t steps = 0, last_total = 0;
    bool in_order = true;
    const NetworkResult r = train_network(
        train, &test, t, config, [&](const NetworkEpochReport& e) { seen.push_back(e); },
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
    CHECK(r.layers.front().in == softedge::host::kImagePixels);
    CHECK(r.layers.back().out == softedge::host::kNumClasses);
    REQUIRE(r.best_epoch >= 1);
    REQUIRE(r.best_epoch <= 6);
    const NetworkEpochReport& best = r.history[r.best_epoch - 1];
    for (const NetworkEpochReport& e : r.history) {
      CHECK(e.validation_accuracy <= best.validation_accuracy);
      CHECK(e.seconds >= 0.0);
    }
    CHECK(best.validation_accuracy >= 0.95);
    CHECK(best.test_accuracy >= 0.95);
    CHECK(r.history.back().train_accuracy >= 0.95);
    CHECK(r.history.back().train_loss < r.history.front().train_loss);
    // One cycle: the rate rises, then falls to almost nothing.
    CHECK(r.history[1].learning_rate > r.history[0].learning_rate);
    CHECK(r.history.back().learning_rate < config.max_lr * 1e-3);

    // The returned parameters are the kept epoch's: their test accuracy is the one reported.
    const std::vector<uint32_t> predicted = network_predict(r.layers, t, test, 2);
    CHECK(accuracy_of(predicted, test) == doctest::Approx(best.test_accuracy));

    // Folded into the first layer, the network needs only the curve (identity standardization).
    std::vector<DenseParams> folded = r.layers;
    folded[0] = fold_input_transform(r.layers[0], t);
    const std::vector<uint32_t> folded_predicted =
        network_predict(folded, identity_input_transform(Curve::kSqrt), test);
    uint32_t same = 0;
    for (size_t i = 0; i < predicted.size(); ++i) same += predicted[i] == folded_predicted[i];
    CHECK(same >= predicted.size() - 2);  // float rounding may flip a near tie
  }
}

TEST_CASE("network: unusable settings and splits are rejected") {
  const softedge::host::Split train = synthetic_split(50, 5, 10);
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
  softedge::host::Split bad = train;
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
}
