// Convolution and pooling layers (runtime/src/conv2d.h, pooling.h, inference.cpp) against
// plain nested loops written here from the design (docs/RUNTIME.md): the layer functions on
// every runnable kernel set over many geometries, then whole models (conv -> pool -> conv ->
// pool -> dense, float and int8) through infer_u8 and infer_batch_u8. int8: the same bits;
// float: within rounding.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "../../runtime/src/conv2d.h"   // internal to the runtime: tested here directly
#include "../../runtime/src/kernels_scalar.h"
#include "../../runtime/src/pooling.h"
#include "kernel_fixtures.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace fmt = softedge::format;
using fmt::Activation;
using fmt::LayerKind;
using fmt::LayerMode;
using softedge::Layer;
using softedge::Status;

namespace {

// ---- The reference: the design's definitions, one value at a time ----

// An NHWC tensor's element (y, x, c), or 0 outside (the zero padding).
template <typename T>
double at(const std::vector<T>& t, fmt::Shape s, int64_t y, int64_t x, uint32_t c) {
  if (y < 0 || x < 0 || y >= s.height || x >= s.width) return 0.0;
  return static_cast<double>(t[(static_cast<size_t>(y) * s.width + x) * s.channels + c]);
}

// conv(y, x, o) = bias[o] + sum_{ky,kx,c} W[o][ky][kx][c] * in(y*s - p + ky, x*s - p + kx, c),
// in double (float layers) or exactly in int64 (int8 layers: every term is an integer < 2^15
// and there are at most 15 * 15 * 1024 of them, so the double sum is exact too).
template <typename T, typename W, typename B>
std::vector<double> reference_conv(const Layer& l, const std::vector<T>& in, const W* w,
                                   const B* bias) {
  std::vector<double> out;
  const uint32_t k = l.kernel_size, cin = l.in_shape.channels;
  for (uint32_t oy = 0; oy < l.out_shape.height; ++oy) {
    for (uint32_t ox = 0; ox < l.out_shape.width; ++ox) {
      for (uint32_t o = 0; o < l.out_shape.channels; ++o) {
        double sum = static_cast<double>(bias[o]);
        for (uint32_t ky = 0; ky < k; ++ky) {
          for (uint32_t kx = 0; kx < k; ++kx) {
            for (uint32_t c = 0; c < cin; ++c) {
              const double weight = static_cast<double>(w[((o * k + ky) * k + kx) * cin + c]);
              sum += weight * at(in, l.in_shape, int64_t{oy} * l.stride - l.padding + ky,
                                 int64_t{ox} * l.stride - l.padding + kx, c);
            }
          }
        }
        out.push_back(sum);
      }
    }
  }
  return out;
}

// Max: the first value of the window, replaced when a later one is larger. Average: float
// sum in window order divided by k*k; uint8 (sum + k*k/2) / (k*k) in integers.
template <typename T>
std::vector<T> reference_pool(const Layer& l, const std::vector<T>& in) {
  std::vector<T> out;
  const uint32_t k = l.kernel_size;
  for (uint32_t oy = 0; oy < l.out_shape.height; ++oy) {
    for (uint32_t ox = 0; ox < l.out_shape.width; ++ox) {
      for (uint32_t c = 0; c < l.in_shape.channels; ++c) {
        auto value = [&](uint32_t ky, uint32_t kx) {
          return in[((oy * l.stride + ky) * l.in_shape.width + ox * l.stride + kx) *
                        l.in_shape.channels + c];
        };
        if (l.kind == LayerKind::kMaxPool) {
          T m = value(0, 0);
          for (uint32_t ky = 0; ky < k; ++ky) {
            for (uint32_t kx = 0; kx < k; ++kx) m = value(ky, kx) > m ? value(ky, kx) : m;
          }
          out.push_back(m);
        } else if (std::is_same<T, float>::value) {
          float sum = 0.0f;
          for (uint32_t ky = 0; ky < k; ++ky) {
            for (uint32_t kx = 0; kx < k; ++kx) sum += static_cast<float>(value(ky, kx));
          }
          out.push_back(static_cast<T>(sum / static_cast<float>(k * k)));
        } else {
          uint32_t sum = 0;
          for (uint32_t ky = 0; ky < k; ++ky) {
            for (uint32_t kx = 0; kx < k; ++kx) sum += static_cast<uint32_t>(value(ky, kx));
          }
          out.push_back(static_cast<T>((sum + k * k / 2) / (k * k)));
        }
      }
    }
  }
  return out;
}

// format.h's requantization, in int64.
uint8_t reference_requantize(int64_t acc, int32_t m, int32_t shift) {
  const int n = 31 + shift;
  const int64_t q = (acc * m + (int64_t{1} << (n - 1))) >> n;
  return static_cast<uint8_t>(q < 0 ? 0 : q > 255 ? 255 : q);
}

float reference_activation(Activation a, float v) {
  if (a == Activation::kRelu) return v < 0 ? 0.0f : v;
  if (a == Activation::kSigmoid) return 1.0f / (1.0f + std::exp(-v));
  return v;
}

// ---- Layers built by hand (the Model is filled directly; the tensors live here) ----

struct LayerData {
  Layer layer{};
  std::vector<float> weights, bias, scales;
  std::vector<int8_t> weights_i8;
  std::vector<int32_t> bias_i32, requant;

