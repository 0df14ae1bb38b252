// The batch path: every set's batched dense kernels (KernelSet::*_batch) against the scalar
// reference per image, and infer_batch_u8 in tiles (batch_scratch_bytes) against one image at
// a time (scratch_bytes), on every runnable set: int8 bit for bit, float within rounding.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/softedge_c.h"

namespace host = softedge::host;
namespace fmt = softedge::format;
using softedge::Status;

namespace {

const softedge::KernelSet& scalar() { return softedge::kernel_at(0); }

// Shapes with remainders everywhere: inputs around register widths (16, 32, 64 bytes),
// outputs around the row blocks (5 float, kVnniTileRows int8: up to 16, with each shorter
// last block), image counts around the 2- and 4-image groups.
const uint32_t kIns[] = {1, 15, 63, 64, 65, 130, 784};
const uint32_t kOuts[] = {1, 4, 5, 6, 10, 11, 12, 13, 16, 17, 29};
const uint32_t kCounts[] = {1, 2, 3, 4, 5, 7, 9};

// Outputs are written `stride` apart with a gap after each: the gap must stay untouched.
constexpr uint32_t kGap = 3;
constexpr int32_t kUntouched = 0x5A5A5A5A;

TEST_CASE("every int8 batch kernel equals the scalar reference per image, bit for bit") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.dense_u8s8_i32_batch == nullptr || scalar().dense_u8s8_i32 == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no int8 batch kernel (per image)");
      return;
    }
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 1;
    for (uint32_t in : kIns) {
      for (uint32_t out : kOuts) {
        for (uint32_t count : kCounts) {
          INFO("in " << in << " out " << out << " count " << count);
          const size_t x_stride = in + 7, acc_stride = out + kGap;
          const std::vector<uint8_t> x = fixtures::pixels(x_stride * count, seed++);
          fixtures::Values values(seed++);
          std::vector<int8_t> w;
          for (uint32_t i = 0; i < in * out; ++i) {
            w.push_back(static_cast<int8_t>(values.next() * 127.9f));
          }
          std::vector<int32_t> bias;
          for (uint32_t o = 0; o < out; ++o) {
            bias.push_back(static_cast<int32_t>(values.next() * 1e6f));
          }
          std::vector<int32_t> got(acc_stride * count, kUntouched);
          kernels.dense_u8s8_i32_batch(x.data(), x_stride, count, w.data(), bias.data(), in, out,
                                       got.data(), acc_stride);
          for (uint32_t n = 0; n < count; ++n) {
            std::vector<int32_t> expected(out);
            scalar().dense_u8s8_i32(x.data() + n * x_stride, w.data(), bias.data(), in, out,
                                    expected.data());
            for (uint32_t o = 0; o < out; ++o) CHECK(got[n * acc_stride + o] == expected[o]);
            for (uint32_t o = out; o < acc_stride; ++o) {
              CHECK(got[n * acc_stride + o] == kUntouched);
            }
          }
        }
      }
    }
  });
}

// format.h's definition, in int64 arithmetic.
uint8_t reference_requantize(int32_t acc, int32_t m, int32_t shift) {
  const int n = 31 + shift;
  const int64_t product = int64_t{acc} * m;
  const int64_t q = product <= 0 ? 0 : (product + (int64_t{1} << (n - 1))) >> n;
  return static_cast<uint8_t>(q > 255 ? 255 : q);
}

