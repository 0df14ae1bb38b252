#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "softedge/host/dataset.h"
#include "softedge/train/cross_entropy.h"
#include "softedge/train/model_spec.h"
#include "softedge/train/softmax_regression.h"
#include "softedge/train/thread_pool.h"
#include "softedge/train/training.h"

using namespace softedge::train;
namespace host = softedge::host;

namespace {

// Mean cross-entropy in double precision, straight from the definition.
double mean_loss(const std::vector<double>& w, const std::vector<double>& b,
                 const std::vector<float>& x, const std::vector<uint8_t>& labels, uint32_t in,
                 uint32_t out) {
  const size_t rows = labels.size();
  double total = 0.0;
  for (size_t r = 0; r < rows; ++r) {
    std::vector<double> z(out);
    for (uint32_t o = 0; o < out; ++o) {
      z[o] = b[o];
      for (uint32_t i = 0; i < in; ++i) z[o] += w[o * in + i] * x[r * in + i];
    }
    double sum = 0.0;
    for (double v : z) sum += std::exp(v);
    total += std::log(sum) - z[labels[r]];
  }
  return total / rows;
}

}  // namespace

TEST_CASE("the SGD step follows the cross-entropy gradient (finite differences)") {
  const uint32_t in = 19, out = 4, rows = 6;  // 19: not a multiple of any SIMD width
  Rng rng(7);
  DenseParams params = init_linear(in, out, 0.5f, rng);
  for (float& b : params.bias) b = static_cast<float>(rng.next_normal() * 0.5);
  // Pixels and a scale, as the trainer passes them: the features are pixel * scale.
  const float scale = 1.0f / 255.0f;
  std::vector<uint8_t> pixels(size_t{rows} * in);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.next_below(256));
  std::vector<float> x(pixels.size());
  for (size_t k = 0; k < pixels.size(); ++k) x[k] = pixels[k] * scale;
  const std::vector<uint8_t> labels = {0, 3, 1, 1, 2, 3};

  const std::vector<double> w0(params.weights.begin(), params.weights.end());
  const std::vector<double> b0(params.bias.begin(), params.bias.end());
  const float lr = 0.5f;
  std::vector<const uint8_t*> images(rows);
  for (uint32_t r = 0; r < rows; ++r) images[r] = &pixels[size_t{r} * in];
  SgdWorkspace workspace;
  const BatchResult before =
      sgd_step(params, images.data(), scale, labels.data(), rows, lr, workspace);
  CHECK(before.loss_sum / rows ==
        doctest::Approx(mean_loss(w0, b0, x, labels, in, out)).epsilon(1e-5));

  const double eps = 1e-4;
  for (size_t k = 0; k < w0.size(); ++k) {
    std::vector<double> plus = w0, minus = w0;
    plus[k] += eps;
    minus[k] -= eps;
    const double numeric = (mean_loss(plus, b0, x, labels, in, out) -
                            mean_loss(minus, b0, x, labels, in, out)) / (2 * eps);
    const double analytic = (w0[k] - params.weights[k]) / lr;  // W_new = W - lr * grad
    CHECK(analytic == doctest::Approx(numeric).epsilon(1e-3).scale(1e-3));
  }
  for (uint32_t o = 0; o < out; ++o) {
    std::vector<double> plus = b0, minus = b0;
    plus[o] += eps;
    minus[o] -= eps;
    const double numeric = (mean_loss(w0, plus, x, labels, in, out) -
                            mean_loss(w0, minus, x, labels, in, out)) / (2 * eps);
    CHECK((b0[o] - params.bias[o]) / lr == doctest::Approx(numeric).epsilon(1e-3).scale(1e-3));
  }
}

TEST_CASE("softmax cross-entropy is finite for logits of +-1e4") {
  const float logits[6] = {1e4f, -1e4f, 0.0f, -1e4f, 1e4f, 1e4f};
  const uint8_t labels[2] = {1, 2};
  float probabilities[6];
  SoftmaxOutputs outputs;
  outputs.probabilities = probabilities;
  const BatchResult result = softmax_cross_entropy<double>(logits, labels, 2, 3, 0.0f, outputs);
  CHECK(std::isfinite(result.loss_sum));
  CHECK(result.loss_sum == doctest::Approx(2e4 + std::log(2.0)));  // (1e4 + 1e4) + log 2
  CHECK(result.correct == 0);
  for (float p : probabilities) CHECK(std::isfinite(p));
  CHECK(probabilities[0] == doctest::Approx(1.0));
  CHECK(probabilities[4] == doctest::Approx(0.5));
}

