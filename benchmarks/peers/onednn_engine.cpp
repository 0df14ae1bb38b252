// oneDNN 2.6: one inner-product primitive per layer, created once for one image and once for
// all images, weights reordered once into the layout each primitive asks for. Every call
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
    memory source(memory::desc({images, model.input_size}, source_type, memory::format_tag::nc),
                  engine, input);
    input_ = source;
    for (uint32_t l = 0; l < model.layer_count; ++l) {
      source = add_layer(model.layers[l], engine, images, source);
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
  memory add_layer(const softedge::DenseLayer& layer, const dnnl::engine& engine,
                   memory::dim images, const memory& source) {
    using dt = memory::data_type;
    using tag = memory::format_tag;
    const bool int8 = softedge::format::is_int8(layer.mode);
    const memory::dim in = layer.in_features, out = layer.out_features;
    const dt output_type = layer.mode == LayerMode::kInt8Uint8Output ? dt::u8 : dt::f32;
    const memory::desc destination_desc({images, out}, output_type, tag::nc);
    const memory::desc bias_desc({out}, int8 ? dt::s32 : dt::f32, tag::x);
    const memory::desc user_weights_desc({out, in}, int8 ? dt::s8 : dt::f32, tag::oi);

    dnnl::primitive_attr attributes;
    if (int8) {
      std::vector<float> scales(out);
      for (uint32_t o = 0; o < out; ++o) {
        scales[o] = layer.mode == LayerMode::kInt8Uint8Output ? requantization_multiplier(layer, o)
                                                             : layer.scales[o];
      }
      attributes.set_output_scales(1 << 1, scales);  // one scale per output channel
    }
    if (output_type == dt::f32 && layer.activation == softedge::format::Activation::kRelu) {
      dnnl::post_ops relu;
      relu.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attributes.set_post_ops(relu);
    }
    const dnnl::inner_product_forward::desc desc(
        dnnl::prop_kind::forward_inference, source.get_desc(),
        memory::desc({out, in}, user_weights_desc.data_type(), tag::any), bias_desc,
        destination_desc);
    const dnnl::inner_product_forward::primitive_desc primitive_desc(desc, attributes, engine);

    // The weights once, in the blocked layout the primitive wants.
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
    const memory destination(destination_desc, engine);  // owned by oneDNN
    primitives_.push_back(dnnl::inner_product_forward(primitive_desc));
    arguments_.push_back({{DNNL_ARG_SRC, source},
                          {DNNL_ARG_WEIGHTS, packed_weights},
                          {DNNL_ARG_BIAS, memory(bias_desc, engine, bias)},
                          {DNNL_ARG_DST, destination}});
    if (!implementation_.empty()) implementation_ += " + ";
    implementation_ += primitive_desc.impl_info_str();
    return destination;
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