  // Points the layer at the vectors (after they stop moving).
  void bind() {
    layer.weights = weights.empty() ? nullptr : weights.data();
    layer.bias = bias.empty() ? nullptr : bias.data();
    layer.scales = scales.empty() ? nullptr : scales.data();
    layer.weights_i8 = weights_i8.empty() ? nullptr : weights_i8.data();
    layer.bias_i32 = bias_i32.empty() ? nullptr : bias_i32.data();
    layer.requant = requant.empty() ? nullptr : requant.data();
  }
};

fmt::Shape window_output(fmt::Shape in, uint32_t k, uint32_t s, uint32_t p, uint32_t channels) {
  return {fmt::window_output_extent(in.height, k, s, p),
          fmt::window_output_extent(in.width, k, s, p), channels};
}

void set_geometry(Layer& l, LayerKind kind, fmt::Shape in, uint32_t k, uint32_t s, uint32_t p,
                  uint32_t out_channels) {
  l.kind = kind;
  l.in_shape = in;
  l.out_shape = window_output(in, k, s, p, out_channels);
  l.in_features = static_cast<uint32_t>(fmt::shape_size(in));
  l.out_features = static_cast<uint32_t>(fmt::shape_size(l.out_shape));
  l.kernel_size = k;
  l.stride = s;
  l.padding = p;
}

void set_mode(LayerData& d, LayerMode mode, Activation activation, float output_scale) {
  d.layer.mode = mode;
  d.layer.weight_type = mode == LayerMode::kFloat32 ? fmt::DType::kFloat32 : fmt::DType::kInt8;
  d.layer.activation = activation;
  d.layer.output_scale = output_scale;
}

// Reproducible tensors for rows x row_length weights. int8 weights in [-limit, limit]; an
// {m, shift} pair per row for uint8 outputs: q = acc * m / 2^(31 + shift), about acc / 2^shift
// (the spread test below checks the chosen shifts leave most values unclamped).
void fill_tensors(LayerData& d, uint32_t seed, int limit = 127, int32_t shift = 4) {
  Layer& l = d.layer;
  fixtures::Values v(seed);
  const size_t n = static_cast<size_t>(l.rows) * l.row_length;
  if (l.mode == LayerMode::kFloat32) {
    for (size_t i = 0; i < n; ++i) d.weights.push_back(v.next() * 0.5f);
    for (uint32_t o = 0; o < l.rows; ++o) d.bias.push_back(v.next() * 0.5f);
  } else {
    for (size_t i = 0; i < n; ++i) {
      d.weights_i8.push_back(static_cast<int8_t>(std::lround(v.next() * (limit + 0.49f))));
    }
    for (uint32_t o = 0; o < l.rows; ++o) {
      d.bias_i32.push_back(static_cast<int32_t>(v.next() * 4000.0f));
    }
    for (uint32_t o = 0; o < l.rows; ++o) {
      if (l.mode == LayerMode::kInt8FloatOutput) {
        d.scales.push_back(1e-4f * (1.5f + v.next()));
      } else {
        d.requant.push_back((1 << 30) + static_cast<int32_t>((v.next() + 1.0f) * 5e8f));
        d.requant.push_back(shift);
      }
    }
  }
}

LayerData conv(fmt::Shape in, uint32_t k, uint32_t s, uint32_t p, uint32_t out_channels,
               LayerMode mode, Activation activation, uint32_t seed, int limit = 127,
               int32_t shift = 4) {
  LayerData d;
  set_geometry(d.layer, LayerKind::kConv2d, in, k, s, p, out_channels);
  set_mode(d, mode, activation, mode == LayerMode::kInt8Uint8Output ? 0.02f : 0.0f);
  d.layer.rows = out_channels;
  d.layer.row_length = k * k * in.channels;
  fill_tensors(d, seed, limit, shift);
  return d;
}

// A pool of float data (float32) or uint8 data (int8 with uint8 outputs, as the design says).
LayerData pool(LayerKind kind, fmt::Shape in, uint32_t k, uint32_t s, bool uint8_data) {
  LayerData d;
  set_geometry(d.layer, kind, in, k, s, 0, in.channels);
  set_mode(d, uint8_data ? LayerMode::kInt8Uint8Output : LayerMode::kFloat32, Activation::kNone,
           uint8_data ? 0.02f : 0.0f);
  return d;
}

LayerData dense(fmt::Shape in, uint32_t out, LayerMode mode, Activation activation,
                uint32_t seed, int limit = 127) {
  LayerData d;
  Layer& l = d.layer;
  l.kind = LayerKind::kDense;
  l.in_shape = in;
  l.out_shape = {1, 1, out};
  l.in_features = static_cast<uint32_t>(fmt::shape_size(in));
  l.out_features = out;
  l.rows = out;
  l.row_length = l.in_features;
  set_mode(d, mode, activation, 0.0f);
  fill_tensors(d, seed, limit);
  return d;
}

// A layer's output from its input, by the reference: floats, or uint8 values held in floats
// (exact) when the layer passes uint8 on.
std::vector<float> reference_layer(const LayerData& d, const std::vector<float>& in) {
  const Layer& l = d.layer;
  if (l.kind == LayerKind::kMaxPool || l.kind == LayerKind::kAvgPool) {
    if (l.mode == LayerMode::kFloat32) return reference_pool(l, in);
    std::vector<uint8_t> bytes(in.begin(), in.end());
    const std::vector<uint8_t> out = reference_pool(l, bytes);
    return std::vector<float>(out.begin(), out.end());
  }
  Layer flat = l;  // a dense layer is a 1 x 1 convolution over a 1 x 1 x in tensor
  if (l.kind == LayerKind::kDense) {
    flat.in_shape = {1, 1, l.in_features};
    flat.out_shape = {1, 1, l.out_features};
    flat.kernel_size = 1;
    flat.stride = 1;
    flat.padding = 0;
  }
  std::vector<float> out;
  if (l.mode == LayerMode::kFloat32) {
    for (double v : reference_conv(flat, in, d.weights.data(), d.bias.data())) {
      out.push_back(reference_activation(l.activation, static_cast<float>(v)));
    }
    return out;
  }
  const std::vector<double> sums = reference_conv(flat, in, d.weights_i8.data(),
                                                  d.bias_i32.data());
  const uint32_t channels = flat.out_shape.channels;
  for (size_t i = 0; i < sums.size(); ++i) {
    const uint32_t o = static_cast<uint32_t>(i % channels);
    const int64_t acc = static_cast<int64_t>(sums[i]);
    if (l.mode == LayerMode::kInt8FloatOutput) {
      out.push_back(reference_activation(l.activation, static_cast<float>(acc) * d.scales[o]));
    } else {
      out.push_back(reference_requantize(acc, d.requant[2 * o], d.requant[2 * o + 1]));
    }
  }
  return out;
}

// Float values agree within rounding: relative to the magnitude of what was summed.
void check_close(const std::vector<float>& got, const std::vector<float>& expected) {
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("value " << i);
    CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-4).scale(1.0));
  }
}

