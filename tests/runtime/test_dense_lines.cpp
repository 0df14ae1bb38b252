// Dense layers of a large batch on lines (runtime/src/dense_lines.h): every direct int8
// kernel, given a dense layer's transposed lines and an output stride, gives the dense
// kernel's bits per image; infer_batch_u8 (x86 builds) writes the lines of the layers that use
// them where the set runs them, and gives the bits of one image at a time, with them and with a
// scratch too small for them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../../runtime/src/scratch_layout.h"  // internal to the runtime: tested here directly
#include "kernel_fixtures.h"
#include "layer_mode_skip.h"
#include "model_fixtures.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"

namespace host = softedge::host;
namespace fmt = softedge::format;
using softedge::Status;

#if SOFTEDGE_INT8_CONV || SOFTEDGE_FLOAT_CONV
namespace {

const softedge::KernelSet& scalar() { return softedge::kernel_at(0); }

// A dense layer's view of a spec's weights, as the loader would give it (float or int8).
softedge::Layer dense_view(const host::DenseLayerSpec& spec, fmt::LayerMode mode) {
  softedge::Layer layer{};
  layer.kind = fmt::LayerKind::kDense;
  layer.mode = mode;
  layer.in_features = layer.row_length = spec.in_features;
  layer.out_features = layer.rows = spec.out_features;
  layer.weights = spec.weights.data();
  layer.bias = spec.bias.data();
  layer.weights_i8 = spec.weights_i8.data();
  layer.bias_i32 = spec.bias_i32.data();
  return layer;
}

// `bytes` bytes from the first 64-byte boundary of a buffer it owns.
class AlignedBytes {
 public:
  explicit AlignedBytes(size_t bytes) : storage_(bytes + 63, 0) {}
  uint8_t* data() {
    const uintptr_t address = reinterpret_cast<uintptr_t>(storage_.data());
    return storage_.data() + (64 - address % 64) % 64;
  }

 private:
  std::vector<uint8_t> storage_;
};

}  // namespace
#endif

#if SOFTEDGE_INT8_CONV
namespace {

// An int8 dense layer with reproducible weights and biases: uint8 outputs (ReLU, requantized
// by 2^-shift and a multiplier in [0.5, 1)) or, with shift < 0, float outputs.
host::DenseLayerSpec int8_layer(uint32_t in, uint32_t out, uint32_t seed, int32_t shift) {
  host::DenseLayerSpec layer;
  layer.in_features = in;
  layer.out_features = out;
  layer.weight_type = fmt::DType::kInt8;
  fixtures::Values values(seed);
  for (uint32_t i = 0; i < in * out; ++i) {
    layer.weights_i8.push_back(static_cast<int8_t>(values.next() * 127.9f));
  }
  for (uint32_t o = 0; o < out; ++o) {
    layer.bias_i32.push_back(static_cast<int32_t>(values.next() * 20000.0f));
    if (shift < 0) {
      layer.scales.push_back(1e-5f * (1.0f + 0.1f * static_cast<float>(o)));
      continue;
    }
    layer.activation = fmt::Activation::kRelu;
    layer.output_scale = 0.05f;
    layer.requant.push_back((1 << 30) + static_cast<int32_t>((values.next() + 1.0f) * 5e8f));
    layer.requant.push_back(shift);
  }
  return layer;
}

}  // namespace

