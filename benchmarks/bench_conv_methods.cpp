// Float convolution, three ways, on the layers of the two CNN presets (28x28 inputs), once
// per kernel set: "LAYER/METHOD/KERNEL", ns per layer and image.
//   direct      what inference runs (runtime/src/conv2d.h): the weights transposed, then
//               conv_f32 reads each window where it lies in the NHWC input;
//   im2col      the same transposition and kernel, on im2col patches (runtime/src/im2col.h)
//               copied out row by row first: the cost of the copy;
//   im2col_dot  im2col rows through the dense kernels (a dot product per patch and channel,
//               with its horizontal sum): how convolutions ran before conv_f32.
// int8 (LAYER-int8), on the sets with a direct int8 kernel:
//   direct      conv_u8s8_i32 on the weights transposed in groups of 4 taps (VNNI, sdot),
//               reading the windows in place (input channels a multiple of 4) or in a
//               zero-padded copy of the image (the others);
//   im2col      im2col rows through the dense int8 batch kernel, as the other sets run it.
// Random weights and inputs: speed does not depend on the values.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../runtime/src/conv2d.h"  // internal to the runtime: the methods are timed directly
#include "../runtime/src/im2col.h"
#include "softedge/kernels.h"

namespace {

namespace fmt = softedge::format;

struct ConvShape {
  const char* name;
  fmt::Shape in;
  uint32_t kernel_size, padding, out_channels;
};

// softedge-train --arch cnn's two convolutions, then --preset d2l-lenet's.
const ConvShape kShapes[] = {
    {"conv-cnn-28x28x1-16k3", {28, 28, 1}, 3, 1, 16},
    {"conv-cnn-14x14x16-32k3", {14, 14, 16}, 3, 1, 32},
    {"conv-lenet-28x28x1-6k5", {28, 28, 1}, 5, 2, 6},
    {"conv-lenet-14x14x6-16k5", {14, 14, 6}, 5, 0, 16},
};

// 64-byte aligned floats, as in the scratch buffer.
class AlignedFloats {
 public:
  explicit AlignedFloats(size_t n) : storage_(n + 16, 0.0f) {}
  float* data() {
    const uintptr_t address = reinterpret_cast<uintptr_t>(storage_.data());
    return storage_.data() + (64 - address % 64) % 64 / sizeof(float);
  }

 private:
  std::vector<float> storage_;
};

struct ConvLayer {
  std::vector<float> weights, bias, input;
  softedge::Layer layer{};

