// The convolutional network trainer's passes (softedge/train/cnn_network.h): forward and
// backward of convolution, max and average pooling, dense, ReLU and sigmoid against a
// reference in double written from the format's definitions (design: docs/FORMAT.md,
// version 3), finite differences of that reference for every gradient, determinism across
// thread counts, the geometry checks and the model spec's OHWI weights.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "softedge/format.h"
#include "softedge/train/cnn_network.h"
#include "softedge/train/cnn_trainer.h"
#include "softedge/train/rng.h"
#include "softedge/train/thread_pool.h"

using namespace softedge::train;
namespace format = softedge::format;
using format::Activation;
using format::LayerKind;

namespace {

using Tensor = std::vector<double>;  // one image, NHWC

// Every layer's parameters in the file's layout: weights out x in (a convolution's rows OHWI).
struct RefParams {
  std::vector<Tensor> weights, biases;
};

double activate(Activation a, double v) {
  if (a == Activation::kRelu) return v > 0 ? v : 0;
  if (a == Activation::kSigmoid) return 1.0 / (1.0 + std::exp(-v));
  return v;
}

// The network's output for one image, straight from the definitions:
// conv(y, x, o) = b[o] + sum W[o][ky][kx][c] * in(y*s - p + ky, x*s - p + kx, c), zero outside.
Tensor reference_forward(const std::vector<CnnLayer>& layers, const RefParams& p, Tensor x) {
  for (const CnnLayer& layer : layers) {
    const uint32_t k = layer.spec.kernel_size, s = layer.spec.stride;
    const int pad = static_cast<int>(layer.spec.padding);
    const format::Shape in = layer.in, out = layer.out;
    Tensor y(size_t{out.height} * out.width * out.channels);
    auto at = [&](int yy, int xx, uint32_t c) -> double {
      if (yy < 0 || xx < 0 || yy >= int(in.height) || xx >= int(in.width)) return 0.0;
      return x[(size_t(yy) * in.width + xx) * in.channels + c];
    };
    for (uint32_t oy = 0; oy < out.height; ++oy) {
      for (uint32_t ox = 0; ox < out.width; ++ox) {
        for (uint32_t o = 0; o < out.channels; ++o) {
          double v = 0.0;
          const int y0 = int(oy * s) - pad, x0 = int(ox * s) - pad;
          switch (layer.spec.kind) {
            case LayerKind::kConv2d: {
              const Tensor& w = p.weights[layer.param];
              v = p.biases[layer.param][o];
              for (uint32_t ky = 0; ky < k; ++ky) {
                for (uint32_t kx = 0; kx < k; ++kx) {
                  for (uint32_t c = 0; c < in.channels; ++c) {
                    v += w[((size_t{o} * k + ky) * k + kx) * in.channels + c] *
                         at(y0 + int(ky), x0 + int(kx), c);
                  }
                }
              }
              break;
            }
            case LayerKind::kMaxPool:
              v = at(y0, x0, o);
              for (uint32_t ky = 0; ky < k; ++ky) {
                for (uint32_t kx = 0; kx < k; ++kx) v = std::max(v, at(y0 + ky, x0 + kx, o));
              }
              break;
            case LayerKind::kAvgPool:
              for (uint32_t ky = 0; ky < k; ++ky) {
                for (uint32_t kx = 0; kx < k; ++kx) v += at(y0 + ky, x0 + kx, o);
              }
              v /= k * k;
              break;
            case LayerKind::kDense: {
              const Tensor& w = p.weights[layer.param];
              v = p.biases[layer.param][o];
              for (size_t i = 0; i < x.size(); ++i) v += w[o * x.size() + i] * x[i];
              break;
            }
          }
          y[(size_t{oy} * out.width + ox) * out.channels + o] = activate(layer.spec.activation, v);
        }
      }
    }
    x = std::move(y);
  }
  return x;
}

double reference_loss(const std::vector<CnnLayer>& layers, const RefParams& p,
                      const std::vector<float>& images, const std::vector<uint8_t>& labels) {
  const size_t size = images.size() / labels.size();
  double total = 0.0;
  for (size_t r = 0; r < labels.size(); ++r) {
    const Tensor z = reference_forward(
        layers, p, Tensor(images.begin() + r * size, images.begin() + (r + 1) * size));
    const double m = *std::max_element(z.begin(), z.end());
    double sum = 0.0;
    for (double v : z) sum += std::exp(v - m);
    total += std::log(sum) + m - z[labels[r]];
  }
  return total / labels.size();
}

// A small network over 7x6x2 images with every layer kind, ReLU and sigmoid, a strided
// convolution, and (with 5 images) a partial unit of images.
std::vector<CnnLayerSpec> mixed_specs() {
  return {
      {LayerKind::kConv2d, 3, 3, 1, 1, Activation::kSigmoid},  // 7x6x3
      {LayerKind::kMaxPool, 0, 2, 2, 0, Activation::kNone},    // 3x3x3
      {LayerKind::kConv2d, 4, 2, 1, 1, Activation::kRelu},     // 4x4x4
      {LayerKind::kAvgPool, 0, 2, 2, 0, Activation::kNone},    // 2x2x4
      {LayerKind::kConv2d, 5, 3, 2, 1, Activation::kNone},     // 1x1x5
      {LayerKind::kDense, 6, 0, 1, 0, Activation::kSigmoid},
      {LayerKind::kDense, 3, 0, 1, 0, Activation::kNone},
  };
}
constexpr format::Shape kInput{7, 6, 2};

void randomize(CnnNetwork& net, Rng& rng) {
  for (NetworkLayer& p : net.params()) {
    for (float& w : p.wt) w = static_cast<float>(rng.next_normal() * 0.7);
    for (float& b : p.bias) b = static_cast<float>(rng.next_normal() * 0.3);
  }
}

// The network's parameters in the file's layout (out x in), in double.
RefParams reference_params(const CnnNetwork& net) {
  RefParams r;
  for (const NetworkLayer& p : net.params()) {
    Tensor w(size_t{p.in} * p.out);
    for (uint32_t o = 0; o < p.out; ++o) {
      for (uint32_t i = 0; i < p.in; ++i) w[size_t{o} * p.in + i] = p.wt[size_t{i} * p.out + o];
    }
    r.weights.push_back(w);
    r.biases.emplace_back(p.bias.begin(), p.bias.end());
  }
  return r;
}

struct Batch {
  std::vector<float> images;
  std::vector<uint8_t> labels;
};

Batch random_batch(uint32_t rows, uint32_t size, uint32_t classes, Rng& rng) {
  Batch b;
  for (uint32_t i = 0; i < rows * size; ++i) b.images.push_back(float(rng.next_normal()));
  for (uint32_t r = 0; r < rows; ++r) b.labels.push_back(uint8_t(rng.next_below(classes)));
  return b;
}

void run(CnnNetwork& net, const Batch& b, ThreadPool* team) {
  const uint32_t rows = static_cast<uint32_t>(b.labels.size());
  net.reserve(rows);
  std::copy(b.images.begin(), b.images.end(), net.input());
  net.forward(rows, team);
  net.loss(b.labels.data(), rows, 0.0f, true);
  net.backward(rows, team);
}

}  // namespace

