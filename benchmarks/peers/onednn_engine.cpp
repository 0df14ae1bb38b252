// oneDNN 2.6: one primitive per layer (inner product, convolution, max or average pooling),
// created once for one image and once for all images, weights reordered once into the layout
// each primitive asks for; between convolutions and pools oneDNN picks its own activation
// layout (blocked channels), the first one reads the NHWC images as they are. Every call
// only points the first layer at its images and executes: what a deployment that keeps its
// primitives pays. int8 layers use the model's own operands: uint8 sources (zero point 0),
// its int8 weights and int32 biases, its per-output scales as output scales (u8s8, VNNI
// here); a hidden int8 layer writes uint8 (its requantization multipliers as scales,
// saturation as the ReLU).
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "engine_registry.h"
#include "peer_softmax.h"

namespace peers {
namespace {

using dnnl::memory;
using softedge::format::LayerMode;

// A model's layers as primitives for a fixed number of images.
class Chain {
 public:
  Chain(const LoadedModel& loaded, const dnnl::engine& engine, memory::dim images, void* input) {
    const softedge::Model& model = loaded.model;
    memory::data_type source_type =
        loaded.first_layer_int8() ? memory::data_type::u8 : memory::data_type::f32;
    const softedge::Layer& first = model.layers[0];
    // NHWC images for a first convolution or pool; flat vectors for a first dense layer.
    const memory::desc input_desc =
        first.kind == softedge::format::LayerKind::kDense
            ? memory::desc({images, model.input_size}, source_type, memory::format_tag::nc)
            : memory::desc({images, model.input_channels, model.input_height, model.input_width},
                           source_type, memory::format_tag::nhwc);
    memory source(input_desc, engine, input);
    input_ = source;
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      const softedge::Layer& layer = model.layers[l];
      switch (layer.kind) {
        case softedge::format::LayerKind::kDense:
          source = add_dense(layer, engine, images, source);
          break;
        case softedge::format::LayerKind::kConv2d:
          source = add_convolution(layer, engine, images, source);
          break;
        case softedge::format::LayerKind::kMaxPool:
        case softedge::format::LayerKind::kAvgPool:
          source = add_pooling(layer, engine, images, source);
          break;
      }
    }
    logits_ = source;
  }

  void run(dnnl::stream& stream, void* input) {
    input_.set_data_handle(input);
    for (size_t i = 0; i < primitives_.size(); ++i) primitives_[i].execute(stream, arguments_[i]);
    stream.wait();
  }

  const float* logits() const { return static_cast<const float*>(logits_.get_data_handle()); }
  const std::string& implementation() const { return implementation_; }

 private:
  memory add_dense(const softedge::Layer& layer, const dnnl::engine& engine,
                   memory::dim images, const memory& source) {
    using dt = memory::data_type;
    using tag = memory::format_tag;
    const bool int8 = softedge::format::is_int8(layer.mode);
    const memory::dim in = layer.in_features, out = layer.out_features;
    const dt output_type = layer.mode == LayerMode::kInt8Uint8Output ? dt::u8 : dt::f32;
    const memory::desc output_desc({images, out}, output_type, tag::nc);
    const memory::desc bias_desc({out}, int8 ? dt::s32 : dt::f32, tag::x);
    // After a convolution or pool the source is 4-D: the weights are {out, C, H, W}, stored
    // as the file has them (rows over the NHWC input flattened: ohwi).
    const memory::dims source_dims = source.get_desc().dims();
    const bool spatial = source_dims.size() == 4;
    const memory::dims weight_dims =
        spatial ? memory::dims{out, source_dims[1], source_dims[2], source_dims[3]}
                : memory::dims{out, in};
    const memory::desc user_weights_desc(weight_dims, int8 ? dt::s8 : dt::f32,
                                         spatial ? tag::ohwi : tag::oi);

    const dnnl::inner_product_forward::desc desc(
        dnnl::prop_kind::forward_inference, source.get_desc(),
        memory::desc(weight_dims, user_weights_desc.data_type(), tag::any), bias_desc,
        output_desc);
    const dnnl::inner_product_forward::primitive_desc primitive_desc(
        desc, layer_attributes(layer, output_type), engine);
    return add_weighted(dnnl::inner_product_forward(primitive_desc), primitive_desc, layer,
                        engine, source, user_weights_desc, bias_desc);
  }