// ---- Layer functions on every kernel set ----

struct ConvCase {
  fmt::Shape in;
  uint32_t k, s, p, out_channels;
};

std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> cases;
  const fmt::Shape sizes[] = {{6, 7, 1}, {9, 5, 1}, {1, 4, 1}};
  const uint32_t in_channels[] = {1, 3, 8};
  const uint32_t out_channels[] = {1, 5, 16, 17};
  for (uint32_t k : {1u, 3u, 5u}) {
    for (uint32_t s : {1u, 2u}) {
      for (uint32_t p : {0u, 1u, 2u}) {
        if (p >= k) continue;
        for (fmt::Shape size : sizes) {
          for (uint32_t c : in_channels) {
            for (uint32_t o : out_channels) {
              const fmt::Shape in{size.height, size.width, c};
              if (window_output(in, k, s, p, o).height == 0 ||
                  window_output(in, k, s, p, o).width == 0) {
                continue;
              }
              cases.push_back({in, k, s, p, o});
            }
          }
        }
      }
    }
  }
  // Wider rows and channel counts around SIMD widths and row blocks.
  cases.push_back({{10, 10, 16}, 3, 1, 1, 32});
  cases.push_back({{8, 11, 20}, 3, 2, 1, 33});
  cases.push_back({{7, 7, 64}, 1, 1, 0, 10});
  // Blocks of 4 channel vectors (70 = 4 x 16 + 6 on AVX-512) over rows of 18 inner pixels.
  cases.push_back({{6, 20, 2}, 3, 1, 1, 70});
  return cases;
}

std::string describe(const ConvCase& c) {
  return std::to_string(c.in.height) + "x" + std::to_string(c.in.width) + "x" +
         std::to_string(c.in.channels) + " k" + std::to_string(c.k) + " s" +
         std::to_string(c.s) + " p" + std::to_string(c.p) + " -> " +
         std::to_string(c.out_channels);
}

std::vector<float> random_floats(size_t n, uint32_t seed) {
  fixtures::Values v(seed);
  std::vector<float> out(n);
  for (float& x : out) x = v.next();
  return out;
}

// The first 64-byte boundary in a buffer (given 64 bytes to spare), as scratch parts have.
template <typename T>
T* aligned64(T* p) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(p);
  return p + (64 - address % 64) % 64 / sizeof(T);
}