TEST_CASE("every requantize_u8 kernel equals format.h's definition, bit for bit") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.requantize_u8 == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no requantize_u8 (scalar loop)");
      return;
    }
    INFO("kernel " << std::string(kernels.name));
    fixtures::Values values(31);
    for (uint32_t n : {1u, 7u, 8u, 9u, 16u, 250u, 256u}) {
      INFO("n " << n);
      std::vector<int32_t> acc, requant;
      for (uint32_t o = 0; o < n; ++o) {
        // Every extreme in turn, then values around the rounding and clamping points.
        const int32_t extremes[] = {INT32_MIN, INT32_MAX, 0, -1, 1};
        acc.push_back(o < 5 ? extremes[o] : static_cast<int32_t>(values.next() * 2.1e9f));
        requant.push_back((1 << 30) + static_cast<int32_t>((values.next() + 1.0f) * 5.3e8f));
        requant.push_back(o < 5 ? (o % 2 ? 31 : -30) : static_cast<int32_t>(o % 62) - 30);
      }
      std::vector<uint8_t> got(n + 1, 0xA5);
      kernels.requantize_u8(acc.data(), requant.data(), n, 1, n, got.data());
      for (uint32_t o = 0; o < n; ++o) {
        CHECK(got[o] == reference_requantize(acc[o], requant[2 * o], requant[2 * o + 1]));
      }
      CHECK(got[n] == 0xA5);  // nothing written past n
      // Several images at once, `stride` apart: image m's sums are the ones above, rotated by
      // m (each meets other pairs); the gap after each image's outputs stays untouched.
      for (uint32_t count : {2u, 5u}) {
        const size_t stride = n + 3, out_stride = stride;
        std::vector<int32_t> sums(stride * count, 0);
        for (uint32_t m = 0; m < count; ++m) {
          for (uint32_t o = 0; o < n; ++o) sums[m * stride + o] = acc[(o + m) % n];
        }
        std::vector<uint8_t> outputs(out_stride * count, 0xA5);
        kernels.requantize_u8(sums.data(), requant.data(), n, count, stride, outputs.data());
        for (uint32_t m = 0; m < count; ++m) {
          INFO("image " << m << " of " << count);
          for (uint32_t o = 0; o < n; ++o) {
            CHECK(outputs[m * out_stride + o] ==
                  reference_requantize(acc[(o + m) % n], requant[2 * o], requant[2 * o + 1]));
          }
          for (size_t o = n; o < out_stride; ++o) CHECK(outputs[m * out_stride + o] == 0xA5);
        }
      }
    }
  });
}

TEST_CASE("every requantize_u8 kernel rounds and clamps like format.h at each step's edges") {
  // One channel per (pair, result t, offset d): the sums d away from where the exact quotient
  // crosses t - 1/2 (the rounding edge into t), for results around 0, the middle and 255,
  // and shifts of both signs (a negative one makes a step of one sum worth several results).
  // m = 2^30 puts some sums exactly on the edge (a tie, which rounds up), the others m at random.
  std::vector<int32_t> acc, requant;
  fixtures::Values values(77);
  for (int32_t shift : {-30, -3, 0, 1, 5, 9, 20, 31}) {
    const int32_t random_m = (1 << 30) + static_cast<int32_t>((values.next() + 1.0f) * 5.3e8f);
    for (int32_t m : {1 << 30, random_m}) {
      for (int t : {0, 1, 2, 127, 128, 254, 255, 256}) {
        const long double edge = (t - 0.5L) * std::ldexp(1.0L, 31 + shift) / m;
        for (int d = -2; d <= 2; ++d) {
          const long double sum = std::floor(edge) + d;
          acc.push_back(static_cast<int32_t>(
              std::max<long double>(INT32_MIN, std::min<long double>(INT32_MAX, sum))));
          requant.push_back(m);
          requant.push_back(shift);
        }
      }
    }
  }
  const uint32_t n = static_cast<uint32_t>(acc.size());
  fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
    if (kernels.requantize_u8 == nullptr) return;
    INFO("kernel " << std::string(kernels.name));
    std::vector<uint8_t> got(n, 0xA5);
    kernels.requantize_u8(acc.data(), requant.data(), n, 1, n, got.data());
    uint32_t middle = 0;  // outputs strictly between the clamps: the edges were hit
    for (uint32_t o = 0; o < n; ++o) {
      INFO("sum " << acc[o] << " m " << requant[2 * o] << " shift " << requant[2 * o + 1]);
      const uint8_t expected = reference_requantize(acc[o], requant[2 * o], requant[2 * o + 1]);
      CHECK(got[o] == expected);
      middle += expected > 0 && expected < 255;
    }
    CHECK(middle > n / 4);
  });
}

// Float sums in another order than the reference's: within 1e-5 of the sum of |terms|.
void check_close(const std::vector<float>& got, const std::vector<float>& expected,
                 const std::vector<float>& magnitude) {
  for (size_t o = 0; o < expected.size(); ++o) {
    CHECK(std::fabs(got[o] - expected[o]) <= 1e-5f * magnitude[o] + 1e-7f);
  }
}