  memory add_convolution(const softedge::Layer& layer, const dnnl::engine& engine,
                         memory::dim images, const memory& source) {
    using dt = memory::data_type;
    using tag = memory::format_tag;
    const bool int8 = softedge::format::is_int8(layer.mode);
    const dt output_type = layer.mode == LayerMode::kInt8Uint8Output ? dt::u8 : dt::f32;
    const memory::dim out = layer.out_shape.channels, in = layer.in_shape.channels;
    const memory::dim k = layer.kernel_size;
    const memory::desc user_weights_desc({out, in, k, k}, int8 ? dt::s8 : dt::f32, tag::ohwi);
    const memory::desc bias_desc({out}, int8 ? dt::s32 : dt::f32, tag::x);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        source.get_desc(), memory::desc({out, in, k, k}, user_weights_desc.data_type(), tag::any),
        bias_desc, destination_desc(layer, images, output_type), strides(layer),
        padding_before(layer), padding_after(layer));
    const dnnl::convolution_forward::primitive_desc primitive_desc(
        desc, layer_attributes(layer, output_type), engine);
    return add_weighted(dnnl::convolution_forward(primitive_desc), primitive_desc, layer, engine,
                        source, user_weights_desc, bias_desc);
  }

  memory add_pooling(const softedge::Layer& layer, const dnnl::engine& engine,
                     memory::dim images, const memory& source) {
    const bool max = layer.kind == softedge::format::LayerKind::kMaxPool;
    const memory::dim k = layer.kernel_size;
    const dnnl::pooling_forward::desc desc(
        dnnl::prop_kind::forward_inference,
        max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding,
        source.get_desc(), destination_desc(layer, images, source.get_desc().data_type()),
        strides(layer), {k, k}, padding_before(layer), padding_after(layer));
    const dnnl::pooling_forward::primitive_desc primitive_desc(desc, engine);
    const memory destination(primitive_desc.dst_desc(), engine);  // owned by oneDNN
    primitives_.push_back(dnnl::pooling_forward(primitive_desc));
    arguments_.push_back({{DNNL_ARG_SRC, source}, {DNNL_ARG_DST, destination}});
    note(primitive_desc.impl_info_str());
    return destination;
  }

  // A convolution's or pool's output, in the layout oneDNN prefers.
  static memory::desc destination_desc(const softedge::Layer& layer, memory::dim images,
                                       memory::data_type type) {
    return memory::desc({images, layer.out_shape.channels, layer.out_shape.height,
                         layer.out_shape.width},
                        type, memory::format_tag::any);
  }
  static memory::dims strides(const softedge::Layer& layer) {
    return {layer.stride, layer.stride};
  }
  static memory::dims padding_before(const softedge::Layer& layer) {
    return {layer.padding, layer.padding};
  }
  // The padding after that gives softedge's output extent (which rounds down, as oneDNN's
  // shape check does not): (out - 1) * stride + k - in - padding.
  static memory::dims padding_after(const softedge::Layer& layer) {
    const auto after = [&](uint32_t in, uint32_t out) -> memory::dim {
      return static_cast<memory::dim>(out - 1) * layer.stride + layer.kernel_size - in -
             layer.padding;
    };
    return {after(layer.in_shape.height, layer.out_shape.height),
            after(layer.in_shape.width, layer.out_shape.width)};
  }

  // int8: the model's per-output-channel scales (float outputs) or requantization multipliers
  // (uint8 outputs, whose saturation is the ReLU); float: the activation as a post-op.
  static dnnl::primitive_attr layer_attributes(const softedge::Layer& layer,
                                               memory::data_type output_type) {
    dnnl::primitive_attr attributes;
    if (softedge::format::is_int8(layer.mode)) {
      std::vector<float> scales(layer.rows);
      for (uint32_t o = 0; o < layer.rows; ++o) {
        scales[o] = layer.mode == LayerMode::kInt8Uint8Output ? requantization_multiplier(layer, o)
                                                             : layer.scales[o];
      }
      attributes.set_output_scales(1 << 1, scales);  // one scale per output channel
    }
    if (output_type == memory::data_type::f32 &&
        layer.activation != softedge::format::Activation::kNone) {
      dnnl::post_ops activation;
      activation.append_eltwise(1.0f,
                                layer.activation == softedge::format::Activation::kRelu
                                    ? dnnl::algorithm::eltwise_relu
                                    : dnnl::algorithm::eltwise_logistic,
                                0.0f, 0.0f);
      attributes.set_post_ops(activation);
    }
    return attributes;
  }