TEST_CASE("float convolutions equal the nested-loop reference on every kernel set") {
  const std::vector<ConvCase> cases = conv_cases();
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 11;
    for (const ConvCase& c : cases) {
      INFO(describe(c));
      LayerData d = conv(c.in, c.k, c.s, c.p, c.out_channels, LayerMode::kFloat32,
                         Activation::kNone, seed++);
      d.bind();
      const std::vector<float> x = random_floats(d.layer.in_features, seed++);
      // The transposed weights, 64-byte aligned as in the scratch's convolution part.
      std::vector<float> buffer(softedge::detail::conv_f32_lines_floats(d.layer) + 16, NAN);
      float* wt = aligned64(buffer.data());
      softedge::detail::transpose_conv_weights(d.layer, wt);
      std::vector<float> y(d.layer.out_features + 1, 1234.5f);
      softedge::detail::conv2d_f32(kernels, d.layer, x.data(), wt, y.data());
      CHECK(y.back() == 1234.5f);  // nothing written past the output
      y.pop_back();
      check_close(y, reference_layer(d, x));
    }
  });
}

TEST_CASE("int8 convolutions give the reference's sums bit for bit on every kernel set") {
  const std::vector<ConvCase> cases = conv_cases();
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 21;
    for (const ConvCase& c : cases) {
      INFO(describe(c));
      LayerData d = conv(c.in, c.k, c.s, c.p, c.out_channels, LayerMode::kInt8FloatOutput,
                         Activation::kNone, seed++);
      d.bind();
      const std::vector<uint8_t> x = fixtures::pixels(d.layer.in_features, seed++);
      std::vector<uint8_t> patches(size_t{d.layer.out_shape.width} * d.layer.row_length);
      std::vector<int32_t> acc(d.layer.out_features + 1, 0x5A5A5A5A);
      softedge::detail::conv2d_u8s8(kernels, d.layer, x.data(), patches.data(), acc.data());
      CHECK(acc.back() == 0x5A5A5A5A);
      const std::vector<double> expected = reference_conv(
          d.layer, std::vector<uint8_t>(x), d.weights_i8.data(), d.bias_i32.data());
      for (size_t i = 0; i < expected.size(); ++i) {
        CHECK(acc[i] == static_cast<int64_t>(expected[i]));
      }
    }
  });
}

// The direct int8 kernels (conv_u8s8_i32: VNNI, aarch64 dot product, and the reference) on
// every case (input channels a multiple of 4: windows read in place; else padded im2col
// patches), and on extreme values: pixels 255 and weights -128 or 127, where the dot-product
// kernels' x - 128 shift must still be exact.
TEST_CASE("direct int8 convolutions give the reference's sums bit for bit") {
  const std::vector<ConvCase> cases = conv_cases();
  // The sets that have the kernel, and the reference kernel in a copy of the first set.
  std::vector<softedge::KernelSet> sets;
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    if (kernels.conv_u8s8_i32 != nullptr) sets.push_back(kernels);
  });
  softedge::KernelSet reference = softedge::kernel_at(0);
  reference.name = "conv_u8s8_i32_scalar";
  reference.conv_u8s8_i32 = softedge::detail::conv_u8s8_i32_scalar;
  sets.push_back(reference);
  for (const softedge::KernelSet& kernels : sets) {
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 41;
    for (const ConvCase& c : cases) {
      for (bool extreme : {false, true}) {
        const std::string what = describe(c) + (extreme ? ", extreme values" : "");
        INFO(what);
        LayerData d = conv(c.in, c.k, c.s, c.p, c.out_channels, LayerMode::kInt8FloatOutput,
                           Activation::kNone, seed++);
        std::vector<uint8_t> x = fixtures::pixels(d.layer.in_features, seed++);
        if (extreme) {
          for (size_t i = 0; i < d.weights_i8.size(); ++i) d.weights_i8[i] = i % 3 ? -128 : 127;
          for (uint8_t& v : x) v = 255;
        }
        d.bind();
        REQUIRE(softedge::detail::conv_u8s8_direct(kernels));
        // The scratch's convolution part: the lines, then (not in groups of 4) the patches.
        std::vector<int8_t> buffer(softedge::detail::conv_u8s8_bytes(d.layer) + 64, 99);
        int8_t* part = aligned64(buffer.data());
        softedge::detail::transpose_conv_weights_i8(d.layer, part);
        std::vector<int32_t> acc(d.layer.out_features + 1, 0x5A5A5A5A);
        softedge::detail::conv2d_u8s8_direct(kernels, d.layer, x.data(), part, acc.data());
        CHECK(acc.back() == 0x5A5A5A5A);  // nothing written past the output
        const std::vector<double> expected =
            reference_conv(d.layer, x, d.weights_i8.data(), d.bias_i32.data());
        for (size_t i = 0; i < expected.size(); ++i) {
          CHECK(acc[i] == static_cast<int64_t>(expected[i]));
        }
      }
    }
  }
}