TEST_CASE("every direct int8 kernel runs a dense layer on its lines: the dense kernel's bits") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    if (kernels.conv_u8s8_i32 == nullptr) {
      MESSAGE("kernel set " << std::string(kernels.name) << ": no direct int8 kernel");
      return;
    }
    INFO("kernel " << std::string(kernels.name));
    uint32_t seed = 1;
    for (uint32_t in : {4u, 64u, 132u, 784u}) {
      for (uint32_t out : {1u, 15u, 16u, 17u, 32u, 33u, 48u, 50u}) {
        for (uint32_t count : {1u, 3u, 8u, 9u, 16u}) {
          INFO("in " << in << " out " << out << " count " << count);
          const host::DenseLayerSpec spec = int8_layer(in, out, seed++, 10);
          const softedge::Layer layer = dense_view(spec, fmt::LayerMode::kInt8Uint8Output);
          AlignedBytes lines(softedge::detail::conv_u8s8_lines_bytes(layer));
          int8_t* lines_i8 = reinterpret_cast<int8_t*>(lines.data());
          softedge::detail::transpose_conv_weights_i8(layer, lines_i8);
          const std::vector<uint8_t> x = fixtures::pixels(size_t{in + 5} * count, seed++);
          // A gap after each image's outputs: untouched.
          const softedge::ConvPixelsU8 p = softedge::detail::dense_windows(
              x.data(), in + 5, count, static_cast<const int8_t*>(lines_i8), in, out, out + 3);
          const int32_t* bias =
              reinterpret_cast<const int32_t*>(lines.data() + size_t{in} * p.pitch);
          std::vector<int32_t> got(p.out_stride * count, 0x5A5A5A5A);
          kernels.conv_u8s8_i32(p, bias, out, got.data());
          for (uint32_t n = 0; n < count; ++n) {
            std::vector<int32_t> expected(out);
            scalar().dense_u8s8_i32(x.data() + n * p.pixel_stride, layer.weights_i8,
                                    layer.bias_i32, in, out, expected.data());
            for (uint32_t o = 0; o < out; ++o) CHECK(got[n * p.out_stride + o] == expected[o]);
            for (uint32_t o = out; o < p.out_stride; ++o) {
              CHECK(got[n * p.out_stride + o] == 0x5A5A5A5A);
            }
          }
        }
      }
    }
  });
}
#endif

#if SOFTEDGE_FLOAT_CONV
TEST_CASE("every direct float kernel runs a dense layer on its lines, within rounding") {
  fixtures::for_each_runnable([](const softedge::KernelSet& kernels) {
    INFO("kernel " << std::string(kernels.name));
    const bool has_kernel = kernels.conv_f32 != nullptr;
    REQUIRE(has_kernel);
    uint32_t seed = 300;
    for (uint32_t in : {1u, 7u, 64u, 257u}) {
      for (uint32_t out : {1u, 16u, 17u, 33u, 64u, 70u}) {
        for (uint32_t count : {1u, 4u, 5u, 6u, 15u}) {
          INFO("in " << in << " out " << out << " count " << count);
          const host::DenseLayerSpec spec = fixtures::dense_layer(in, out, seed++, 0.5f);
          const softedge::Layer layer = dense_view(spec, fmt::LayerMode::kFloat32);
          AlignedBytes lines(softedge::detail::conv_f32_lines_floats(layer) * sizeof(float));
          float* wt = reinterpret_cast<float*>(lines.data());
          softedge::detail::transpose_conv_weights(layer, wt);
          fixtures::Values values(seed++);
          std::vector<float> x(size_t{in + 3} * count);
          for (float& v : x) v = values.next();
          // A gap after each image's outputs: untouched.
          const softedge::ConvPixels p = softedge::detail::dense_windows(
              static_cast<const float*>(x.data()), in + 3, count, static_cast<const float*>(wt),
              in, out, out + 3);
          std::vector<float> got(p.out_stride * count, -7.0f);
          kernels.conv_f32(p, wt + size_t{in} * p.pitch, out, got.data());
          for (uint32_t n = 0; n < count; ++n) {
            const float* xn = x.data() + n * p.pixel_stride;
            std::vector<float> expected(out);
            scalar().dense_f32(xn, layer.weights, layer.bias, in, out, expected.data());
            for (uint32_t o = 0; o < out; ++o) {
              float magnitude = std::fabs(layer.bias[o]);
              for (uint32_t i = 0; i < in; ++i) {
                magnitude += std::fabs(layer.weights[size_t{o} * in + i] * xn[i]);
              }
              CHECK(std::fabs(got[n * p.out_stride + o] - expected[o]) <= 1e-6f * magnitude);
            }
            for (uint32_t o = out; o < p.out_stride; ++o) {
              CHECK(got[n * p.out_stride + o] == -7.0f);
            }
          }
        }
      }
    }
  });
}
#endif