TEST_CASE("training is deterministic for a seed and learns a separable toy problem") {
  // Class c lights up the pixels of row c: trivially separable.
  host::Split train;
  train.count = 300;
  for (uint32_t n = 0; n < train.count; ++n) {
    const uint8_t label = static_cast<uint8_t>(n % host::kNumClasses);
    std::vector<uint8_t> image(host::kImagePixels, 0);
    for (uint32_t col = 0; col < host::kImageCols; ++col) {
      image[label * host::kImageCols + col] = 200 + n % 50;
    }
    train.pixels.insert(train.pixels.end(), image.begin(), image.end());
    train.labels.push_back(label);
  }
  TrainConfig config;
  config.epochs = 5;
  config.batch_size = 32;
  config.seed = 3;
  int calls = 0;
  const auto count_calls = [&calls](const host::EpochReport&) { ++calls; };
  const TrainResult first = train_softmax_regression(train, &train, config, count_calls);
  const TrainResult second = train_softmax_regression(train, &train, config, nullptr);
  CHECK(calls == 5);
  CHECK(first.params.weights == second.params.weights);
  CHECK(first.params.bias == second.params.bias);
  CHECK(host::encode_model(make_model_spec({first.params})) ==
        host::encode_model(make_model_spec({second.params})));
  CHECK(first.epochs.back().train_loss < first.epochs.front().train_loss);
  CHECK(first.epochs.back().test_accuracy == 1.0);

  config.seed = 4;
  const TrainResult other = train_softmax_regression(train, nullptr, config, nullptr);
  CHECK(other.params.weights != first.params.weights);
  CHECK(other.epochs.back().test_accuracy == -1.0);
}

TEST_CASE("softmax cross-entropy: both precisions match the definition, gradient (p - t) / rows") {
  const uint32_t rows = 3, classes = 4;
  const float logits[rows * classes] = {1.0f, -2.0f, 0.5f,  3.0f, 0.0f, 0.0f,
                                        0.0f, 0.0f,  -1.0f, 4.0f, 2.0f, -3.0f};
  const uint8_t labels[rows] = {3, 1, 2};
  for (const float smoothing : {0.0f, 0.1f}) {
    double expected_loss = 0.0;
    std::vector<double> expected_gradient(rows * classes);
    for (uint32_t r = 0; r < rows; ++r) {
      double sum = 0.0;
      for (uint32_t c = 0; c < classes; ++c) sum += std::exp(double{logits[r * classes + c]});
      for (uint32_t c = 0; c < classes; ++c) {
        const double p = std::exp(double{logits[r * classes + c]}) / sum;
        const double t = (c == labels[r] ? 1.0 - smoothing : 0.0) + smoothing / classes;
        expected_loss -= t * std::log(p);
        expected_gradient[r * classes + c] = (p - t) / rows;
      }
    }
    float gradient[rows * classes], probabilities[rows * classes];
    SoftmaxOutputs outputs;
    outputs.mean_gradient = gradient;
    outputs.probabilities = probabilities;
    const BatchResult single =
        softmax_cross_entropy<float>(logits, labels, rows, classes, smoothing, outputs);
    const BatchResult twice =
        softmax_cross_entropy<double>(logits, labels, rows, classes, smoothing, {});
    CHECK(single.loss_sum == doctest::Approx(expected_loss).epsilon(1e-6));
    CHECK(twice.loss_sum == doctest::Approx(expected_loss).epsilon(1e-12));
    CHECK(single.correct == 1);  // row 0 (row 1's tie goes to the first class, not its label)
    CHECK(twice.correct == single.correct);
    for (uint32_t i = 0; i < rows * classes; ++i) {
      CHECK(gradient[i] == doctest::Approx(expected_gradient[i]).epsilon(1e-5));
      CHECK(probabilities[i] ==
            doctest::Approx(expected_gradient[i] * rows +
                            ((i % classes == labels[i / classes] ? 1.0 - smoothing : 0.0) +
                             smoothing / classes)));
    }
  }
}