// The sets' vector sigmoid (kernels without one use inference's expf loop) against the exact
// value in double, at every length up to 37 (whole vectors and every tail), over the range
// where it matters and its limits: +-0, +-inf, beyond +-88 (exp overflows) and NaN.
TEST_CASE("sigmoid kernels are within 4e-7 of the exact value; NaN stays NaN") {
  std::vector<float> inputs = {0.0f, -0.0f, INFINITY, -INFINITY, 90.0f, -90.0f, 1e-30f, -1e-30f,
                               16.6f, -16.6f, 0.5f, -0.5f};
  for (int i = -400; i <= 400; ++i) inputs.push_back(static_cast<float>(i) * 0.05f);
  size_t sets = 0;
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    if (kernels.sigmoid_f32 == nullptr) return;
    ++sets;
    INFO("kernel " << std::string(kernels.name));
    for (uint32_t n = 1; n <= 37; ++n) {
      for (size_t start = 0; start + n <= inputs.size(); start += n) {
        std::vector<float> v(inputs.begin() + start, inputs.begin() + start + n);
        v.push_back(1234.5f);  // a guard: nothing written past n
        kernels.sigmoid_f32(v.data(), n);
        CHECK(v.back() == 1234.5f);
        for (uint32_t i = 0; i < n; ++i) {
          const double x = inputs[start + i];
          const double exact = 1.0 / (1.0 + std::exp(-x));
          INFO("x " << x << ", got " << v[i]);
          CHECK(std::fabs(v[i] - exact) <= 4e-7);
          CHECK(std::fabs(v[i] - exact) <= 1e-6 * exact + 1e-30);  // relative, near 0
        }
      }
    }
    float nan[3] = {NAN, 1.0f, NAN};
    kernels.sigmoid_f32(nan, 3);
    CHECK(std::isnan(nan[0]));
    CHECK(std::isnan(nan[2]));
    CHECK(nan[1] == doctest::Approx(0.7310586).epsilon(1e-6));
  });
#if defined(__x86_64__) || defined(__aarch64__)
  CHECK(sets >= 1);  // the SIMD sets of these targets have one
#endif
}

TEST_CASE("max and average pooling equal the reference, float and uint8") {
  // 16 and 32 channels: the CNN's pools (whole vectors in the 2 x 2 path).
  const fmt::Shape sizes[] = {{6, 7, 1}, {9, 5, 3}, {4, 4, 8}, {5, 6, 17}, {6, 8, 16}, {5, 7, 32}};
  uint32_t seed = 31;
  for (LayerKind kind : {LayerKind::kMaxPool, LayerKind::kAvgPool}) {
    for (uint32_t k : {2u, 3u}) {
      for (uint32_t s : {1u, 2u}) {
        for (fmt::Shape in : sizes) {
          INFO("kind " << static_cast<int>(kind) << " k" << k << " s" << s << " "
                       << in.height << "x" << in.width << "x" << in.channels);
          LayerData f = pool(kind, in, k, s, false);
          const std::vector<float> xf = random_floats(f.layer.in_features, seed++);
          std::vector<float> yf(f.layer.out_features);
          LayerData u = pool(kind, in, k, s, true);
          const std::vector<uint8_t> xu = fixtures::pixels(u.layer.in_features, seed++);
          std::vector<uint8_t> yu(u.layer.out_features);
          if (kind == LayerKind::kMaxPool) {
            softedge::detail::max_pool_f32(f.layer, xf.data(), yf.data());
            softedge::detail::max_pool_u8(u.layer, xu.data(), yu.data());
          } else {
            softedge::detail::avg_pool_f32(f.layer, xf.data(), yf.data());
            softedge::detail::avg_pool_u8(u.layer, xu.data(), yu.data());
          }
          CHECK(yf == reference_pool(f.layer, xf));  // the same operations in the same order
          CHECK(yu == reference_pool(u.layer, xu));
        }
      }
    }
  }
}

TEST_CASE("2 x 2 float pools keep the rules for NaN and -0.0, in every channel") {
  // A 2 x 8 input of 16 channels, each channel the same four windows: {NaN, 1, 5, 6},
  // {2, NaN, 7, 8}, {-0.0 x 4}, {3, 4, NaN, 1}. Max: a first NaN stays, a later one is
  // skipped, -0.0 stays; average: NaN spreads, four -0.0 give +0.0 (the sum starts at 0.0f).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float rows[2][8] = {{nan, 1, 2, nan, -0.0f, -0.0f, 3, 4},
                            {5, 6, 7, 8, -0.0f, -0.0f, nan, 1}};
  const uint32_t channels = 16;
  std::vector<float> x;
  for (const auto& row : rows) {
    for (float v : row) x.insert(x.end(), channels, v);
  }
  LayerData m = pool(LayerKind::kMaxPool, {2, 8, channels}, 2, 2, false);
  LayerData a = pool(LayerKind::kAvgPool, {2, 8, channels}, 2, 2, false);
  std::vector<float> ym(4 * channels), ya(4 * channels);
  softedge::detail::max_pool_f32(m.layer, x.data(), ym.data());
  softedge::detail::avg_pool_f32(a.layer, x.data(), ya.data());
  for (uint32_t c = 0; c < channels; ++c) {
    INFO("channel " << c);
    CHECK(std::isnan(ym[c]));
    CHECK(ym[channels + c] == 8.0f);
    CHECK((ym[2 * channels + c] == 0.0f && std::signbit(ym[2 * channels + c])));
    CHECK(ym[3 * channels + c] == 4.0f);
    CHECK(std::isnan(ya[c]));
    CHECK(std::isnan(ya[channels + c]));
    CHECK((ya[2 * channels + c] == 0.0f && !std::signbit(ya[2 * channels + c])));
    CHECK(std::isnan(ya[3 * channels + c]));
  }
  const std::vector<float> rm = reference_pool(m.layer, x), ra = reference_pool(a.layer, x);
  CHECK(std::memcmp(ym.data(), rm.data(), ym.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(ya.data(), ra.data(), ya.size() * sizeof(float)) == 0);
}