#if SOFTEDGE_DENSE_LINES
namespace {

// 784 -> 48 -> 30 (both on lines) -> 18 (30 inputs: not whole groups of 4) -> 10 (fewer than
// 16 outputs), int8 throughout, the last with float outputs.
host::ModelSpec int8_spec() {
  host::ModelSpec spec = fixtures::mnist_linear_spec();
  spec.layers = {int8_layer(784, 48, 41, 12), int8_layer(48, 30, 42, 10),
                 int8_layer(30, 18, 43, 9), int8_layer(18, 10, 44, -1)};
  return spec;
}

// 784 -> 40 -> 17 (both on lines; inputs need not come in groups of 4) -> 10, float.
host::ModelSpec float_spec() {
  host::ModelSpec spec = fixtures::mnist_linear_spec();
  spec.layers = {fixtures::dense_layer(784, 40, 51, 0.1f, fmt::Activation::kRelu),
                 fixtures::dense_layer(40, 17, 52, 0.3f, fmt::Activation::kRelu),
                 fixtures::dense_layer(17, 10, 53, 0.3f)};
  return spec;
}

// Whether layer l of these models runs on lines on `kernels` (null: some set).
bool expect_lines(const softedge::Layer& layer, const softedge::KernelSet* kernels) {
  const bool float_layer = layer.mode == fmt::LayerMode::kFloat32;
  const bool shape = layer.out_features >= 16 && (float_layer || layer.in_features % 4 == 0);
  if (kernels == nullptr) return shape;
  return shape && (float_layer ? kernels->dense_f32_batch != nullptr
                               : kernels->dense_u8s8_i32_batch != nullptr &&
                                     kernels->conv_u8s8_i32 != nullptr);
}

}  // namespace

TEST_CASE("the dense lines part holds the lines of the layers that use them, in order" *
          fixtures::needs_every_layer_mode()) {
  for (const host::ModelSpec& spec : {int8_spec(), float_spec()}) {
    fixtures::LoadedModel f(spec);
    REQUIRE(f.status == Status::kOk);
    const softedge::Model& m = f.model;
    fixtures::for_each_runnable([&](const softedge::KernelSet& kernels) {
      INFO("kernel " << std::string(kernels.name) << ", layers " << m.layer_count);
      const uint8_t* part = reinterpret_cast<const uint8_t*>(uintptr_t{4096});
      size_t bytes = 0;
      for (uint32_t l = 0; l < m.layer_count; ++l) {
        INFO("layer " << l);
        const softedge::Layer& layer = m.layers[l];
        CHECK(softedge::detail::uses_dense_lines(layer, &kernels) == expect_lines(layer, &kernels));
        const void* at = softedge::detail::dense_lines_of(m, l, part, kernels);
        if (!expect_lines(layer, &kernels)) {
          CHECK(at == nullptr);
          continue;
        }
        CHECK(at == part + bytes);
        // Float: in_features lines of pitch floats and the bias line; int8: in_features / 4
        // groups of 4 * pitch bytes, then pitch int32.
        const size_t pitch = softedge::conv_weight_pitch(layer.out_features);
        const size_t lines = layer.mode == fmt::LayerMode::kFloat32
                                 ? (size_t{layer.in_features} + 1) * pitch * 4
                                 : (size_t{layer.in_features} + 4) * pitch;
        bytes += (lines + 63) / 64 * 64;
        CHECK(softedge::detail::dense_lines_of(m, l, nullptr, kernels) == nullptr);
      }
      CHECK(softedge::detail::dense_lines_bytes(m, &kernels) == bytes);
    });
    // The scratch a caller asks for holds the lines of any set, once per call, and only for
    // a call with enough images.
    size_t most = 0;
    for (uint32_t l = 0; l < m.layer_count; ++l) {
      if (expect_lines(m.layers[l], nullptr)) {
        most += softedge::detail::dense_lines_layer_bytes(m.layers[l]);
      }
    }
    CHECK(softedge::detail::dense_lines_bytes(m, nullptr) == most);
    const size_t many = softedge::detail::kDenseLinesMinImages;
    const size_t fewer = softedge::batch_scratch_bytes(m, many - 1);
    CHECK(fewer == softedge::batch_scratch_bytes(m, 16));
    // Float lines run in tiles of 15 (the direct float kernel's 3 blocks of 5 images).
    const uint32_t tile = m.layers[0].mode == fmt::LayerMode::kFloat32 ? 15 : 16;
    const size_t with_lines = softedge::detail::scratch_bytes_for(softedge::detail::scratch_layout(
        m, tile, softedge::detail::conv_part_bytes(m), most));
    CHECK(softedge::batch_scratch_bytes(m, many) == with_lines);
    CHECK(softedge::batch_scratch_bytes(m, 100000) == with_lines);
  }
}