  explicit ConvLayer(const ConvShape& s) {
    const uint32_t out = fmt::window_output_extent(s.in.height, s.kernel_size, 1, s.padding);
    layer.kind = fmt::LayerKind::kConv2d;
    layer.mode = fmt::LayerMode::kFloat32;
    layer.in_shape = s.in;
    layer.out_shape = {out, fmt::window_output_extent(s.in.width, s.kernel_size, 1, s.padding),
                       s.out_channels};
    layer.in_features = fmt::shape_size(layer.in_shape);
    layer.out_features = fmt::shape_size(layer.out_shape);
    layer.kernel_size = s.kernel_size;
    layer.stride = 1;
    layer.padding = s.padding;
    layer.rows = s.out_channels;
    layer.row_length = s.kernel_size * s.kernel_size * s.in.channels;
    uint32_t state = 12345;
    const auto next = [&state] {
      state = state * 1664525u + 1013904223u;
      return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
    };
    weights.resize(size_t{layer.rows} * layer.row_length);
    bias.resize(layer.rows);
    input.resize(layer.in_features);
    for (float& w : weights) w = next();
    for (float& b : bias) b = next();
    for (float& x : input) x = next();
    layer.weights = weights.data();
    layer.bias = bias.data();
    // The int8 twin: the same values scaled (only the speed matters here).
    for (float w : weights) weights_i8.push_back(static_cast<int8_t>(w * 250.0f));
    for (float b : bias) bias_i32.push_back(static_cast<int32_t>(b * 1000.0f));
    for (float x : input) pixels.push_back(static_cast<uint8_t>((x + 0.5f) * 255.0f));
    layer.weights_i8 = weights_i8.data();
    layer.bias_i32 = bias_i32.data();
  }
  std::vector<int8_t> weights_i8;
  std::vector<int32_t> bias_i32;
  std::vector<uint8_t> pixels;
};

enum class Method { kDirect, kIm2col, kIm2colDot };

void conv_layer(benchmark::State& state, const softedge::KernelSet* kernels, ConvShape shape,
                Method method) {
  ConvLayer conv(shape);
  const softedge::Layer& layer = conv.layer;
  const uint32_t pitch = softedge::conv_weight_pitch(layer.rows);
  AlignedFloats wt((size_t{layer.row_length} + 1) * pitch);
  AlignedFloats patches(size_t{layer.out_shape.width} * layer.row_length);
  std::vector<float> y(layer.out_features);
  const float* x = conv.input.data();
  for (auto _ : state) {
    if (method == Method::kIm2colDot) {
      for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
        softedge::detail::im2col_row(layer, x, oy, patches.data());
        kernels->dense_f32_batch(patches.data(), layer.row_length, layer.out_shape.width,
                                 layer.weights, layer.bias, layer.row_length, layer.rows,
                                 &y[size_t{oy} * layer.out_shape.width * layer.rows],
                                 layer.rows);
      }
    } else {
      softedge::detail::transpose_conv_weights(layer, wt.data());
      if (method == Method::kDirect) {
        softedge::detail::conv2d_f32(*kernels, layer, x, wt.data(), y.data());
      } else {
        const float* bias = wt.data() + size_t{layer.row_length} * pitch;
        for (uint32_t oy = 0; oy < layer.out_shape.height; ++oy) {
          softedge::detail::im2col_row(layer, x, oy, patches.data());
          softedge::ConvPixels p{};
          p.x = patches.data();
          p.pixel_stride = layer.row_length;
          p.count = layer.out_shape.width;
          p.runs = 1;
          p.run_length = layer.row_length;
          p.wt = wt.data();
          p.pitch = pitch;
          p.out_stride = layer.rows;
          kernels->conv_f32(p, bias, layer.rows,
                            &y[size_t{oy} * layer.out_shape.width * layer.rows]);
        }
      }
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void conv_layer_int8(benchmark::State& state, const softedge::KernelSet* kernels,
                     ConvShape shape, Method method) {
  ConvLayer conv(shape);
  const softedge::Layer& layer = conv.layer;
  std::vector<int8_t> storage(softedge::detail::conv_u8s8_bytes(layer) + 64);
  int8_t* lines = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::vector<uint8_t> patches(size_t{layer.out_shape.width} * layer.row_length);
  std::vector<int32_t> acc(layer.out_features);
  for (auto _ : state) {
    if (method == Method::kDirect) {
      softedge::detail::transpose_conv_weights_i8(layer, lines);
      softedge::detail::conv2d_u8s8_direct(*kernels, layer, conv.pixels.data(), lines,
                                           acc.data());
    } else {
      softedge::detail::conv2d_u8s8(*kernels, layer, conv.pixels.data(), patches.data(),
                                    acc.data());
    }
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  const struct {
    const char* name;
    Method method;
  } methods[] = {{"direct", Method::kDirect},
                 {"im2col", Method::kIm2col},
                 {"im2col_dot", Method::kIm2colDot}};
  for (const ConvShape& shape : kShapes) {
    for (size_t k = 0; k < softedge::kernel_count(); ++k) {
      const softedge::KernelSet& kernels = softedge::kernel_at(k);
      if (!softedge::kernel_runnable(kernels) || kernels.conv_f32 == nullptr) continue;
      for (const auto& m : methods) {
        if (m.method == Method::kIm2colDot && kernels.dense_f32_batch == nullptr) continue;
        benchmark::RegisterBenchmark(
            (std::string(shape.name) + "/" + m.name + "/" + kernels.name).c_str(), conv_layer,
            &kernels, shape, m.method);
      }
      if (kernels.conv_u8s8_i32 == nullptr) continue;
      for (Method method : {Method::kDirect, Method::kIm2col}) {
        benchmark::RegisterBenchmark((std::string(shape.name) + "-int8/" +
                                      (method == Method::kDirect ? "direct/" : "im2col/") +
                                      kernels.name)
                                         .c_str(),
                                     conv_layer_int8, &kernels, shape, method);
      }
    }
  }
  return true;
}();

}  // namespace