TEST_CASE("uint8 average pooling rounds half up") {
  // 2 x 2 windows of {1, 2, 2, 2}: 7 / 4 = 1.75 -> 2; {1, 1, 1, 2}: 1.25 -> 1; {1, 2, 1, 2}:
  // 1.5 -> 2 (half up).
  LayerData d = pool(LayerKind::kAvgPool, {2, 6, 1}, 2, 2, true);
  const std::vector<uint8_t> x = {1, 2, 1, 1, 1, 2, 2, 2, 1, 2, 1, 2};
  std::vector<uint8_t> y(3);
  softedge::detail::avg_pool_u8(d.layer, x.data(), y.data());
  CHECK(y == std::vector<uint8_t>{2, 1, 2});
}

// ---- Whole models through infer_u8 / infer_batch_u8 ----

struct TestModel {
  std::vector<LayerData> layers;
  fmt::Shape input;
  float input_scale = 1.0f / 255.0f;
  float input_bias = 0.0f;
  softedge::Model model{};

  // Fills the Model the way load() would: shapes, tensors, max_width, num_classes.
  void finish() {
    model.version = fmt::kVersion3;
    model.input_height = static_cast<uint16_t>(input.height);
    model.input_width = static_cast<uint16_t>(input.width);
    model.input_channels = static_cast<uint16_t>(input.channels);
    model.input_size = static_cast<uint32_t>(fmt::shape_size(input));
    model.input_scale = input_scale;
    model.input_bias = input_bias;
    model.layer_count = static_cast<uint32_t>(layers.size());
    model.max_width = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
      layers[l].bind();
      model.layers[l] = layers[l].layer;
      if (layers[l].layer.out_features > model.max_width) {
        model.max_width = layers[l].layer.out_features;
      }
    }
    model.num_classes = layers.back().layer.out_features;
  }

  // The logits of one image by the reference.
  std::vector<float> logits(const uint8_t* pixels) const {
    std::vector<float> x(pixels, pixels + model.input_size);
    if (layers[0].layer.mode == LayerMode::kFloat32) {
      for (float& v : x) v = v * input_scale + input_bias;
    }
    for (const LayerData& d : layers) x = reference_layer(d, x);
    return x;
  }
};

// 12 x 12 x channels -> conv 3x3 pad 1 (4) -> max 2x2/2 -> conv 3x3 (8) -> avg 2x2/2 -> dense.
// Float layers, or int8 layers passing uint8 on (the last one with float outputs).
TestModel mixed_model(uint32_t channels, bool int8, Activation second_activation) {
  TestModel m;
  m.input = {12, 12, channels};
  const LayerMode hidden = int8 ? LayerMode::kInt8Uint8Output : LayerMode::kFloat32;
  const LayerMode last = int8 ? LayerMode::kInt8FloatOutput : LayerMode::kFloat32;
  m.layers.push_back(conv(m.input, 3, 1, 1, 4, hidden, Activation::kRelu, 101, 20, 5));
  m.layers.push_back(pool(LayerKind::kMaxPool, m.layers.back().layer.out_shape, 2, 2, int8));
  m.layers.push_back(conv(m.layers.back().layer.out_shape, 3, 1, 0, 8, hidden,
                          int8 ? Activation::kRelu : second_activation, 102, 20, 7));
  m.layers.push_back(pool(LayerKind::kAvgPool, m.layers.back().layer.out_shape, 2, 2, int8));
  m.layers.push_back(dense(m.layers.back().layer.out_shape, 10, last, Activation::kNone, 103, 60));
  m.finish();
  return m;
}

// An int8 convolution with float outputs first (strided, padded 2), then float layers.
TestModel int8_float_output_model() {
  TestModel m;
  m.input = {11, 9, 3};
  m.layers.push_back(conv(m.input, 5, 2, 2, 6, LayerMode::kInt8FloatOutput, Activation::kRelu,
                          201));
  m.layers.push_back(pool(LayerKind::kMaxPool, m.layers.back().layer.out_shape, 2, 1, false));
  m.layers.push_back(dense(m.layers.back().layer.out_shape, 7, LayerMode::kFloat32,
                           Activation::kSigmoid, 202));
  m.layers.push_back(dense({1, 1, 7}, 5, LayerMode::kFloat32, Activation::kNone, 203));
  m.finish();
  return m;
}