TEST_CASE("infer_batch_u8 on dense lines equals one image at a time, on every set" *
          fixtures::needs_every_layer_mode()) {
  host::ModelSpec with_table = int8_spec();
  with_table.input_lut.resize(256);
  for (int p = 0; p < 256; ++p) with_table.input_lut[p] = static_cast<uint8_t>(255 - p);
  const size_t images = softedge::detail::kDenseLinesMinImages + 21;  // and a partial tile
  const std::vector<uint8_t> pixels = fixtures::pixels(784 * images, 17);
  for (const host::ModelSpec& spec : {int8_spec(), with_table, float_spec()}) {
    fixtures::LoadedModel f(spec);
    REQUIRE(f.status == Status::kOk);
    const softedge::Model& m = f.model;
    const bool exact = m.layers[0].mode != fmt::LayerMode::kFloat32;
    INFO("int8 " << exact << ", table " << !spec.input_lut.empty());
    const size_t with_lines = softedge::batch_scratch_bytes(m, images);
    const size_t without = softedge::batch_scratch_bytes(m, 16);
    REQUIRE(with_lines > without);
    // Layer 0's lines, as the part's first.
    const softedge::Layer& first = m.layers[0];
    AlignedBytes expected_lines(softedge::detail::dense_lines_layer_bytes(first));
    const size_t first_bytes = exact ? softedge::detail::conv_u8s8_lines_bytes(first)
                                     : softedge::detail::conv_f32_lines_floats(first) * 4;
    if (exact) {
      softedge::detail::transpose_conv_weights_i8(
          first, reinterpret_cast<int8_t*>(expected_lines.data()));
    } else {
      softedge::detail::transpose_conv_weights(first,
                                               reinterpret_cast<float*>(expected_lines.data()));
    }
    fixtures::with_each_runnable_active([&](const softedge::KernelSet& kernels) {
      std::vector<float> expected(images * 10);
      std::vector<uint32_t> expected_classes(images);
      std::vector<uint8_t> one(softedge::scratch_bytes(m));
      REQUIRE(softedge::infer_batch_u8(m, pixels.data(), images, expected.data(),
                                       expected_classes.data(), one.data(),
                                       one.size()) == Status::kOk);
      for (size_t size : {with_lines, without}) {
        INFO("scratch " << size << " bytes");
        AlignedBytes scratch(size + 64);
        uint8_t* base = scratch.data();  // 64-byte aligned: the layout starts here
        std::fill(base, base + size + 64, uint8_t{0xCD});
        std::vector<float> got(images * 10, -1.0f);
        std::vector<uint32_t> classes(images, 99);
        REQUIRE(softedge::infer_batch_u8(m, pixels.data(), images, got.data(), classes.data(),
                                         base, size) == Status::kOk);
        if (exact) {
          CHECK(got == expected);  // int8 logits: the same bits
          CHECK(classes == expected_classes);
        } else {
          for (size_t i = 0; i < got.size(); ++i) CHECK(std::fabs(got[i] - expected[i]) <= 1e-5f);
        }
        for (size_t i = size; i < size + 64; ++i) CHECK(base[i] == 0xCD);
        // The part ends the layout (size - 63 bytes from base); layer 0's lines start it if
        // this set runs them. Else an int8 model's tiles leave it as it was (a float model's
        // tiles without lines are of 16 images, not 15: they may reach into it).
        if (size == with_lines) {
          const size_t lines_bytes = softedge::detail::dense_lines_bytes(m, nullptr);
          const uint8_t* part = base + size - 63 - lines_bytes;
          if (softedge::detail::uses_dense_lines(first, &kernels)) {
            CHECK(std::equal(part, part + first_bytes, expected_lines.data()));
          } else if (exact) {
            CHECK(std::all_of(part, part + first_bytes, [](uint8_t b) { return b == 0xCD; }));
          }
        }
      }
    });
  }
}
#endif
