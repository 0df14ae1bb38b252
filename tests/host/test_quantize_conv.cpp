// Quantization of convolution and pooling models (host/quantize.h): the layer plan, the int8
// arithmetic the format defines (recomputed here from the file's integers), agreement with
// the float model, and the runtime running the result to the same bits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "host/reference_forward.h"
#include "softedge/host/aligned_bytes.h"
#include "softedge/host/evaluation.h"
#include "softedge/host/quantize.h"
#include "softedge/inference.h"
#include "softedge/model.h"
#include "softedge/train/rng.h"

namespace host = softedge::host;
namespace fmt = softedge::format;
using softedge::train::Rng;

namespace {

constexpr uint32_t kSide = 8;

struct Geometry {
  uint32_t h, w, c;
};

host::LayerSpec conv(uint32_t in_c, uint32_t out_c, uint32_t k, uint32_t pad, uint32_t out_side,
                     fmt::Activation act, Rng& rng) {
  host::LayerSpec l;
  l.kind = fmt::LayerKind::kConv2d;
  l.kernel_size = k;
  l.stride = 1;
  l.padding = pad;
  l.activation = act;
  const uint32_t in_side = out_side + k - 1 - 2 * pad;
  l.in_features = in_side * in_side * in_c;
  l.out_features = out_side * out_side * out_c;
  const double spread = 1.0 / std::sqrt(double(k * k * in_c));
  for (uint32_t i = 0; i < out_c * k * k * in_c; ++i)
    l.weights.push_back(static_cast<float>(rng.next_normal() * spread));
  for (uint32_t o = 0; o < out_c; ++o)
    l.bias.push_back(static_cast<float>(rng.next_normal() * 0.1));
  return l;
}

host::LayerSpec pool(fmt::LayerKind kind, uint32_t side, uint32_t c) {
  host::LayerSpec l;
  l.kind = kind;
  l.kernel_size = 2;
  l.stride = 2;
  l.in_features = side * side * c;
  l.out_features = (side / 2) * (side / 2) * c;
  return l;
}

host::LayerSpec dense(uint32_t in, uint32_t out, fmt::Activation act, Rng& rng) {
  host::LayerSpec l;
  l.in_features = in;
  l.out_features = out;
  l.activation = act;
  for (uint32_t i = 0; i < in * out; ++i)
    l.weights.push_back(static_cast<float>(rng.next_normal() / std::sqrt(double(in))));
  for (uint32_t o = 0; o < out; ++o) l.bias.push_back(static_cast<float>(rng.next_normal() * 0.1));
  return l;
}

host::ModelSpec base_model(uint32_t classes) {
  host::ModelSpec m;
  m.input_height = m.input_width = kSide;
  m.input_channels = 1;
  m.input_scale = 1.0f / 255.0f;
  for (uint32_t i = 0; i < classes; ++i) m.class_names.push_back("class" + std::to_string(i));
  return m;
}

// 8x8x1 -> conv 4@3x3 pad 1 ReLU -> maxpool 2 -> conv 6@3x3 pad 1 ReLU -> avgpool 2 -> dense 5.
host::ModelSpec small_cnn(uint64_t seed) {
  Rng rng(seed);
  host::ModelSpec m = base_model(5);
  m.layers.push_back(conv(1, 4, 3, 1, 8, fmt::Activation::kRelu, rng));
  m.layers.push_back(pool(fmt::LayerKind::kMaxPool, 8, 4));
  m.layers.push_back(conv(4, 6, 3, 1, 4, fmt::Activation::kRelu, rng));
  m.layers.push_back(pool(fmt::LayerKind::kAvgPool, 4, 6));
  m.layers.push_back(dense(24, 5, fmt::Activation::kNone, rng));
  return m;
}

host::Split random_images(uint32_t count, uint64_t seed) {
  Rng rng(seed);
  host::Split split;
  split.count = count;
  for (uint32_t n = 0; n < count; ++n) {
    // A bright blob at a random place on a dark ground: inputs with spatial structure.
    const int cy = static_cast<int>(rng.next_below(kSide)),
              cx = static_cast<int>(rng.next_below(kSide));
    for (int y = 0; y < int(kSide); ++y) {
      for (int x = 0; x < int(kSide); ++x) {
        const int d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
        const int v = std::max(0, 255 - 40 * d2) / 2 + static_cast<int>(rng.next_below(100));
        split.pixels.push_back(static_cast<uint8_t>(std::min(v, 255)));
      }
    }
    split.labels.push_back(static_cast<uint8_t>(n % 5));
  }
  return split;
}

// --- The float model in double precision (host/reference_forward.h: no code under test). ---

std::vector<double> float_forward(const host::ModelSpec& m, const uint8_t* pixels) {
  std::vector<double> x(size_t{m.input_height} * m.input_width * m.input_channels);
  for (size_t i = 0; i < x.size(); ++i) x[i] = pixels[i] * double{m.input_scale} + m.input_bias;
  return fixtures::reference_forward(m, x);
}

// The int8 arithmetic of docs/FORMAT.md from the quantized spec's integers: uint8 tensors,
// exact int32 sums, requantization (acc * m + 2^(n-1)) >> n clamped, uint8 pools, and
// float outputs acc * scale; float32 layers after the int8 ones in float.
std::vector<float> int8_forward(const host::ModelSpec& m, const uint8_t* pixels) {
  Geometry g{m.input_height, m.input_width, m.input_channels};
  std::vector<uint8_t> u(pixels, pixels + g.h * g.w * g.c);
  std::vector<float> f;  // once a layer outputs floats
  for (const host::LayerSpec& l : m.layers) {
    if (l.weight_type == fmt::DType::kFloat32) {
      // The layers after the int8 part, in float on the int8 part's float outputs.
      REQUIRE(!f.empty());
      std::vector<float> x = f;
      for (size_t i = &l - m.layers.data(); i < m.layers.size(); ++i) {
        std::vector<double> in(x.begin(), x.end());
        const host::LayerSpec& layer = m.layers[i];
        std::vector<double> y;
        if (layer.kind == fmt::LayerKind::kDense) {
          for (uint32_t o = 0; o < layer.out_features; ++o) {
            double s = layer.bias[o];
            for (uint32_t j = 0; j < layer.in_features; ++j)
              s += layer.weights[o * layer.in_features + j] * in[j];
            y.push_back(s);
          }
          g = {1, 1, layer.out_features};
        } else {
          REQUIRE(layer.kind == fmt::LayerKind::kAvgPool);  // what the LeNet-like case needs
          const uint32_t oh = g.h / 2, ow = g.w / 2;
          for (uint32_t oy = 0; oy < oh; ++oy)
            for (uint32_t ox = 0; ox < ow; ++ox)
              for (uint32_t c = 0; c < g.c; ++c) {
                double s = 0;
                for (uint32_t ky = 0; ky < 2; ++ky)
                  for (uint32_t kx = 0; kx < 2; ++kx)
                    s += in[((oy * 2 + ky) * g.w + ox * 2 + kx) * g.c + c];
                y.push_back(s / 4);
              }
          g = {oh, ow, g.c};
        }
        for (double& v : y) {
          if (layer.activation == fmt::Activation::kRelu) v = std::max(v, 0.0);
          if (layer.activation == fmt::Activation::kSigmoid) v = 1.0 / (1.0 + std::exp(-v));
        }
        x.assign(y.begin(), y.end());
      }
      return x;
    }
    const uint32_t k = l.kernel_size, pad = l.kind == fmt::LayerKind::kConv2d ? l.padding : 0;
    const bool is_dense = l.kind == fmt::LayerKind::kDense;
    const uint32_t oh = is_dense ? 1 : (g.h + 2 * pad - k) / l.stride + 1;
    const uint32_t ow = is_dense ? 1 : (g.w + 2 * pad - k) / l.stride + 1;
    const uint32_t oc = l.out_features / (oh * ow);
    std::vector<uint8_t> next_u;
    std::vector<float> next_f;
    for (uint32_t oy = 0; oy < oh; ++oy)
      for (uint32_t ox = 0; ox < ow; ++ox)
        for (uint32_t o = 0; o < oc; ++o) {
          if (l.kind == fmt::LayerKind::kMaxPool || l.kind == fmt::LayerKind::kAvgPool) {
            uint32_t best = 0, sum = 0;
            for (uint32_t ky = 0; ky < k; ++ky)
              for (uint32_t kx = 0; kx < k; ++kx) {
                const uint8_t v = u[((oy * l.stride + ky) * g.w + ox * l.stride + kx) * g.c + o];
                best = std::max<uint32_t>(best, v);
                sum += v;
              }
            next_u.push_back(static_cast<uint8_t>(
                l.kind == fmt::LayerKind::kMaxPool ? best : (sum + k * k / 2) / (k * k)));
            continue;
          }
          int64_t acc = l.bias_i32[o];
          if (is_dense) {
            for (uint32_t i = 0; i < l.in_features; ++i)
              acc += int64_t{u[i]} * l.weights_i8[o * l.in_features + i];
          } else {
            for (uint32_t ky = 0; ky < k; ++ky)
              for (uint32_t kx = 0; kx < k; ++kx) {
                const int y = int(oy * l.stride + ky) - int(pad),
                          x = int(ox * l.stride + kx) - int(pad);
                if (y < 0 || x < 0 || y >= int(g.h) || x >= int(g.w)) continue;  // zero input
                for (uint32_t c = 0; c < g.c; ++c)
                  acc += int64_t{u[(y * g.w + x) * g.c + c]} *
                         l.weights_i8[((o * k + ky) * k + kx) * g.c + c];
              }
          }
          REQUIRE(std::llabs(acc) <= INT32_MAX);
          if (l.output_scale != 0.0f) {
            const int n = 31 + l.requant[2 * o + 1];
            const int64_t q = (acc * l.requant[2 * o] + (int64_t{1} << (n - 1))) >> n;
            next_u.push_back(static_cast<uint8_t>(std::clamp<int64_t>(q, 0, 255)));
          } else {
            float v = static_cast<float>(acc) * l.scales[o];
            if (l.activation == fmt::Activation::kSigmoid) v = 1.0f / (1.0f + std::exp(-v));
            next_f.push_back(v);
          }
        }
    g = {oh, ow, oc};
    u = next_u;
    f = next_f;
  }
  return f;
}

template <typename V>
uint32_t top(const V& v) {
  return static_cast<uint32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

TEST_CASE("quantize conv: conv and pool layers become int8, pools at the scale before them") {
  const host::ModelSpec source = small_cnn(1);
  const host::Split calibration = random_images(200, 2);
  const host::ModelSpec q = host::quantize_int8(source, &calibration);
  REQUIRE(q.layers.size() == 5);
  CHECK(q.input_bias == 0.0f);
  for (const host::LayerSpec& l : q.layers) CHECK(l.weight_type == fmt::DType::kInt8);
  CHECK(host::layer_mode(q.layers[0]) == fmt::LayerMode::kInt8Uint8Output);
  CHECK(q.layers[1].output_scale == q.layers[0].output_scale);
  CHECK(q.layers[1].weights_i8.empty());
  CHECK(host::layer_mode(q.layers[2]) == fmt::LayerMode::kInt8Uint8Output);
  CHECK(q.layers[3].output_scale == q.layers[2].output_scale);
  CHECK(host::layer_mode(q.layers[4]) == fmt::LayerMode::kInt8FloatOutput);
  // Per output channel: 4 rows of 3x3x1, 6 rows of 3x3x4, every row reaching +-127 or near.
  CHECK(q.layers[0].weights_i8.size() == 4 * 9);
  CHECK(q.layers[0].requant.size() == 2 * 4);
  CHECK(q.layers[2].weights_i8.size() == 6 * 36);
  CHECK(q.layers[2].bias_i32.size() == 6);
  for (uint32_t o = 0; o < 6; ++o) {
    int largest = 0;
    for (uint32_t i = 0; i < 36; ++i)
      largest = std::max(largest, std::abs(int{q.layers[2].weights_i8[o * 36 + i]}));
    CHECK(largest >= 80);  // the scale is max|w| / 127 or at most a third finer
  }
  // The calibrated output scale: the largest ReLU output seen / 255.
  double largest_activation = 0.0;
  host::ModelSpec first = source;
  first.layers.resize(1);
  for (uint32_t n = 0; n < calibration.count; ++n) {
    const std::vector<double> out = float_forward(first, &calibration.pixels[n * 64]);
    largest_activation = std::max(largest_activation, *std::max_element(out.begin(), out.end()));
  }
  CHECK(q.layers[0].output_scale == doctest::Approx(largest_activation / 255.0).epsilon(1e-4));
}

TEST_CASE("quantize conv: the int8 arithmetic picks the float model's class on nearly all inputs") {
  const host::ModelSpec source = small_cnn(3);
  const host::Split calibration = random_images(300, 4);
  const host::ModelSpec q = host::quantize_int8(source, &calibration);
  const host::Split test = random_images(500, 5);
  uint32_t same = 0;
  double error = 0.0, spread = 0.0;
  for (uint32_t n = 0; n < test.count; ++n) {
    const uint8_t* pixels = &test.pixels[n * 64];
    const std::vector<double> f = float_forward(source, pixels);
    const std::vector<float> i8 = int8_forward(q, pixels);
    REQUIRE(i8.size() == f.size());
    same += top(f) == top(i8);
    for (size_t o = 0; o < f.size(); ++o) {
      error += std::fabs(i8[o] - f[o]);
      spread += std::fabs(f[o]);
    }
  }
  INFO("agreement " << same << "/" << test.count << ", mean |error| / mean |logit| "
                    << error / spread);
  CHECK(same >= test.count * 97 / 100);
  CHECK(error / spread < 0.05);
}

TEST_CASE("quantize conv: a sigmoid ends the int8 part (LeNet-like)") {
  Rng rng(6);
  host::ModelSpec m = base_model(3);
  m.layers.push_back(conv(1, 3, 3, 1, 8, fmt::Activation::kSigmoid, rng));
  m.layers.push_back(pool(fmt::LayerKind::kAvgPool, 8, 3));
  m.layers.push_back(dense(48, 6, fmt::Activation::kSigmoid, rng));
  m.layers.push_back(dense(6, 3, fmt::Activation::kNone, rng));
  const host::Split calibration = random_images(100, 7);
  const host::ModelSpec q = host::quantize_int8(m, &calibration);
  CHECK(host::layer_mode(q.layers[0]) == fmt::LayerMode::kInt8FloatOutput);
  CHECK(q.layers[0].activation == fmt::Activation::kSigmoid);
  for (size_t l = 1; l < q.layers.size(); ++l) {
    CHECK(q.layers[l].weight_type == fmt::DType::kFloat32);
    CHECK(q.layers[l].weights == m.layers[l].weights);
  }
  // Without calibration too: one int8 layer needs no ranges.
  CHECK(host::layer_mode(host::quantize_int8(m, nullptr).layers[0]) ==
        fmt::LayerMode::kInt8FloatOutput);
  const host::Split test = random_images(200, 8);
  uint32_t same = 0;
  for (uint32_t n = 0; n < test.count; ++n) {
    const uint8_t* pixels = &test.pixels[n * 64];
    same += top(float_forward(m, pixels)) == top(int8_forward(q, pixels));
  }
  CHECK(same >= test.count * 97 / 100);
}

TEST_CASE("quantize conv: a model starting with a pool has no int8 part") {
  host::ModelSpec m = base_model(2);
  Rng rng(9);
  m.layers.push_back(pool(fmt::LayerKind::kMaxPool, 8, 1));
  m.layers.push_back(dense(16, 2, fmt::Activation::kNone, rng));
  CHECK_THROWS_AS(host::quantize_int8(m, nullptr), std::invalid_argument);
}

TEST_CASE("quantize conv: the runtime runs the int8 model to the reference's bits") {
  const host::ModelSpec source = small_cnn(10);
  const host::Split calibration = random_images(300, 11);
  const host::ModelSpec q = host::quantize_int8(source, &calibration);
  const std::vector<uint8_t> file = host::encode_model(q);
  const host::AlignedBytes bytes(file);
  softedge::Model model;
  REQUIRE(softedge::load(bytes.data(), bytes.size(), &model) == softedge::Status::kOk);
  CHECK(model.version == fmt::kVersion3);
  std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
  const host::Split test = random_images(200, 12);
  for (uint32_t n = 0; n < test.count; ++n) {
    const uint8_t* pixels = &test.pixels[n * 64];
    const std::vector<float> logits = int8_forward(q, pixels);
    std::vector<float> expected(logits.size()), probabilities(logits.size());
    uint32_t expected_top = 0;
    REQUIRE(softedge::softmax(logits.data(), logits.size(), expected.data(), &expected_top));
    softedge::Prediction prediction{};
    REQUIRE(softedge::infer_u8(model, pixels, 64, probabilities.data(), probabilities.size(),
                               scratch.data(), scratch.size(),
                               &prediction) == softedge::Status::kOk);
    CHECK(prediction.top_class == expected_top);
    for (size_t o = 0; o < logits.size(); ++o)
      CHECK(probabilities[o] == doctest::Approx(expected[o]).epsilon(1e-5));
  }
  // And through the evaluation the tools use, against the float model.
  const host::Int8Comparison c = host::compare_int8(host::encode_model(source), file, test);
  CHECK(c.agreement >= 0.95);
}