// A float pool as layer 0 (it reads the features), then a dense layer.
TestModel pool_first_model() {
  TestModel m;
  m.input = {8, 8, 2};
  m.input_bias = -0.5f;
  m.layers.push_back(pool(LayerKind::kAvgPool, m.input, 3, 2, false));
  m.layers.push_back(dense(m.layers.back().layer.out_shape, 4, LayerMode::kFloat32,
                           Activation::kNone, 301));
  m.finish();
  return m;
}

struct NamedModel {
  std::string name;
  TestModel model;
  bool exact;  // int8 up to float logits computed the same way: the same bits
};

std::vector<NamedModel> models() {
  std::vector<NamedModel> list;
  list.push_back({"float, 1 channel", mixed_model(1, false, Activation::kRelu), false});
  list.push_back({"float, 3 channels, sigmoid", mixed_model(3, false, Activation::kSigmoid),
                  false});
  TestModel biased = mixed_model(1, false, Activation::kRelu);
  biased.input_bias = -0.25f;
  biased.model.input_bias = -0.25f;
  list.push_back({"float, input bias", biased, false});
  list.push_back({"int8 uint8 chain, 1 channel", mixed_model(1, true, Activation::kRelu), true});
  list.push_back({"int8 uint8 chain, 3 channels", mixed_model(3, true, Activation::kRelu), true});
  list.push_back({"int8 float-output conv", int8_float_output_model(), false});
  list.push_back({"float pool first", pool_first_model(), false});
  for (NamedModel& n : list) n.model.finish();  // re-point the copied layers
  return list;
}

// The reference's logits through the active set's softmax: where the runtime's logits are
// the same bits (int8), its probabilities are too.
std::vector<float> expected_probabilities(const TestModel& m, const uint8_t* pixels,
                                          const softedge::KernelSet& kernels) {
  const std::vector<float> logits = m.logits(pixels);
  std::vector<float> p(logits.size());
  uint32_t top = 0;
  REQUIRE(kernels.softmax_f32(logits.data(), static_cast<uint32_t>(logits.size()), p.data(),
                              &top));
  return p;
}

TEST_CASE("conv -> pool -> conv -> pool -> dense models equal the reference on every set") {
  for (NamedModel& named : models()) {
    INFO("model " << named.name);
    const softedge::Model& model = named.model.model;
    std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
    fixtures::with_each_runnable_active([&](const softedge::KernelSet& kernels) {
      for (uint32_t image = 0; image < 3; ++image) {
        const std::vector<uint8_t> pixels = fixtures::pixels(model.input_size, 500 + image);
        std::vector<float> probabilities(model.num_classes);
        softedge::Prediction prediction{};
        REQUIRE(softedge::infer_u8(model, pixels.data(), pixels.size(), probabilities.data(),
                                   probabilities.size(), scratch.data(), scratch.size(),
                                   &prediction) == Status::kOk);
        const std::vector<float> expected =
            expected_probabilities(named.model, pixels.data(), kernels);
        if (named.exact) {
          CHECK(probabilities == expected);
        } else {
          check_close(probabilities, expected);
        }
      }
    });
  }
}

TEST_CASE("the int8 chain's hidden uint8 activations are spread out (the test can fail)") {
  const TestModel m = mixed_model(3, true, Activation::kRelu);
  const std::vector<uint8_t> pixels = fixtures::pixels(m.model.input_size, 77);
  std::vector<float> x(pixels.begin(), pixels.end());
  for (size_t l = 0; l + 1 < m.layers.size(); ++l) {
    x = reference_layer(m.layers[l], x);
    size_t between = 0;  // neither clamped to 0 nor to 255
    for (float v : x) between += v > 0.0f && v < 255.0f;
    INFO("layer " << l);
    CHECK(between >= x.size() / 8);
  }
}

TEST_CASE("convolution models: a batch in tiles equals one image at a time") {
  for (NamedModel& named : models()) {
    INFO("model " << named.name);
    const softedge::Model& model = named.model.model;
    const size_t count = 19;  // one full tile of 16 and a short one
    const std::vector<uint8_t> pixels = fixtures::pixels(count * model.input_size, 900);
    fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
      std::vector<uint8_t> one(softedge::scratch_bytes(model));
      std::vector<float> single(count * model.num_classes);
      for (size_t n = 0; n < count; ++n) {
        REQUIRE(softedge::infer_u8(model, pixels.data() + n * model.input_size,
                                   model.input_size, single.data() + n * model.num_classes,
                                   model.num_classes, one.data(), one.size(),
                                   nullptr) == Status::kOk);
      }
      std::vector<uint8_t> batch_scratch(softedge::batch_scratch_bytes(model, count));
      std::vector<float> batch(count * model.num_classes);
      std::vector<uint32_t> classes(count);
      REQUIRE(softedge::infer_batch_u8(model, pixels.data(), count, batch.data(),
                                       classes.data(), batch_scratch.data(),
                                       batch_scratch.size()) == Status::kOk);
      if (named.exact) {
        CHECK(batch == single);
      } else {
        check_close(batch, single);
      }
    });
  }
}