TEST_CASE("cnn: shapes follow the window arithmetic, bad geometry is refused by layer") {
  const std::vector<CnnLayer> layers = cnn_layers(kInput, mixed_specs());
  CHECK(layers[0].out.height == 7);
  CHECK(layers[1].out.height == 3);
  CHECK(layers[1].out.width == 3);
  CHECK(layers[2].out.height == 4);
  CHECK(layers[4].out.channels == 5);
  CHECK(layers[4].out.height == 1);
  CHECK(layers[5].in_size() == 5);

  std::vector<CnnLayerSpec> bad = mixed_specs();
  bad[0].padding = 3;  // padding must be below the kernel
  CHECK_THROWS_WITH_AS(cnn_layers(kInput, bad), doctest::Contains("layer 1"),
                       std::invalid_argument);
  bad = mixed_specs();
  bad[1].padding = 1;  // pools take no padding
  CHECK_THROWS_AS(cnn_layers(kInput, bad), std::invalid_argument);
  bad = mixed_specs();
  bad[3].kernel_size = 5;  // does not fit 4x4
  CHECK_THROWS_WITH_AS(cnn_layers(kInput, bad), doctest::Contains("layer 4"),
                       std::invalid_argument);
  bad = mixed_specs();
  std::swap(bad[5], bad[4]);  // convolution after dense
  CHECK_THROWS_AS(cnn_layers(kInput, bad), std::invalid_argument);
  bad = mixed_specs();
  bad[1].activation = Activation::kRelu;
  CHECK_THROWS_AS(cnn_layers(kInput, bad), std::invalid_argument);
}