  // A layer with weights: its weights reordered once into the primitive's layout, its bias,
  // and a destination oneDNN owns.
  template <typename Primitive, typename PrimitiveDesc>
  memory add_weighted(Primitive primitive, const PrimitiveDesc& primitive_desc,
                      const softedge::Layer& layer, const dnnl::engine& engine,
                      const memory& source, const memory::desc& user_weights_desc,
                      const memory::desc& bias_desc) {
    const bool int8 = softedge::format::is_int8(layer.mode);
    void* weights = int8 ? const_cast<int8_t*>(layer.weights_i8)
                         : static_cast<void*>(const_cast<float*>(layer.weights));
    memory user_weights(user_weights_desc, engine, weights);
    memory packed_weights = user_weights;
    if (primitive_desc.weights_desc() != user_weights_desc) {
      packed_weights = memory(primitive_desc.weights_desc(), engine);
      dnnl::stream stream(engine);
      dnnl::reorder(user_weights, packed_weights).execute(stream, user_weights, packed_weights);
      stream.wait();
    }
    void* bias = int8 ? const_cast<int32_t*>(layer.bias_i32)
                      : static_cast<void*>(const_cast<float*>(layer.bias));
    const memory destination(primitive_desc.dst_desc(), engine);  // owned by oneDNN
    primitives_.push_back(primitive);
    arguments_.push_back({{DNNL_ARG_SRC, source},
                          {DNNL_ARG_WEIGHTS, packed_weights},
                          {DNNL_ARG_BIAS, memory(bias_desc, engine, bias)},
                          {DNNL_ARG_DST, destination}});
    note(primitive_desc.impl_info_str());
    return destination;
  }

  void note(const std::string& implementation) {
    if (!implementation_.empty()) implementation_ += " + ";
    implementation_ += implementation;
  }

  std::vector<dnnl::primitive> primitives_;
  std::vector<std::unordered_map<int, memory>> arguments_;
  memory input_;
  memory logits_;
  std::string implementation_;
};

class OnednnEngine : public Engine {
 public:
  explicit OnednnEngine(const LoadedModel& loaded)
      : loaded_(loaded),
        engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_),
        one_(loaded, engine_, 1, input(0)),
        all_(loaded, engine_, loaded.image_count(), input(0)) {}

  const char* name() const override { return "onednn"; }
  std::string implementation() const override {
    const dnnl_version_t* version = dnnl_version();
    return "oneDNN " + std::to_string(version->major) + "." + std::to_string(version->minor) +
           "." + std::to_string(version->patch) + ", " + std::to_string(omp_get_max_threads()) +
           " thread(s); one image: " + one_.implementation() + "; all: " + all_.implementation();
  }

  uint32_t infer_one(size_t index, float* probabilities) override {
    one_.run(stream_, input(index));
    return softmax(one_.logits(), loaded_.model.num_classes, probabilities);
  }

  void infer_all(float* probabilities, uint32_t* top_classes) override {
    all_.run(stream_, input(0));
    softmax_rows(all_.logits(), loaded_.image_count(), loaded_.model.num_classes, probabilities,
                 top_classes);
  }

 private:
  // Image `index` in the first layer's input type: features, or (int8) pixels.
  void* input(size_t index) const {
    const size_t offset = index * loaded_.model.input_size;
    if (loaded_.first_layer_int8()) return const_cast<uint8_t*>(&loaded_.pixels[offset]);
    return const_cast<float*>(&loaded_.features[offset]);
  }

  const LoadedModel& loaded_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  Chain one_;
  Chain all_;
};

}  // namespace

std::unique_ptr<Engine> make_onednn_engine(const LoadedModel& model, std::string* why_not) {
  // Debian's oneDNN runs on OpenMP: one thread, set before its first primitive (OMP_NUM_THREADS
  // cannot override it), as every other engine runs on one.
  static const bool one_thread = (omp_set_num_threads(1), true);
  (void)one_thread;
  (void)why_not;  // oneDNN runs every layer mode
  return std::make_unique<OnednnEngine>(model);
}

}  // namespace peers