// The same model as a spec for the model writer (host::encode_model).
softedge::host::ModelSpec spec_of_test_model(const TestModel& m) {
  softedge::host::ModelSpec spec;
  spec.input_height = static_cast<uint16_t>(m.input.height);
  spec.input_width = static_cast<uint16_t>(m.input.width);
  spec.input_channels = static_cast<uint16_t>(m.input.channels);
  spec.input_scale = m.input_scale;
  spec.input_bias = m.input_bias;
  spec.class_names = fixtures::class_names(m.model.num_classes);
  for (const LayerData& d : m.layers) {
    softedge::host::LayerSpec layer;
    layer.kind = d.layer.kind;
    layer.in_features = d.layer.in_features;
    layer.out_features = d.layer.out_features;
    layer.kernel_size = d.layer.kernel_size;
    layer.stride = d.layer.stride;
    layer.padding = d.layer.padding;
    layer.activation = d.layer.activation;
    layer.weight_type = d.layer.weight_type;
    layer.weights = d.weights;
    layer.bias = d.bias;
    layer.weights_i8 = d.weights_i8;
    layer.bias_i32 = d.bias_i32;
    layer.output_scale = d.layer.output_scale;
    layer.scales = d.scales;
    layer.requant = d.requant;
    spec.layers.push_back(layer);
  }
  return spec;
}

TEST_CASE("the models written and loaded (encode_model + load) infer as the ones built here") {
  for (NamedModel& named : models()) {
    INFO("model " << named.name);
    const softedge::Model& built = named.model.model;
    fixtures::LoadedModel loaded(spec_of_test_model(named.model));
    REQUIRE(loaded.status == Status::kOk);
    const softedge::Model& model = loaded.model;
    CHECK(model.version == fmt::kVersion3);
    REQUIRE(model.layer_count == built.layer_count);
    CHECK(model.max_width == built.max_width);
    CHECK(softedge::scratch_bytes(model) == softedge::scratch_bytes(built));
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      INFO("layer " << l);
      const Layer& a = model.layers[l];
      const Layer& b = built.layers[l];
      CHECK(a.kind == b.kind);
      CHECK(a.mode == b.mode);
      CHECK(a.in_shape.height == b.in_shape.height);
      CHECK(a.in_shape.width == b.in_shape.width);
      CHECK(a.in_shape.channels == b.in_shape.channels);
      CHECK(a.out_shape.height == b.out_shape.height);
      CHECK(a.out_shape.width == b.out_shape.width);
      CHECK(a.out_shape.channels == b.out_shape.channels);
      CHECK(a.rows == b.rows);
      CHECK(a.row_length == b.row_length);
    }
    std::vector<uint8_t> scratch(softedge::scratch_bytes(model));
    for (uint32_t image = 0; image < 3; ++image) {
      const std::vector<uint8_t> pixels = fixtures::pixels(model.input_size, 700 + image);
      std::vector<float> got(model.num_classes), expected(model.num_classes);
      REQUIRE(softedge::infer_u8(model, pixels.data(), pixels.size(), got.data(), got.size(),
                                 scratch.data(), scratch.size(), nullptr) == Status::kOk);
      REQUIRE(softedge::infer_u8(built, pixels.data(), pixels.size(), expected.data(),
                                 expected.size(), scratch.data(), scratch.size(),
                                 nullptr) == Status::kOk);
      CHECK(got == expected);  // the same tensors through the same code
    }
  }
}

TEST_CASE("a convolution model needs its convolution part: one byte less scratch is refused") {
  const TestModel m = mixed_model(3, false, Activation::kRelu);
  const size_t bytes = softedge::scratch_bytes(m.model);
  // The convolution part: the second convolution's 36 weight lines and its bias line, of 16
  // floats each (8 channels, padded), on top of the dense-style parts.
  TestModel dense_only;
  dense_only.input = m.input;
  dense_only.layers.push_back(dense(m.input, m.model.max_width, LayerMode::kFloat32,
                                    Activation::kNone, 1));
  dense_only.finish();
  CHECK(bytes >= softedge::scratch_bytes(dense_only.model) + 37 * 16 * 4);
  std::vector<uint8_t> scratch(bytes);
  const std::vector<uint8_t> pixels = fixtures::pixels(m.model.input_size, 3);
  std::vector<float> probabilities(m.model.num_classes);
  CHECK(softedge::infer_u8(m.model, pixels.data(), pixels.size(), probabilities.data(),
                           probabilities.size(), scratch.data(), bytes - 1,
                           nullptr) == Status::kScratchTooSmall);
}

}  // namespace