TEST_CASE("every float batch kernel equals the scalar reference per image, up to rounding") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.dense_f32_batch == nullptr && kernels.dense_u8_f32_batch == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no float batch kernels (per image)");
      return;
    }
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 100;
    for (uint32_t in : kIns) {
      for (uint32_t out : kOuts) {
        for (uint32_t count : kCounts) {
          INFO("in " << in << " out " << out << " count " << count);
          const size_t x_stride = in + 5, y_stride = out + kGap;
          const std::vector<uint8_t> pixels = fixtures::pixels(x_stride * count, seed++);
          fixtures::Values values(seed++);
          std::vector<float> x, w, bias;
          for (size_t i = 0; i < x_stride * count; ++i) x.push_back(values.next());
          for (uint32_t i = 0; i < in * out; ++i) w.push_back(values.next());
          for (uint32_t o = 0; o < out; ++o) bias.push_back(values.next());
          const float scale = 1.0f / 255.0f;
          std::vector<float> got_f32(y_stride * count, -7.0f), got_u8(y_stride * count, -7.0f);
          if (kernels.dense_f32_batch != nullptr) {
            kernels.dense_f32_batch(x.data(), x_stride, count, w.data(), bias.data(), in, out,
                                    got_f32.data(), y_stride);
          }
          if (kernels.dense_u8_f32_batch != nullptr) {
            kernels.dense_u8_f32_batch(pixels.data(), x_stride, count, scale, w.data(),
                                       bias.data(), in, out, got_u8.data(), y_stride);
          }
          for (uint32_t n = 0; n < count; ++n) {
            std::vector<float> expected(out), expected_u8(out);
            std::vector<float> magnitude(out), magnitude_u8(out);
            const float* xn = x.data() + n * x_stride;
            const uint8_t* pn = pixels.data() + n * x_stride;
            scalar().dense_f32(xn, w.data(), bias.data(), in, out, expected.data());
            scalar().dense_u8_f32(pn, scale, w.data(), bias.data(), in, out, expected_u8.data());
            for (uint32_t o = 0; o < out; ++o) {
              magnitude[o] = std::fabs(bias[o]);
              magnitude_u8[o] = std::fabs(bias[o]);
              for (uint32_t i = 0; i < in; ++i) {
                magnitude[o] += std::fabs(w[o * in + i] * xn[i]);
                magnitude_u8[o] += std::fabs(w[o * in + i] * pn[i] * scale);
              }
            }
            const auto image = [&](const std::vector<float>& all) {
              const auto first = all.begin() + n * y_stride;
              return std::vector<float>(first, first + out);
            };
            if (kernels.dense_f32_batch != nullptr) {
              check_close(image(got_f32), expected, magnitude);
            }
            if (kernels.dense_u8_f32_batch != nullptr) {
              check_close(image(got_u8), expected_u8, magnitude_u8);
            }
            for (uint32_t o = out; o < y_stride; ++o) {
              CHECK(got_f32[n * y_stride + o] == -7.0f);
              CHECK(got_u8[n * y_stride + o] == -7.0f);
            }
          }
        }
      }
    }
  });
}

// Real shapes: 784 -> 10 and 784 -> 256 -> 10, float and int8, with and without a lookup table.
std::vector<uint8_t> sqrt_table() {
  std::vector<uint8_t> table(256);
  for (int p = 0; p < 256; ++p)
    table[p] = static_cast<uint8_t>(std::lround(std::sqrt(p / 255.0) * 255.0));
  return table;
}

host::ModelSpec mlp_spec(bool int8) {
  host::ModelSpec spec = fixtures::mnist_linear_spec(9);
  host::DenseLayerSpec hidden = fixtures::dense_layer(784, 256, 21, 0.1f, fmt::Activation::kRelu);
  host::DenseLayerSpec last = fixtures::dense_layer(256, 10, 22);
  if (int8) {
    fixtures::Values values(23);
    hidden.weight_type = last.weight_type = fmt::DType::kInt8;
    hidden.weights.clear();
    hidden.bias.clear();
    last.weights.clear();
    last.bias.clear();
    hidden.output_scale = 0.05f;
    for (int i = 0; i < 784 * 256; ++i)
      hidden.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
    for (int o = 0; o < 256; ++o) {
      hidden.bias_i32.push_back(static_cast<int32_t>(values.next() * 30000.0f));
      hidden.requant.push_back((1 << 30) + static_cast<int32_t>((values.next() + 1.0f) * 5e8f));
      hidden.requant.push_back(12 + o % 3);
    }
    for (int i = 0; i < 256 * 10; ++i)
      last.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
    for (int o = 0; o < 10; ++o) {
      last.bias_i32.push_back(static_cast<int32_t>(values.next() * 1000.0f));
      last.scales.push_back(0.001f * (o + 1));
    }
  }
  spec.layers = {hidden, last};
  return spec;
}

