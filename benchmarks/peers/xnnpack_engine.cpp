// XNNPACK (Debian's 2022 snapshot): one operator per layer, created once (weights packed)
// for one image and once for all images; a call sets up the first operator on its images and
// runs the chain. No thread pool: one thread.
//
// float32 models: fully-connected f32 operators (ReLU as the output clamp).
// int8 models: this XNNPACK has per-output weight scales (the model's: "qc8") only in its
// convolution, and a 1x1 convolution on 1x1 images is this fully-connected layer on the same
// GEMM kernels. Its activations are signed: the pixels enter as pixel - 128 with zero point
// -128 (the same values), hidden layers write q - 128 with the model's multipliers (zero
// point -128, the clamp is the ReLU), and the last layer writes int8 logits (XNNPACK has no
// wider output here) over a range calibrated with int8_reference, dequantized before the
// softmax.
#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "engine_registry.h"
#include "int8_reference.h"
#include "peer_softmax.h"

namespace peers {
namespace {

using softedge::format::LayerMode;

void check(xnn_status status, const char* what) {
  if (status != xnn_status_success) {
    throw std::runtime_error(std::string("XNNPACK: ") + what + " failed (status " +
                             std::to_string(static_cast<int>(status)) + ")");
  }
}

// How the last int8 layer's int8 outputs map to logits: logit = (q - zero_point) * scale.
struct OutputQuantization {
  float scale = 1;
  int8_t zero_point = 0;
};

// 256 levels spent where the softmax needs them: from the largest logit down to 16 below the
// smallest top logit of an image. A logit clamped there is at least 16 below its image's top
// (relative probability < 1e-6 either way); the finer steps keep the top class.
constexpr float kSoftmaxDepth = 16;

OutputQuantization quantization_of(LogitRange range) {
  // 0 stays inside: the zero point must be an int8 value.
  const float lowest = std::min(0.0f, std::max(range.lowest, range.lowest_top - kSoftmaxDepth));
  OutputQuantization q;
  q.scale = (range.highest - lowest) / 255.0f;
  if (!(q.scale > 0)) q.scale = 1;
  q.zero_point = static_cast<int8_t>(std::lround(-lowest / q.scale) - 128);
  return q;
}

// A buffer XNNPACK reads: it may read XNN_EXTRA_BYTES past the end of its input.
std::vector<uint8_t> padded_buffer(size_t bytes) {
  return std::vector<uint8_t>(bytes + XNN_EXTRA_BYTES);
}

// A model's layers as operators for a fixed number of images; outputs in owned buffers.
class Chain {
 public:
  Chain(const LoadedModel& loaded, size_t images, OutputQuantization output)
      : images_(images), int8_(loaded.first_layer_int8()) {
    const softedge::Model& model = loaded.model;
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      const softedge::DenseLayer& layer = model.layers[l];
      operators_.push_back(int8_ ? create_qc8(layer, l + 1 == model.layer_count, output)
                                 : create_f32(layer));
      const size_t value_bytes = int8_ ? sizeof(int8_t) : sizeof(float);
      outputs_.push_back(padded_buffer(images * layer.out_features * value_bytes));
    }
    for (size_t l = 1; l < operators_.size(); ++l) setup(l, outputs_[l - 1].data());
  }
  ~Chain() {
    for (xnn_operator_t op : operators_) xnn_delete_operator(op);
  }
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  void run(const void* input) {
    setup(0, input);
    for (xnn_operator_t op : operators_) check(xnn_run_operator(op, nullptr), "run");
  }

  // The last layer's output: float logits, or int8 logits (int8 models).
  const void* output() const { return outputs_.back().data(); }

 private:
  static xnn_operator_t create_f32(const softedge::DenseLayer& layer) {
    const bool relu = layer.activation == softedge::format::Activation::kRelu;
    xnn_operator_t op = nullptr;
    check(xnn_create_fully_connected_nc_f32(
              layer.in_features, layer.out_features, layer.in_features, layer.out_features,
              layer.weights, layer.bias, relu ? 0.0f : -std::numeric_limits<float>::infinity(),
              std::numeric_limits<float>::infinity(), 0, &op),
          "xnn_create_fully_connected_nc_f32");
    return op;
  }