TEST_CASE("cnn: forward matches the reference, every gradient matches finite differences") {
  Rng rng(7);
  CnnNetwork net(kInput, mixed_specs());
  randomize(net, rng);
  const Batch b = random_batch(5, net.inputs(), 3, rng);
  run(net, b, nullptr);

  const RefParams ref = reference_params(net);
  for (uint32_t r = 0; r < 5; ++r) {
    const Tensor z = reference_forward(
        net.layers(), ref,
        Tensor(b.images.begin() + r * net.inputs(), b.images.begin() + (r + 1) * net.inputs()));
    for (uint32_t c = 0; c < 3; ++c) {
      CHECK(net.logits()[r * 3 + c] == doctest::Approx(z[c]).epsilon(1e-4).scale(0));
    }
  }

  // Central differences of the double reference for every weight and bias.
  const double h = 1e-5;
  double worst = 0.0, largest = 0.0;
  uint32_t checked = 0;
  for (size_t l = 0; l < net.params().size(); ++l) {
    const NetworkLayer& p = net.params()[l];
    for (int bias = 0; bias < 2; ++bias) {
      const size_t count = bias ? p.out : size_t{p.in} * p.out;
      for (size_t j = 0; j < count; ++j) {
        RefParams plus = ref, minus = ref;
        (bias ? plus.biases : plus.weights)[l][j] += h;
        (bias ? minus.biases : minus.weights)[l][j] -= h;
        const double fd = (reference_loss(net.layers(), plus, b.images, b.labels) -
                           reference_loss(net.layers(), minus, b.images, b.labels)) /
                          (2 * h);
        // The network keeps Wt (in x out): file element (o, i) is wt[i * out + o].
        const double got =
            bias ? p.grad_bias[j] : p.grad_wt[(j % p.in) * p.out + j / p.in];
        // Relative, with a floor for gradients near 0 (float against double).
        worst = std::max(worst, std::fabs(got - fd) / (std::fabs(fd) + 1e-4));
        largest = std::max(largest, std::fabs(fd));
        ++checked;
      }
    }
  }
  INFO("largest gradient " << largest << ", worst error " << worst << " over " << checked);
  CHECK(largest > 1e-2);  // the check is not vacuous
  CHECK(worst <= 1e-3);
}

TEST_CASE("cnn: finite differences catch a wrong gradient (the check can fail)") {
  Rng rng(3);
  CnnNetwork net(kInput, mixed_specs());
  randomize(net, rng);
  const Batch b = random_batch(5, net.inputs(), 3, rng);
  run(net, b, nullptr);
  RefParams ref = reference_params(net);
  // The first convolution's weight (o=0, ky=0, kx=1, c=1): its gradient is the network's, and a
  // transposed reading (element (i, o) read as (o, i)) must disagree with the differences.
  const NetworkLayer& p = net.params()[0];
  const size_t j = 0 * p.in + 3;
  const double h = 1e-5;
  RefParams plus = ref, minus = ref;
  plus.weights[0][j] += h;
  minus.weights[0][j] -= h;
  const double fd = (reference_loss(net.layers(), plus, b.images, b.labels) -
                     reference_loss(net.layers(), minus, b.images, b.labels)) /
                    (2 * h);
  CHECK(p.grad_wt[3 * p.out + 0] == doctest::Approx(fd).epsilon(1e-3).scale(0));
  CHECK(p.grad_wt[3] != doctest::Approx(fd).epsilon(1e-3).scale(0));  // (3, 0) read the wrong way
}