struct NamedSpec {
  const char* name;
  host::ModelSpec spec;
  bool exact;  // int8 logits: the tiles give the same bits
};

std::vector<NamedSpec> real_shapes() {
  std::vector<NamedSpec> specs = {{"linear", fixtures::mnist_linear_spec(3), false},
                                  {"linear int8", fixtures::mnist_int8_spec(4), true},
                                  {"mlp", mlp_spec(false), false},
                                  {"mlp int8", mlp_spec(true), true}};
  host::ModelSpec with_table = fixtures::mnist_int8_spec(6);
  with_table.input_lut = sqrt_table();
  specs.push_back({"linear int8 + table", with_table, true});
  host::ModelSpec float_bias = fixtures::mnist_linear_spec(7);
  float_bias.input_bias = -0.5f;  // not the fused pixel kernel: features first
  specs.push_back({"linear, input bias", float_bias, false});
  host::ModelSpec float_table = mlp_spec(false);
  float_table.input_lut = sqrt_table();
  specs.push_back({"mlp + table", float_table, false});
  return specs;
}

struct Outputs {
  std::vector<float> probabilities;
  std::vector<uint32_t> classes;
};

Outputs run_batch(const softedge::Model& model, const std::vector<uint8_t>& pixels, size_t images,
                  size_t scratch_size) {
  std::vector<uint8_t> scratch(scratch_size + 64, 0xCD);  // 64 bytes past it: untouched
  Outputs o{std::vector<float>(images * 10, -1.0f), std::vector<uint32_t>(images, 99)};
  REQUIRE(softedge::infer_batch_u8(model, pixels.data(), images, o.probabilities.data(),
                                   o.classes.data(), scratch.data(), scratch_size) == Status::kOk);
  std::vector<uint32_t> classes_only(images, 99);
  REQUIRE(softedge::infer_batch_u8(model, pixels.data(), images, nullptr, classes_only.data(),
                                   scratch.data(), scratch_size) == Status::kOk);
  CHECK(classes_only == o.classes);
  for (size_t i = scratch_size; i < scratch.size(); ++i) CHECK(scratch[i] == 0xCD);
  return o;
}

TEST_CASE("infer_batch_u8 in tiles equals one image at a time, on every set" *
          fixtures::needs_every_layer_mode()) {
  const size_t images = 37;  // two full tiles of 16 and a remainder
  const std::vector<uint8_t> pixels = fixtures::pixels(784 * images, 8);
  for (const NamedSpec& s : real_shapes()) {
    INFO("model " << s.name);
    fixtures::LoadedModel m(s.spec);
    REQUIRE(m.status == Status::kOk);
    const size_t one = softedge::scratch_bytes(m.model);
    const size_t tiles = softedge::batch_scratch_bytes(m.model, images);
    CHECK(tiles >= one);
    CHECK(softedge::batch_scratch_bytes(m.model, 1) == one);
    fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
      const Outputs expected = run_batch(m.model, pixels, images, one);
      // Full tiles, tiles of what fits a smaller buffer, and the buffer of the largest call.
      for (size_t size : {tiles, (one + tiles) / 2, softedge::batch_scratch_bytes(m.model, 5),
                          softedge::batch_scratch_bytes(m.model, 100000)}) {
        INFO("scratch " << size << " bytes");
        const Outputs got = run_batch(m.model, pixels, images, size);
        CHECK(got.classes == expected.classes);
        for (size_t i = 0; i < expected.probabilities.size(); ++i) {
          if (s.exact) {
            CHECK(got.probabilities[i] == expected.probabilities[i]);
          } else {
            CHECK(std::fabs(got.probabilities[i] - expected.probabilities[i]) <= 1e-5f);
          }
        }
      }
    });
  }
}