TEST_CASE("softmax cross-entropy: probabilities alone (the lesson's step) match the definition") {
  const uint32_t rows = 2, classes = 10;
  float logits[rows * classes];
  for (uint32_t i = 0; i < rows * classes; ++i) logits[i] = 0.37f * static_cast<float>(i % 7) - 1;
  const uint8_t labels[rows] = {6, 0};
  float probabilities[rows * classes];
  SoftmaxOutputs outputs;
  outputs.probabilities = probabilities;
  softmax_cross_entropy<double>(logits, labels, rows, classes, 0.0f, outputs);
  for (uint32_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (uint32_t c = 0; c < classes; ++c) sum += std::exp(double{logits[r * classes + c]});
    for (uint32_t c = 0; c < classes; ++c) {
      const double expected = std::exp(double{logits[r * classes + c]}) / sum;
      CHECK(probabilities[r * classes + c] == doctest::Approx(expected).epsilon(1e-6));
    }
  }
}

TEST_CASE("the lesson's SGD step and loop give the same model with a team of threads") {
  // 100 rows and 784 inputs: units of rows and of columns with partial last ones.
  const uint32_t rows = 100;
  Rng rng(11);
  const DenseParams start = init_linear(host::kImagePixels, host::kNumClasses, 0.05f, rng);
  std::vector<uint8_t> pixels(size_t{rows} * host::kImagePixels);
  for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.next_below(256));
  std::vector<uint8_t> labels(rows);
  for (uint32_t r = 0; r < rows; ++r) labels[r] = static_cast<uint8_t>(rng.next_below(10));

  // The rows in a scrambled order, as an epoch's shuffle gives them.
  std::vector<const uint8_t*> images(rows);
  for (uint32_t r = 0; r < rows; ++r) images[r] = &pixels[size_t{(r * 37) % rows} * host::kImagePixels];

  DenseParams alone = start;
  SgdWorkspace workspace;
  const BatchResult expected =
      sgd_step(alone, images.data(), kPixelScale, labels.data(), rows, 0.1f, workspace);
  for (uint32_t threads : {2u, 3u}) {
    ThreadPool pool(threads);
    DenseParams shared = start;
    const BatchResult result = sgd_step(shared, images.data(), kPixelScale, labels.data(), rows,
                                        0.1f, workspace, &pool);
    CHECK(shared.weights == alone.weights);
    CHECK(shared.bias == alone.bias);
    CHECK(result.loss_sum == expected.loss_sum);
    CHECK(result.correct == expected.correct);
  }

  host::Split train;
  train.count = 200;
  train.pixels.resize(size_t{train.count} * host::kImagePixels);
  for (uint8_t& p : train.pixels) p = static_cast<uint8_t>(rng.next_below(256));
  for (uint32_t n = 0; n < train.count; ++n) train.labels.push_back(n % host::kNumClasses);
  TrainConfig config;
  config.epochs = 2;
  config.batch_size = 70;  // a short last batch
  const TrainResult one = train_softmax_regression(train, nullptr, config, nullptr);
  config.threads = 2;
  const TrainResult two = train_softmax_regression(train, nullptr, config, nullptr);
  CHECK(one.params.weights == two.params.weights);
  CHECK(one.params.bias == two.params.bias);
  CHECK(one.epochs.back().train_loss == two.epochs.back().train_loss);
}

TEST_CASE("model spec: Fashion-MNIST's input and classes, ReLU between dense layers") {
  Rng rng(8);
  const DenseParams hidden = init_linear(host::kImagePixels, 16, 0.1f, rng);
  const DenseParams output = init_linear(16, host::kNumClasses, 0.1f, rng);
  const host::ModelSpec spec = make_model_spec({hidden, output});
  CHECK(spec.input_height == 28);
  CHECK(spec.input_width == 28);
  CHECK(spec.input_channels == 1);
  CHECK(spec.input_scale == kPixelScale);
  CHECK(spec.input_lut.empty());
  REQUIRE(spec.class_names.size() == host::kNumClasses);
  CHECK(spec.class_names[0] == "T-shirt/top");
  REQUIRE(spec.layers.size() == 2);
  CHECK(spec.layers[0].activation == softedge::format::Activation::kRelu);
  CHECK(spec.layers[1].activation == softedge::format::Activation::kNone);
  CHECK(spec.layers[0].in_features == host::kImagePixels);
  CHECK(spec.layers[0].out_features == 16);
  CHECK(spec.layers[1].in_features == 16);
  CHECK(std::equal(spec.layers[0].weights.begin(), spec.layers[0].weights.end(),
                   hidden.weights.begin(), hidden.weights.end()));
  CHECK(spec.layers[1].bias == output.bias);
  // The lesson's model is one layer without an activation.
  const host::ModelSpec lesson = make_model_spec({output});
  REQUIRE(lesson.layers.size() == 1);
  CHECK(lesson.layers[0].activation == softedge::format::Activation::kNone);
}