  // Input scale 1: the model folds every scale into its per-output ones.
  static xnn_operator_t create_qc8(const softedge::DenseLayer& layer, bool last,
                                   OutputQuantization output) {
    std::vector<float> kernel_scales(layer.out_features);
    for (uint32_t o = 0; o < layer.out_features; ++o) {
      kernel_scales[o] = last ? layer.scales[o] : requantization_multiplier(layer, o);
    }
    const float output_scale = last ? output.scale : 1.0f;
    const int8_t output_zero_point = last ? output.zero_point : -128;
    xnn_operator_t op = nullptr;
    check(xnn_create_convolution2d_nhwc_qc8(
              0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, layer.in_features, layer.out_features,
              layer.in_features, layer.out_features, -128, 1.0f, kernel_scales.data(),
              layer.weights_i8, layer.bias_i32, output_zero_point, output_scale, -128, 127, 0,
              &op),
          "xnn_create_convolution2d_nhwc_qc8");
    return op;
  }

  void setup(size_t l, const void* input) {
    if (int8_) {
      check(xnn_setup_convolution2d_nhwc_qc8(operators_[l], images_, 1, 1,
                                             static_cast<const int8_t*>(input),
                                             reinterpret_cast<int8_t*>(outputs_[l].data()),
                                             nullptr),
            "xnn_setup_convolution2d_nhwc_qc8");
    } else {
      check(xnn_setup_fully_connected_nc_f32(operators_[l], images_,
                                             static_cast<const float*>(input),
                                             reinterpret_cast<float*>(outputs_[l].data()),
                                             nullptr),
            "xnn_setup_fully_connected_nc_f32");
    }
  }

  size_t images_;
  bool int8_;
  std::vector<xnn_operator_t> operators_;
  std::vector<std::vector<uint8_t>> outputs_;  // float or int8 values (malloc-aligned)
};

class XnnpackEngine : public Engine {
 public:
  XnnpackEngine(const LoadedModel& loaded, OutputQuantization output)
      : loaded_(loaded),
        output_(output),
        signed_pixels_(signed_pixels(loaded)),
        one_(loaded, 1, output),
        all_(loaded, loaded.image_count(), output),
        logits_(static_cast<size_t>(loaded.image_count()) * loaded.model.num_classes) {}

  const char* name() const override { return "xnnpack"; }
  std::string implementation() const override {
    return loaded_.first_layer_int8() ? "XNNPACK convolution2d_nhwc_qc8 (1x1)"
                                      : "XNNPACK fully_connected_nc_f32";
  }

  uint32_t infer_one(size_t index, float* probabilities) override {
    one_.run(input(index));
    return softmax(logits(one_, 1), loaded_.model.num_classes, probabilities);
  }

  void infer_all(float* probabilities, uint32_t* top_classes) override {
    all_.run(input(0));
    softmax_rows(logits(all_, loaded_.image_count()), loaded_.image_count(),
                 loaded_.model.num_classes, probabilities, top_classes);
  }

 private:
  // XNNPACK's int8 input: pixel - 128 (zero point -128), made once before timing.
  static std::vector<uint8_t> signed_pixels(const LoadedModel& loaded) {
    if (!loaded.first_layer_int8()) return {};
    std::vector<uint8_t> values = padded_buffer(loaded.pixels.size());
    for (size_t i = 0; i < loaded.pixels.size(); ++i) values[i] = loaded.pixels[i] ^ 0x80;
    return values;
  }

  const void* input(size_t index) const {
    const size_t offset = index * loaded_.model.input_size;
    if (!signed_pixels_.empty()) return &signed_pixels_[offset];
    return &loaded_.features[offset];
  }

  // Float logits of `images` images: the chain's own, or its int8 ones dequantized.
  const float* logits(const Chain& chain, size_t images) {
    if (!loaded_.first_layer_int8()) return static_cast<const float*>(chain.output());
    const int8_t* q = static_cast<const int8_t*>(chain.output());
    const size_t n = images * loaded_.model.num_classes;
    for (size_t i = 0; i < n; ++i) logits_[i] = (q[i] - output_.zero_point) * output_.scale;
    return logits_.data();
  }

  const LoadedModel& loaded_;
  OutputQuantization output_;
  std::vector<uint8_t> signed_pixels_;  // int8 bits
  Chain one_;
  Chain all_;
  std::vector<float> logits_;
};

}  // namespace

std::unique_ptr<Engine> make_xnnpack_engine(const LoadedModel& model, std::string* why_not) {
  static const xnn_status initialized = xnn_initialize(nullptr);
  check(initialized, "xnn_initialize");
  if (!model.dense_only()) {
    *why_not = "dense layers only here (this harness builds no XNNPACK convolutions)";
    return nullptr;
  }
  OutputQuantization output;
  if (model.has_int8_layer()) {
    if (!all_int8(model.model)) {
      *why_not = "int8 models whose layers are all int8 only";
      return nullptr;
    }
    output = quantization_of(int8_logit_range(model));
  }
  return std::make_unique<XnnpackEngine>(model, output);
}

}  // namespace peers