TEST_CASE("infer_batch_u8 with tile scratch checks its arguments" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_linear_spec(2));
  REQUIRE(m.status == Status::kOk);
  const size_t images = 20;
  std::vector<uint8_t> scratch(softedge::batch_scratch_bytes(m.model, images));
  std::vector<uint8_t> pixels = fixtures::pixels(784 * images, 4);
  std::vector<uint32_t> classes(images, 99);
  CHECK(softedge::infer_batch_u8(m.model, pixels.data(), images, nullptr, classes.data(),
                                 scratch.data(), softedge::scratch_bytes(m.model) - 1) ==
        Status::kScratchTooSmall);
  CHECK(softedge::infer_batch_u8(m.model, pixels.data(), 0, nullptr, nullptr, scratch.data(),
                                 scratch.size()) == Status::kOk);
  CHECK(softedge::infer_batch_u8(m.model, nullptr, images, nullptr, classes.data(),
                                 scratch.data(), scratch.size()) == Status::kNullArgument);
}

TEST_CASE("infer_batch_u8 in tiles stops at the first non-finite image, as one at a time" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec spec = fixtures::mnist_linear_spec(35);
  spec.input_scale = 1e38f;  // pixels 255: logits overflow to infinity
  fixtures::LoadedModel m(spec);
  REQUIRE(m.status == Status::kOk);
  const size_t images = 20;
  std::vector<uint8_t> pixels(784 * images, 0);
  std::fill(pixels.begin() + 784 * 17, pixels.begin() + 784 * 18, 255);  // image 17, 2nd tile
  std::vector<uint8_t> scratch(softedge::batch_scratch_bytes(m.model, images));
  fixtures::with_each_runnable_active([&](const softedge::KernelSet&) {
    for (bool with_probabilities : {true, false}) {
      INFO("probabilities " << with_probabilities);
      std::vector<float> p(10 * images, 0.5f);
      std::vector<uint32_t> classes(images, 7);
      CHECK(softedge::infer_batch_u8(m.model, pixels.data(), images,
                                     with_probabilities ? p.data() : nullptr, classes.data(),
                                     scratch.data(), scratch.size()) == Status::kNonFiniteLogits);
      softedge::Prediction zeros{};  // images 0..16: all pixels 0
      std::vector<float> single(10);
      REQUIRE(softedge::infer_u8(m.model, pixels.data(), 784, single.data(), 10, scratch.data(),
                                 scratch.size(), &zeros) == Status::kOk);
      for (size_t n = 0; n < 17; ++n) CHECK(classes[n] == zeros.top_class);
      CHECK(classes[17] == 0);
      CHECK(classes[18] == 7);  // not reached
      if (with_probabilities) {
        for (size_t c = 0; c < 10; ++c) CHECK(p[10 * 17 + c] == 0.0f);
        CHECK(p[10 * 18] == 0.5f);
      }
    }
  });
}

TEST_CASE("C API: softedge_batch_scratch_bytes equals the C++ call; the batch uses it" *
          fixtures::needs_every_layer_mode()) {
  fixtures::LoadedModel m(fixtures::mnist_int8_spec(5));
  REQUIRE(m.status == Status::kOk);
  softedge_model model;
  REQUIRE(softedge_load(m.bytes.data(), m.bytes.size(), &model) == SOFTEDGE_OK);
  CHECK(softedge_batch_scratch_bytes(&model, 40) == softedge::batch_scratch_bytes(m.model, 40));
  CHECK(softedge_batch_scratch_bytes(&model, 1) == softedge_scratch_bytes(&model));
  CHECK(softedge_batch_scratch_bytes(nullptr, 40) == 0);
  const size_t images = 21;
  const std::vector<uint8_t> pixels = fixtures::pixels(784 * images, 12);
  const Outputs expected = run_batch(m.model, pixels, images, softedge::scratch_bytes(m.model));
  std::vector<uint8_t> scratch(softedge_batch_scratch_bytes(&model, images));
  std::vector<float> probabilities(images * 10);
  std::vector<uint32_t> classes(images);
  REQUIRE(softedge_infer_batch_u8(&model, pixels.data(), images, probabilities.data(),
                                  classes.data(), scratch.data(), scratch.size()) == SOFTEDGE_OK);
  CHECK(probabilities == expected.probabilities);
  CHECK(classes == expected.classes);
}

}  // namespace