TEST_CASE("cnn: forward and gradients are bit-identical for one and two threads") {
  Rng rng(11);
  CnnNetwork one(kInput, mixed_specs()), two(kInput, mixed_specs());
  randomize(one, rng);
  for (size_t l = 0; l < one.params().size(); ++l) two.params()[l] = one.params()[l];
  const Batch b = random_batch(23, one.inputs(), 3, rng);  // 6 units, the last partial
  ThreadPool pool(2);
  run(one, b, nullptr);
  run(two, b, &pool);
  CHECK(std::memcmp(one.logits(), two.logits(), 23 * 3 * sizeof(float)) == 0);
  for (size_t l = 0; l < one.params().size(); ++l) {
    const NetworkLayer &a = one.params()[l], &c = two.params()[l];
    CHECK(std::memcmp(a.grad_wt.data(), c.grad_wt.data(), a.grad_wt.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(a.grad_bias.data(), c.grad_bias.data(), a.out * sizeof(float)) == 0);
  }
}

TEST_CASE("cnn: the model spec holds OHWI convolution rows and NHWC-ordered dense rows") {
  Rng rng(5);
  const std::vector<CnnLayerSpec> specs = {
      {LayerKind::kConv2d, 4, 3, 1, 1, Activation::kRelu},
      {LayerKind::kMaxPool, 0, 2, 2, 0, Activation::kNone},
      {LayerKind::kAvgPool, 0, 2, 2, 0, Activation::kNone},
      {LayerKind::kDense, 10, 0, 1, 0, Activation::kNone},
  };
  CnnNetwork net({28, 28, 1}, specs);
  randomize(net, rng);
  CnnResult result;
  result.layers = net.layers();
  for (const NetworkLayer& p : net.params()) {
    result.params.push_back(dense_params(p.in, p.out, p.wt.data(), p.bias.data()));
  }
  const softedge::host::ModelSpec spec = make_cnn_model_spec(result);
  REQUIRE(spec.layers.size() == 4);
  CHECK(spec.layers[0].kind == LayerKind::kConv2d);
  CHECK(spec.layers[0].in_features == 784);
  CHECK(spec.layers[0].out_features == 28 * 28 * 4);
  CHECK(spec.layers[0].kernel_size == 3);
  CHECK(spec.layers[0].padding == 1);
  CHECK(spec.layers[1].kind == LayerKind::kMaxPool);
  CHECK(spec.layers[1].weights.empty());
  CHECK(spec.layers[2].out_features == 7 * 7 * 4);
  CHECK(spec.layers[3].in_features == 196);

  // The spec's tensors through the reference reproduce the network's logits.
  RefParams ref;
  for (const auto& layer : spec.layers) {
    if (layer.weights.empty()) continue;
    ref.weights.emplace_back(layer.weights.begin(), layer.weights.end());
    ref.biases.emplace_back(layer.bias.begin(), layer.bias.end());
  }
  const Batch b = random_batch(2, 784, 10, rng);
  net.reserve(2);
  std::copy(b.images.begin(), b.images.end(), net.input());
  net.forward(2, nullptr);
  for (uint32_t r = 0; r < 2; ++r) {
    const Tensor z = reference_forward(
        net.layers(), ref, Tensor(b.images.begin() + r * 784, b.images.begin() + (r + 1) * 784));
    for (uint32_t c = 0; c < 10; ++c) {
      CHECK(net.logits()[r * 10 + c] == doctest::Approx(z[c]).epsilon(1e-4).scale(0));
    }
  }
}
