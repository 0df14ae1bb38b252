// onnx_import.cpp — see onnx_import.h. The graph is walked once, in node order (the checker
// guarantees a topological order). One value is "the activation": the graph input at first,
// then the output of each node that reads it. A node that reads only constants is folded by
// the reference evaluator; a node that reads the activation becomes part of the model; any
// other node means the graph is not a chain, and the import fails.
#include "softedge/tools/onnx_import.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "softedge/tools/onnx_attributes.h"
#include "softedge/tools/onnx_class_names.h"
#include "softedge/tools/onnx_evaluator.h"
#include "softedge/tools/onnx_graph_input.h"
#include "softedge/tools/onnx_tensor.h"

namespace softedge {
namespace tools {

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int32_t kUint8 = onnx::TensorProto_DataType_UINT8;
constexpr int32_t kIndex = onnx::TensorProto_DataType_INT64;  // pixels cast to indices
constexpr int64_t kBatch = -1;  // the batch dimension of the activation's shape

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// Where the activation is in the model being built.
enum class Stage {
  kInput,      // before the first layer: preprocessing
  kLayer,      // a dense or conv layer without activation yet: Add/Mul still fold into it
  kActivated,  // the layer ended in Relu or Sigmoid
  kPooled,     // after a pooling layer
  kFinal,      // after the final Softmax
};

// An NCHW tensor's channels, height and width (ONNX's order), as softedge holds it in NHWC.
struct Planes {
  int64_t channels = 0, height = 0, width = 0;
};

struct PendingLayer {
  format::LayerKind kind = format::LayerKind::kDense;
  uint32_t in = 0, out = 0;         // flat sizes
  uint32_t rows = 0, row_length = 0;  // the weight matrix: dense out x in, conv out channels x k*k*C
  uint32_t kernel = 0, stride = 0, padding = 0;
  std::vector<double> weights;  // rows x row_length; a conv's rows OHWI
  std::vector<double> bias;     // rows
  // A dense layer reading a flattened conv/pool output: its columns are in ONNX's (c, h, w)
  // order until close_layer() puts them in softedge's (h, w, c) order.
  std::optional<Planes> nchw_columns;
  format::Activation activation = format::Activation::kNone;
  std::string origin;  // the node that made it, for errors
};

const char* kind_name(format::LayerKind kind) {
  switch (kind) {
    case format::LayerKind::kConv2d:
      return "conv";
    case format::LayerKind::kMaxPool:
      return "max pool";
    case format::LayerKind::kAvgPool:
      return "average pool";
    default:
      return "dense";
  }
}

class Converter {
 public:
  Converter(const onnx::ModelProto& model, const std::string& file, const ImportOptions& options)
      : model_(model),
        graph_(model.graph()),
        file_(file),
        options_(options),
        opset_(default_opset(model)) {
    for (const onnx::TensorProto& t : graph_.initializer()) initializers_[t.name()] = &t;
  }

  ImportedModel run() {
    result_.opset = opset_;
    result_.producer = model_.producer_name().empty() ? "not named" : model_.producer_name();
    if (!model_.producer_version().empty()) result_.producer += " " + model_.producer_version();
    read_input();
    for (int i = 0; i < graph_.node_size(); ++i) visit(graph_.node(i), i);
    finish();
    return result_;
  }

 private:
  // "FILE: opset N", how errors about the whole graph start.
  std::string graph_context() const { return file_ + ": opset " + std::to_string(opset_); }
  [[noreturn]] void fail_graph(const std::string& why) const {
    throw OnnxImportError(graph_context() + ": " + why);
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw OnnxImportError(file_ + ": " + node_label_ + ": " + why);
  }

  std::string label(const onnx::NodeProto& node, int index) const {
    const std::string name =
        node.name().empty() ? "#" + std::to_string(index) : "'" + node.name() + "'";
    return "node " + name + " (" + node.op_type() + ", opset " + std::to_string(opset_) + ")";
  }

  // The constant named `name` (an initializer or a folded value), or null.
  const Tensor* constant(const std::string& name) {
    auto found = constants_.find(name);
    if (found != constants_.end()) return &found->second;
    auto init = initializers_.find(name);
    if (init == initializers_.end()) return nullptr;
    try {
      return &(constants_[name] = tensor_from_proto(*init->second));
    } catch (const OnnxTensorError& e) {
      constants_.erase(name);
      fail("initializer '" + name + "' " + e.what());
    }
  }

  void read_input() {
    const GraphInput input = read_graph_input(graph_, options_, graph_context());
    result_.input_name = chain_ = input.name;
    result_.input_is_uint8 = input.type == kUint8;
    result_.input_dims = input.dims;
    result_.input_note = input.note;
    result_.spec.input_height = input.height;
    result_.spec.input_width = input.width;
    result_.spec.input_channels = input.channels;
    type_ = input.type;
    shape_ = {kBatch};
    shape_.insert(shape_.end(), input.dims.begin(), input.dims.end());
    read_feed();
    shape_before_ = shape_;
    type_before_ = type_;
  }

  void read_feed() {
    const bool given = options_.input_scale || options_.input_bias;
    if (result_.input_is_uint8) {
      if (given) {
        fail_graph("graph input '" + chain_ + "' takes UINT8 pixels and does its own scaling; " +
                   options_.preprocessing_origin + " does not apply");
      }
      result_.preprocessing_note = "in the graph, which takes uint8 pixels";
      return;
    }
    result_.feed_scale = options_.input_scale.value_or(1.0 / 255.0);
    result_.feed_bias = options_.input_bias.value_or(0.0);
    result_.preprocessing_note =
        "x = pixel * " + number(result_.feed_scale) + " + " + number(result_.feed_bias) + " (" +
        (given ? options_.preprocessing_origin : "default: torchvision's ToTensor, pixel / 255") +
        ")";
  }

  void visit(const onnx::NodeProto& node, int index) {
    node_label_ = label(node, index);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      fail("is in the operator domain '" + node.domain() + "', not the ONNX default");
    }
    if (node.output_size() == 0 || node.output(0).empty()) fail("has no output");
    int chain_input = -1;
    for (int i = 0; i < node.input_size(); ++i) {
      const std::string& name = node.input(i);
      if (name.empty()) continue;  // an omitted optional input
      if (name == chain_) {
        if (chain_input >= 0) fail("reads the activation '" + name + "' twice");
        chain_input = i;
      } else if (constant(name) == nullptr) {
        if (consumed_.count(name)) {
          fail("reads '" + name + "', an earlier activation that another node already " +
               "consumed: the graph branches, and a softedge model is a single chain of layers");
        }
        fail("reads '" + name + "', which is neither the activation of the layer chain nor " +
             "a constant (a second path through the graph)");
      }
    }
    if (chain_input < 0) {
      fold(node);
      result_.steps.push_back(node_label_ + ": reads only constants, folded");
      return;
    }
    if (stage_ == Stage::kFinal && node.op_type() != "Identity" && node.op_type() != "Dropout") {
      fail("comes after the final " + final_op_ + "; softedge models end in softmax, so " +
           "nothing may follow it");
    }
    const size_t steps = result_.steps.size();
    apply(node, chain_input);
    if (result_.steps.size() == steps) {  // a node that changes no number: say what it did
      result_.steps.push_back(node_label_ + ": " +
                              (shape_ != shape_before_ ? "-> " + shape_text(shape_)
                               : type_ != type_before_ ? "-> " + type_name(type_)
                                                       : std::string("nothing at inference")));
    }
    shape_before_ = shape_;
    type_before_ = type_;
    consumed_.insert(chain_);
    chain_ = node.output(0);
  }

  // A node that reads only constants: computed now, its outputs become constants.
  void fold(const onnx::NodeProto& node) {
    if (!can_evaluate(node.op_type())) {
      fail("computes a constant, but the importer cannot fold " + node.op_type() + " nodes");
    }
    std::vector<const Tensor*> inputs;
    for (const std::string& name : node.input()) {
      inputs.push_back(name.empty() ? nullptr : constant(name));
    }
    try {
      std::vector<Tensor> outputs = evaluate_node(node, opset_, inputs);
      for (int i = 0; i < node.output_size() && i < static_cast<int>(outputs.size()); ++i) {
        if (!node.output(i).empty()) constants_[node.output(i)] = std::move(outputs[i]);
      }
    } catch (const OnnxTensorError& e) {
      fail(std::string("folding its constant inputs: ") + e.what());
    }
  }

  // The constant input `index` of the current node, required to be FLOAT.
  const Tensor& float_constant(const onnx::NodeProto& node, int index, const char* what) {
    const Tensor* t = index < node.input_size() ? constant(node.input(index)) : nullptr;
    if (t == nullptr) fail(std::string(what) + " must be a constant (an initializer)");
    if (t->type != kFloat) {
      fail(std::string(what) + " '" + node.input(index) + "' is " + type_name(t->type) +
           ": softedge reads float32 weights; convert the model to float32 first");
    }
    return *t;
  }

  void apply(const onnx::NodeProto& node, int chain_input) {
    const std::string& op = node.op_type();
    if (op == "Identity") return;
    if (op == "Pad") return pad(node, chain_input);
    if (op == "Dropout") return dropout(node);
    if (op == "Flatten") return flatten(node);
    if (op == "Reshape") return reshape(node, chain_input);
    if (op == "Cast") return cast(node);
    if (op == "Gather") return lookup_table(node, chain_input);
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return affine(node, chain_input);
    if (op == "Gemm") return gemm(node, chain_input);
    if (op == "MatMul") return matmul(node, chain_input);
    if (op == "Conv") return conv(node, chain_input);
    if (op == "MaxPool" || op == "AveragePool") return pool(node);
    if (op == "Relu") return relu();
    if (op == "Sigmoid") return sigmoid();
    if (op == "Softmax" || op == "LogSoftmax") return softmax(node);
    fail(
        "is not supported: the importer reads dense and convolutional networks (Gemm or "
        "MatMul layers, Conv, MaxPool, AveragePool, Add, Mul, Relu, Sigmoid, Flatten, Reshape, "
        "Identity, Dropout, a final Softmax)");
  }

  // Pad by nothing, which torch.onnx.export writes before an AveragePool at opset 9-10.
  void pad(const onnx::NodeProto& node, int chain_input) {
    if (chain_input != 0) fail("reads the activation as its pads");
    std::vector<int64_t> pads = ints_attribute(node, "pads");  // opsets 9-10
    if (opset_ >= 11) {
      const Tensor* given = node.input_size() > 1 ? constant(node.input(1)) : nullptr;
      if (given == nullptr) fail("needs constant pads");
      pads = as_ints(*given);
    }
    for (int64_t p : pads) {
      if (p != 0) {
        fail("pads the activation by " + shape_text(pads) +
             "; softedge pads only inside a convolution (its pads attribute)");
      }
    }
  }

  void dropout(const onnx::NodeProto& node) {
    if (node.input_size() > 2 && !node.input(2).empty()) {  // training_mode, opset 12+
      const Tensor* mode = constant(node.input(2));
      if (mode->values.size() != 1 || mode->values[0] != 0.0) {
        fail(
            "runs in training mode (training_mode is not a constant false): export the model "
            "after model.eval()");
      }
    }
  }

  void require_matrix(const char* op) {
    if (shape_.size() != 2) {
      fail(std::string(op) + " reads the activation of shape " + shape_text(shape_) +
           "; a dense layer needs [N, features]: add a Flatten first");
    }
  }

  int64_t features_from(size_t first_dim) const {
    int64_t n = 1;
    for (size_t d = first_dim; d < shape_.size(); ++d) n *= shape_[d];
    return n;
  }

  void flatten(const onnx::NodeProto& node) {
    const int64_t rank = static_cast<int64_t>(shape_.size());
    int64_t axis = int_attribute(node, "axis", 1);
    if (axis < -rank || axis > rank)
      fail("axis " + std::to_string(axis) + " is outside the activation");
    if (axis < 0) axis += rank;
    int64_t between = 1;
    for (int64_t d = 1; d < axis; ++d) between *= shape_[static_cast<size_t>(d)];
    if (axis == 0 || between != 1) {
      fail("axis " + std::to_string(axis) + " on the activation " + shape_text(shape_) +
           " would mix the batch dimension with the features; use axis=1");
    }
    const std::vector<int64_t> before = shape_;
    shape_ = {kBatch, features_from(static_cast<size_t>(axis))};
    leave_spatial(before);
  }

  // After Flatten/Reshape: a conv/pool output [N, C, H, W] flattened to [N, C*H*W] feeds a
  // dense layer whose columns must be permuted; any other shape is not a softedge layout.
  void leave_spatial(const std::vector<int64_t>& before) {
    if (!spatial_) return;
    if (shape_.size() == 4 && shape_ == before) return;
    if (shape_.size() != 2) {
      fail("reshapes the convolution output " + shape_text(before) + " to " +
           shape_text(shape_) + "; softedge reads it as it is or flattened to [N, features]");
    }
    spatial_ = false;
    flattened_ = Planes{before[1], before[2], before[3]};
  }

  void reshape(const onnx::NodeProto& node, int chain_input) {
    if (chain_input != 0) fail("reads the activation as its shape");
    const Tensor* target = node.input_size() > 1 ? constant(node.input(1)) : nullptr;
    if (target == nullptr || target->type != onnx::TensorProto_DataType_INT64 ||
        target->shape.size() != 1 || target->values.empty()) {
      fail("needs a constant 1-D INT64 shape");
    }
    const bool allow_zero = int_attribute(node, "allowzero", 0) != 0;
    const int64_t per_image = features_from(1);
    std::vector<int64_t> shape = {kBatch};
    const double first = target->values[0];
    if (!(first == -1 || (first == 0 && !allow_zero) || (first == 1 && batch_is_one()))) {
      fail("reshapes " + shape_text(shape_) + " to " + shape_text(as_ints(*target)) +
           ": the first dimension must stay the batch (0 or -1)");
    }
    int64_t known = 1;
    int inferred = -1;
    for (size_t d = 1; d < target->values.size(); ++d) {
      int64_t dim = whole_number(target->values[d]);
      if (dim == 0 && !allow_zero) dim = d < shape_.size() ? shape_[d] : -2;
      if (dim == -1 && inferred < 0 && first != -1) {
        inferred = static_cast<int>(d);
        shape.push_back(1);
        continue;
      }
      if (dim <= 0 || dim > per_image) {
        fail("reshapes " + shape_text(shape_) + " to " + shape_text(as_ints(*target)) +
             ", which does not keep one batch dimension and the image's " +
             std::to_string(per_image) + " values");
      }
      shape.push_back(dim);
      known *= dim;
      if (known > per_image) break;
    }
    if (inferred >= 0 && known > 0 && per_image % known == 0) {
      shape[static_cast<size_t>(inferred)] = per_image / known;
      known = per_image;
    }
    if (known != per_image) {
      fail("reshapes " + shape_text(shape_) + " to " + shape_text(as_ints(*target)) +
           ": the image's " + std::to_string(per_image) + " values do not fit");
    }
    if (flattened_ && shape.size() != 2) {
      fail("reshapes the flattened convolution output back to " + shape_text(shape) +
           "; a dense layer must read it");
    }
    const std::vector<int64_t> before = shape_;
    shape_ = shape;
    leave_spatial(before);
  }

  bool batch_is_one() const {
    const auto& shape = graph_input_shape();
    return shape != nullptr && shape->dim_size() > 0 && shape->dim(0).has_dim_value() &&
           shape->dim(0).dim_value() == 1;
  }
  const onnx::TensorShapeProto* graph_input_shape() const {
    for (const onnx::ValueInfoProto& v : graph_.input()) {
      if (v.name() == result_.input_name && v.type().tensor_type().has_shape()) {
        return &v.type().tensor_type().shape();
      }
    }
    return nullptr;
  }
  static std::vector<int64_t> as_ints(const Tensor& t) {
    std::vector<int64_t> ints;
    for (double v : t.values) ints.push_back(whole_number(v));
    return ints;
  }

  void cast(const onnx::NodeProto& node) {
    const int64_t to = int_attribute(node, "to", 0);
    if (to == kFloat && (type_ == kFloat || type_ == kUint8 || type_ == kIndex)) {
      type_ = kFloat;  // pixel values (or table entries) as floats, unchanged
      return;
    }
    if (type_ == kUint8 && (to == kIndex || to == onnx::TensorProto_DataType_INT32)) {
      type_ = kIndex;  // pixels as indices into a lookup table
      return;
    }
    fail("casts the " + type_name(type_) + " activation to " + type_name(static_cast<int32_t>(to)) +
         "; the importer takes casts of uint8 pixels to " +
         "FLOAT (or to INT64/INT32 for a lookup table)");
  }

  void lookup_table(const onnx::NodeProto& node, int chain_input) {
    const Tensor* table = constant(node.input(0));
    if (chain_input != 1 || type_ != kIndex || table == nullptr || table->type != kUint8 ||
        table->shape != std::vector<int64_t>{format::kInputLutSize} ||
        int_attribute(node, "axis", 0) != 0) {
      fail("is not an input lookup table: softedge reads Gather(data = a constant UINT8 table " +
           std::string("of 256 entries, indices = the uint8 pixels cast to INT64), axis 0"));
    }
    if (!result_.spec.input_lut.empty()) fail("is a second lookup table; a model has one");
    for (double v : table->values) result_.spec.input_lut.push_back(static_cast<uint8_t>(v));
    type_ = kUint8;
    result_.steps.push_back(node_label_ + ": the input lookup table (256 entries)");
  }

  // Add/Sub/Mul/Div by a constant: y = x * s + t, with s and t one scalar (before the first
  // layer) or one per output of the current layer (folded into its weights and bias).
  void affine(const onnx::NodeProto& node, int chain_input) {
    const std::string& op = node.op_type();
    if (type_ != kFloat)
      fail("applies to " + type_name(type_) + " pixels; Cast them to FLOAT first");
    if (stage_ == Stage::kActivated) {
      fail("comes after the layer's Relu; a constant " + op + " folds into a softedge layer " +
           "only before its activation");
    }
    if (op == "Div" && chain_input == 1) fail("divides by the activation, which is not linear");
    if (stage_ == Stage::kPooled) {
      fail("comes after a pooling layer; a constant " + op + " folds into a softedge layer " +
           "only right after it (before the pooling)");
    }
    const Tensor& c = float_constant(node, 1 - chain_input, "the other operand");
    const int64_t width = stage_ == Stage::kInput ? 1 : layer_->rows;
    // The constant must broadcast onto the activation without changing its shape: a scalar,
    // or one value per output ([N, out] of a dense layer, [N, C, 1, 1] of a convolution).
    const bool per_output = c.values.size() == static_cast<size_t>(width) && width > 1;
    bool fits = c.shape.size() <= shape_.size() && (c.values.size() == 1 || per_output);
    // The axis holding the outputs, counted from the end: the last (dense) or -3 (NCHW).
    const size_t output_axis = spatial_ ? 3 : 1;
    for (size_t d = 0; fits && d < c.shape.size(); ++d) {
      const bool is_output_axis = c.shape.size() - d == output_axis;
      fits = c.shape[d] == 1 || (is_output_axis && per_output);
    }
    if (!fits) {
      fail("the constant " + shape_text(c.shape) + " does not fold into the activation " +
           shape_text(shape_) +
           (stage_ == Stage::kInput ? ": before the first layer only one scalar scale and bias exist"
            : spatial_              ? ": expected a scalar or one value per output channel, [C, 1, 1]"
                                    : ": expected a scalar or one value per output"));
    }
    const size_t n = static_cast<size_t>(width);
    std::vector<double> s(n, 1.0), t(n, 0.0);
    for (size_t o = 0; o < n; ++o) {
      const double v = c.values[c.values.size() == 1 ? 0 : o];
      if (op == "Add") t[o] = v;
      if (op == "Sub") chain_input == 0 ? (t[o] = -v) : (s[o] = -1.0, t[o] = v);
      if (op == "Mul") s[o] = v;
      if (op == "Div") s[o] = 1.0 / v;
      if (!std::isfinite(s[o]) || !std::isfinite(t[o])) fail("folds to a non-finite scale or bias");
    }
    if (stage_ == Stage::kInput) {
      pre_scale_ *= s[0];
      pre_bias_ = pre_bias_ == 0.0 ? t[0] : pre_bias_ * s[0] + t[0];
      result_.steps.push_back(node_label_ + ": folded into the input scale and bias");
      return;
    }
    const size_t length = layer_->row_length;
    for (size_t o = 0; o < n; ++o) {
      for (size_t i = 0; i < length; ++i) layer_->weights[o * length + i] *= s[o];
      layer_->bias[o] = layer_->bias[o] * s[o] + t[o];
    }
    result_.steps.push_back(node_label_ + ": folded into the layer's weights and bias");
  }

  // Closes the layer before and checks the count; the new layer is layer_ (no weights yet).
  void new_layer(format::LayerKind kind, int64_t in, int64_t out, int64_t rows, int64_t row_length) {
    if (type_ != kFloat) fail("reads " + type_name(type_) + " pixels; Cast them to FLOAT first");
    if (layer_) close_layer();
    if (layers_.size() == format::kMaxLayers) {
      fail("would be layer " + std::to_string(format::kMaxLayers + 1) +
           "; a softedge model has at most " + std::to_string(format::kMaxLayers));
    }
    if (in > format::kMaxFeatures || out > format::kMaxFeatures || out == 0 ||
        row_length > format::kMaxFeatures) {
      fail("makes a " + std::string(kind_name(kind)) + " layer of " + std::to_string(in) +
           " -> " + std::to_string(out) + " values; a softedge layer has 1 to " +
           std::to_string(format::kMaxFeatures) + " inputs and outputs");
    }
    layer_ = PendingLayer{};
    layer_->kind = kind;
    layer_->in = static_cast<uint32_t>(in);
    layer_->out = static_cast<uint32_t>(out);
    layer_->rows = static_cast<uint32_t>(rows);
    layer_->row_length = static_cast<uint32_t>(row_length);
    layer_->weights.assign(static_cast<size_t>(rows * row_length), 0.0);
    layer_->bias.assign(static_cast<size_t>(rows), 0.0);
    layer_->origin = node_label_;
  }

  void start_layer(uint32_t out, const std::string& what) {
    if (spatial_) {
      fail("reads the convolution output " + shape_text(shape_) +
           " unflattened; add a Flatten first");
    }
    const int64_t in = shape_[1];
    new_layer(format::LayerKind::kDense, in, out, out, in);
    layer_->nchw_columns = flattened_;
    flattened_.reset();
    stage_ = Stage::kLayer;
    shape_ = {kBatch, out};
    result_.steps.push_back(node_label_ + ": dense " + std::to_string(in) + " -> " +
                            std::to_string(out) + what +
                            (layer_->nchw_columns ? ", columns from (c, h, w) to (h, w, c) order"
                                                  : ""));
  }

  void gemm(const onnx::NodeProto& node, int chain_input) {
    if (chain_input != 0) {
      fail(
          "reads the activation as B (or C); softedge layers compute x * W' + b with the "
          "activation x as A");
    }
    require_matrix("Gemm");
    if (int_attribute(node, "transA", 0) != 0) {
      fail("has transA=1, which would transpose the activation [N, features]: not a dense layer");
    }
    const bool trans_b = int_attribute(node, "transB", 0) != 0;
    const double alpha = float_attribute(node, "alpha", 1.0);
    const double beta = float_attribute(node, "beta", 1.0);
    const Tensor& b = float_constant(node, 1, "B (the weights)");
    const int64_t k = shape_[1];
    if (b.shape.size() != 2 || b.shape[trans_b ? 1 : 0] != k) {
      fail("B " + shape_text(b.shape) + " with transB=" + std::to_string(trans_b) +
           " does not multiply the activation " + shape_text(shape_));
    }
    const int64_t out = b.shape[trans_b ? 0 : 1];
    const Tensor* c = nullptr;
    if (node.input_size() > 2 && !node.input(2).empty()) {
      c = &float_constant(node, 2, "C (the bias)");
      const bool fits = c->shape.size() <= 2 &&
                        (c->values.size() == 1 ||
                         (static_cast<int64_t>(c->values.size()) == out && c->shape.back() == out));
      if (!fits) fail("C " + shape_text(c->shape) + " is not a scalar or one bias per output");
    }
    start_layer(static_cast<uint32_t>(out), " (transB=" + std::to_string(trans_b) + ", alpha " +
                                                number(alpha) + ", beta " + number(beta) +
                                                (c ? ")" : ", no C)"));
    const size_t in = layer_->in;
    for (size_t o = 0; o < layer_->out; ++o) {
      for (size_t i = 0; i < in; ++i) {
        const double w = trans_b ? b.values[o * in + i] : b.values[i * layer_->out + o];
        layer_->weights[o * in + i] = alpha * w;
      }
      if (c != nullptr) layer_->bias[o] = beta * c->values[c->values.size() == 1 ? 0 : o];
    }
  }

  void matmul(const onnx::NodeProto& node, int chain_input) {
    if (chain_input != 0)
      fail("multiplies a constant by the activation; softedge layers compute x * W");
    require_matrix("MatMul");
    const Tensor& b = float_constant(node, 1, "B (the weights)");
    if (b.shape.size() != 2 || b.shape[0] != shape_[1]) {
      fail("B " + shape_text(b.shape) + " does not multiply the activation " + shape_text(shape_) +
           " (a dense layer needs a 2-D [inputs, outputs] weight)");
    }
    start_layer(static_cast<uint32_t>(b.shape[1]), "");
    const size_t in = layer_->in, out = layer_->out;
    for (size_t o = 0; o < out; ++o) {
      for (size_t i = 0; i < in; ++i) layer_->weights[o * in + i] = b.values[i * out + o];
    }
  }

  // The geometry of a Conv or pooling node: a square k x k window, one stride for both axes,
  // the same zero padding on every side; no dilation.
  struct Geometry {
    uint32_t kernel = 0, stride = 1, padding = 0;
  };
  Geometry read_geometry(const onnx::NodeProto& node, int64_t kernel_h, int64_t kernel_w) {
    const std::vector<int64_t> kernel = ints_attribute(node, "kernel_shape");
    if (!kernel.empty() && kernel_h > 0 && kernel != std::vector<int64_t>{kernel_h, kernel_w}) {
      fail("kernel_shape " + shape_text(kernel) + " does not match the weights' " +
           shape_text({kernel_h, kernel_w}));
    }
    if (kernel_h <= 0) {  // pooling: the attribute is the kernel
      if (kernel.size() != 2) fail("needs a 2-D kernel_shape (softedge pools 2-D images)");
      kernel_h = kernel[0], kernel_w = kernel[1];
    }
    if (kernel_h != kernel_w) {
      fail("has the kernel " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) +
           "; softedge windows are square");
    }
    if (kernel_h < 1 || kernel_h > format::kMaxKernelSize) {
      fail("has the kernel size " + std::to_string(kernel_h) + "; softedge takes 1 to " +
           std::to_string(format::kMaxKernelSize));
    }
    const onnx::AttributeProto* auto_pad = find_attribute(node, "auto_pad");
    if (auto_pad != nullptr && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID") {
      fail("has auto_pad " + auto_pad->s() + "; give explicit pads (or NOTSET / VALID)");
    }
    std::vector<int64_t> strides = ints_attribute(node, "strides");
    if (strides.empty()) strides = {1, 1};
    if (strides.size() != 2 || strides[0] != strides[1]) {
      fail("has the strides " + shape_text(strides) + "; softedge takes one stride for both axes");
    }
    std::vector<int64_t> dilations = ints_attribute(node, "dilations");
    for (int64_t d : dilations) {
      if (d != 1) fail("has the dilations " + shape_text(dilations) + "; softedge takes 1");
    }
    std::vector<int64_t> pads = ints_attribute(node, "pads");
    if (pads.empty()) pads = {0, 0, 0, 0};
    if (pads.size() != 4 || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]) {
      fail("has the pads " + shape_text(pads) +
           "; softedge pads every side by the same amount (symmetric pads)");
    }
    if (strides[0] < 1 || strides[0] > 15) {
      fail("has the stride " + std::to_string(strides[0]) + "; softedge takes 1 to 15");
    }
    if (pads[0] < 0 || pads[0] > 15) {
      fail("has the padding " + std::to_string(pads[0]) + "; softedge takes 0 to 15");
    }
    Geometry g;
    g.kernel = static_cast<uint32_t>(kernel_h);
    g.stride = static_cast<uint32_t>(strides[0]);
    g.padding = static_cast<uint32_t>(pads[0]);
    return g;
  }

  // The first conv/pool layer: it reads the image, which softedge holds as H x W x C. The
  // graph input is [N, C, H, W]; a single-channel image may also arrive reshaped.
  void enter_spatial() {
    if (flattened_ || shape_.size() != 4) {
      fail("reads the activation " + shape_text(shape_) + "; it needs an image as [N, C, H, W]");
    }
    if (layer_ || !layers_.empty()) {
      fail("comes after a dense layer; softedge convolution and pooling layers read the image " +
           std::string("or another convolution or pooling layer"));
    }
    host::ModelSpec& spec = result_.spec;
    const int64_t c = shape_[1], h = shape_[2], w = shape_[3];
    const bool same = c == spec.input_channels && h == spec.input_height && w == spec.input_width;
    const int64_t pixels = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
    if (!same && !(c == 1 && h * w == pixels && h <= UINT16_MAX && w <= UINT16_MAX)) {
      fail("reads the image as " + shape_text(shape_) + ", but the model's input is " +
           std::to_string(spec.input_height) + "x" + std::to_string(spec.input_width) + "x" +
           std::to_string(spec.input_channels) +
           " (H x W x C); only a single-channel image may be reshaped");
    }
    if (!same) {
      spec.input_height = static_cast<uint16_t>(h);
      spec.input_width = static_cast<uint16_t>(w);
      spec.input_channels = 1;
      result_.input_note += "; " + std::to_string(h) + "x" + std::to_string(w) +
                            "x1 as the convolution reads it";
    }
    result_.spatial_input = true;
    spatial_ = true;
  }

  // The extent of the conv/pool output along an axis of `in` values, or an error.
  uint32_t output_extent(int64_t in, const Geometry& g) {
    const uint32_t out =
        format::window_output_extent(static_cast<uint32_t>(in), g.kernel, g.stride, g.padding);
    if (out == 0) {
      fail("has a " + std::to_string(g.kernel) + "x" + std::to_string(g.kernel) +
           " window that does not fit the input " + shape_text(shape_));
    }
    return out;
  }

  void conv(const onnx::NodeProto& node, int chain_input) {
    if (chain_input != 0) fail("reads the activation as its weights; it must be the input X");
    if (!spatial_) enter_spatial();
    if (int_attribute(node, "group", 1) != 1) {
      fail("has group " + std::to_string(int_attribute(node, "group", 1)) +
           "; softedge convolutions have group 1 (no depthwise or grouped convolution)");
    }
    const Tensor& w = float_constant(node, 1, "W (the weights)");
    const int64_t c = shape_[1], h = shape_[2], wd = shape_[3];
    if (w.shape.size() != 4 || w.shape[1] != c || w.shape[0] < 1 || w.shape[2] < 1 ||
        w.shape[3] < 1) {
      fail("W " + shape_text(w.shape) + " is not [M, " + std::to_string(c) +
           ", kH, kW] for the activation " + shape_text(shape_) + " (2-D convolution, group 1)");
    }
    const Geometry g = read_geometry(node, w.shape[2], w.shape[3]);
    if (g.padding >= g.kernel) {
      fail("pads by " + std::to_string(g.padding) + " around a " + std::to_string(g.kernel) +
           "x" + std::to_string(g.kernel) + " kernel; softedge takes padding < kernel size");
    }
    const int64_t m = w.shape[0];
    const Tensor* b = nullptr;
    if (node.input_size() > 2 && !node.input(2).empty()) {
      b = &float_constant(node, 2, "B (the bias)");
      if (b->shape != std::vector<int64_t>{m}) {
        fail("B " + shape_text(b->shape) + " is not one bias per output channel [" +
             std::to_string(m) + "]");
      }
    }
    const uint32_t oh = output_extent(h, g), ow = output_extent(wd, g);
    const int64_t k = g.kernel;
    // The runtime gathers one output row of patches (ow x k*k*C values) at a time.
    if (int64_t{ow} * k * k * c > format::kMaxFeatures) {
      fail("gathers " + std::to_string(ow) + " patches of " + std::to_string(k * k * c) +
           " values per output row; the runtime's limit is " +
           std::to_string(format::kMaxFeatures) + " (fewer channels or a narrower image)");
    }
    new_layer(format::LayerKind::kConv2d, c * h * wd, m * oh * ow, m, k * k * c);
    layer_->kernel = g.kernel;
    layer_->stride = g.stride;
    layer_->padding = g.padding;
    // OIHW -> OHWI: row o holds (ky, kx, c) with the channel fastest.
    const size_t length = layer_->row_length;
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t ky = 0; ky < k; ++ky) {
        for (int64_t kx = 0; kx < k; ++kx) {
          for (int64_t ic = 0; ic < c; ++ic) {
            layer_->weights[static_cast<size_t>(o) * length +
                            static_cast<size_t>((ky * k + kx) * c + ic)] =
                w.values[static_cast<size_t>(((o * c + ic) * k + ky) * k + kx)];
          }
        }
      }
      if (b != nullptr) layer_->bias[static_cast<size_t>(o)] = b->values[static_cast<size_t>(o)];
    }
    stage_ = Stage::kLayer;
    shape_ = {kBatch, m, oh, ow};
    result_.steps.push_back(node_label_ + ": conv " + std::to_string(h) + "x" +
                            std::to_string(wd) + "x" + std::to_string(c) + " -> " +
                            std::to_string(oh) + "x" + std::to_string(ow) + "x" +
                            std::to_string(m) + geometry_text(g) + (b ? "" : ", no bias") +
                            ", weights OIHW -> OHWI");
  }

  static std::string geometry_text(const Geometry& g) {
    return " (" + std::to_string(g.kernel) + "x" + std::to_string(g.kernel) + ", stride " +
           std::to_string(g.stride) + ", padding " + std::to_string(g.padding) + ")";
  }

  void pool(const onnx::NodeProto& node) {
    const bool max = node.op_type() == "MaxPool";
    if (node.output_size() > 1 && !node.output(1).empty()) {
      fail("uses the Indices output; softedge pooling gives the values only");
    }
    if (!spatial_) enter_spatial();
    const Geometry g = read_geometry(node, 0, 0);
    if (g.padding != 0) {
      fail("pads by " + std::to_string(g.padding) + "; softedge pooling layers take no padding");
    }
    const int64_t c = shape_[1], h = shape_[2], w = shape_[3];
    const uint32_t oh = output_extent(h, g), ow = output_extent(w, g);
    if (int_attribute(node, "ceil_mode", 0) != 0 &&
        ((h - g.kernel) % g.stride != 0 || (w - g.kernel) % g.stride != 0)) {
      fail("has ceil_mode 1 where it adds a partial window; softedge pooling rounds down " +
           std::string("(ceil_mode 0)"));
    }
    new_layer(max ? format::LayerKind::kMaxPool : format::LayerKind::kAvgPool, c * h * w,
              c * oh * ow, 0, 0);
    layer_->kernel = g.kernel;
    layer_->stride = g.stride;
    close_layer();  // nothing folds into a pooling layer
    stage_ = Stage::kPooled;
    shape_ = {kBatch, c, oh, ow};
    result_.steps.push_back(node_label_ + ": " + (max ? "max" : "average") + " pool " +
                            std::to_string(h) + "x" + std::to_string(w) + "x" +
                            std::to_string(c) + " -> " + std::to_string(oh) + "x" +
                            std::to_string(ow) + "x" + std::to_string(c) + geometry_text(g));
  }

  // Reorders each row of the pending dense layer from ONNX's flattened (c, h, w) to softedge's
  // flattened NHWC (h, w, c).
  void permute_columns(const Planes& p) {
    const size_t length = layer_->row_length;
    const size_t plane = static_cast<size_t>(p.height * p.width);
    const size_t channels = static_cast<size_t>(p.channels);
    std::vector<double> row(length);
    for (size_t o = 0; o < layer_->rows; ++o) {
      double* weights = layer_->weights.data() + o * length;
      for (size_t ch = 0; ch < channels; ++ch) {
        for (size_t pixel = 0; pixel < plane; ++pixel) {
          row[pixel * channels + ch] = weights[ch * plane + pixel];
        }
      }
      std::copy(row.begin(), row.end(), weights);
    }
  }

  void relu() {
    if (stage_ == Stage::kInput) {
      fail("applies Relu to the input; a softedge model starts with a layer");
    }
    if (stage_ == Stage::kActivated && layer_->activation != format::Activation::kRelu) {
      fail("follows the layer's Sigmoid; a softedge layer has one activation");
    }
    if (stage_ == Stage::kLayer) {
      layer_->activation = format::Activation::kRelu;
      stage_ = Stage::kActivated;
      result_.steps.push_back(node_label_ + ": the layer's activation");
    }
    if (stage_ == Stage::kPooled) relu_after_pool();
  }

  // Relu(pool(x)): nothing when x is already >= 0 (the layer before the pooling ends in Relu);
  // max pooling commutes with Relu, so a Relu after it moves to the layer before.
  void relu_after_pool() {
    host::LayerSpec& pooled = layers_[layers_.size() - 1];
    host::LayerSpec* before = layers_.size() >= 2 ? &layers_[layers_.size() - 2] : nullptr;
    if (before != nullptr && before->activation == format::Activation::kRelu) {
      result_.steps.push_back(node_label_ + ": nothing (the pooled values are already >= 0)");
      return;
    }
    if (pooled.kind == format::LayerKind::kMaxPool && before != nullptr &&
        before->kind != format::LayerKind::kMaxPool &&
        before->kind != format::LayerKind::kAvgPool &&
        before->activation == format::Activation::kNone) {
      before->activation = format::Activation::kRelu;
      result_.steps.push_back(node_label_ + ": the activation of the layer before the max " +
                              "pooling (Relu and max pooling commute)");
      return;
    }
    fail("applies Relu after a pooling layer; softedge pooling layers have no activation " +
         std::string("(put the Relu before the pooling)"));
  }

  void sigmoid() {
    if (stage_ != Stage::kLayer) {
      fail(stage_ == Stage::kInput ? "applies Sigmoid to the input; a softedge model starts with a layer"
           : stage_ == Stage::kPooled
               ? "applies Sigmoid after a pooling layer; softedge pooling layers have no activation"
               : "follows the layer's activation; a softedge layer has one activation");
    }
    layer_->activation = format::Activation::kSigmoid;
    stage_ = Stage::kActivated;
    result_.steps.push_back(node_label_ + ": the layer's activation");
  }

  void softmax(const onnx::NodeProto& node) {
    if (stage_ == Stage::kInput) fail("comes before any dense layer");
    // The default axis was 1 (on the input coerced to 2-D) before opset 13, -1 since.
    const int64_t axis = int_attribute(node, "axis", opset_ < 13 ? 1 : -1);
    if (shape_.size() != 2 || (axis != 1 && axis != -1)) {
      fail("axis " + std::to_string(axis) + " is not the class axis of the activation " +
           shape_text(shape_) + " (use 1 or -1)");
    }
    final_op_ = node.op_type();
    result_.logits_name = chain_;
    stage_ = Stage::kFinal;
    result_.steps.push_back(node_label_ + ": dropped (the runtime ends in softmax" +
                            std::string(final_op_ == "LogSoftmax" ? "; the same top class" : "") +
                            ")");
  }

  void close_layer() {
    if (layer_->nchw_columns) permute_columns(*layer_->nchw_columns);
    host::LayerSpec spec;
    spec.kind = layer_->kind;
    spec.in_features = layer_->in;
    spec.out_features = layer_->out;
    spec.kernel_size = layer_->kernel;
    spec.stride = layer_->stride;
    spec.padding = layer_->padding;
    spec.activation = layer_->activation;
    for (double w : layer_->weights) spec.weights.push_back(static_cast<float>(w));
    for (double b : layer_->bias) spec.bias.push_back(static_cast<float>(b));
    for (float v : spec.weights) {
      if (!std::isfinite(v))
        throw OnnxImportError(file_ + ": " + layer_->origin +
                              ": a weight is not finite in float32");
    }
    for (float v : spec.bias) {
      if (!std::isfinite(v))
        throw OnnxImportError(file_ + ": " + layer_->origin + ": a bias is not finite in float32");
    }
    layers_.push_back(std::move(spec));
    layer_.reset();
  }

  void finish() {
    if (graph_.output_size() != 1) {
      fail_graph("the graph has " + std::to_string(graph_.output_size()) +
                 " outputs; a softedge model has one (the class scores)");
    }
    if (graph_.output(0).name() != chain_) {
      fail_graph("the graph output '" + graph_.output(0).name() +
                 "' is not the end of the layer chain ('" + chain_ + "')");
    }
    if (!layer_ && layers_.empty())
      fail_graph("the graph has no Gemm, MatMul, Conv or pooling: no layer to import");
    // Class scores straight from a conv/pool output: softedge's are in (h, w, c) order, ONNX's
    // in (c, h, w); the same only when one of the two is 1.
    const std::optional<Planes> end =
        spatial_ && shape_.size() == 4 ? Planes{shape_[1], shape_[2], shape_[3]} : flattened_;
    if (end && end->channels > 1 && end->height * end->width > 1) {
      fail_graph("the class scores are a convolution or pooling output of " +
                 std::to_string(end->height) + "x" + std::to_string(end->width) + "x" +
                 std::to_string(end->channels) +
                 " flattened without a dense layer; softedge's order (h, w, c) would not be "
                 "ONNX's (c, h, w)");
    }
    if (layer_) close_layer();
    if (result_.logits_name.empty()) result_.logits_name = chain_;
    host::ModelSpec& spec = result_.spec;
    spec.layers = std::move(layers_);
    const uint32_t classes = spec.layers.back().out_features;
    if (classes > format::kMaxClasses) {
      fail_graph("the model has " + std::to_string(classes) +
                 " outputs; softedge models have at most " + std::to_string(format::kMaxClasses) +
                 " classes");
    }
    const double scale = result_.feed_scale * pre_scale_;
    const double bias = result_.feed_bias * pre_scale_ + pre_bias_;
    spec.input_scale = static_cast<float>(scale);
    spec.input_bias = static_cast<float>(bias);
    if (!std::isfinite(spec.input_scale) || !std::isfinite(spec.input_bias)) {
      fail_graph("the input scale and bias are not finite in float32");
    }
    if (pre_scale_ != 1.0 || pre_bias_ != 0.0 || result_.input_is_uint8) {
      result_.preprocessing_note +=
          std::string(result_.input_is_uint8 ? ": " : "; with the graph's own scaling: ") +
          "feature = " + (spec.input_lut.empty() ? "pixel" : "table[pixel]") + " * " +
          number(spec.input_scale) + " + " + number(spec.input_bias);
    }
    ClassNames names = pick_class_names(model_, options_, classes, spec, graph_context());
    spec.class_names = std::move(names.names);
    result_.class_names_note = names.origin;
  }

  const onnx::ModelProto& model_;
  const onnx::GraphProto& graph_;
  const std::string& file_;
  const ImportOptions& options_;
  const int64_t opset_;
  ImportedModel result_;

  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::map<std::string, Tensor> constants_;
  std::string node_label_;
  std::string chain_;                  // the activation's name
  std::set<std::string> consumed_;     // earlier activations
  std::vector<int64_t> shape_;         // the activation's shape, shape_[0] the batch
  std::vector<int64_t> shape_before_;  // ... and type before the current node
  int32_t type_before_ = kFloat;
  int32_t type_ = kFloat;  // the activation's element type
  Stage stage_ = Stage::kInput;
  std::string final_op_;
  double pre_scale_ = 1.0, pre_bias_ = 0.0;  // the graph's own input scaling
  std::optional<PendingLayer> layer_;
  std::vector<host::LayerSpec> layers_;
  bool spatial_ = false;           // the activation is a conv/pool output, NCHW in ONNX
  std::optional<Planes> flattened_;  // ... flattened, until a dense layer reads it
};

}  // namespace

ImportedModel import_onnx(const onnx::ModelProto& model, const std::string& file,
                          const ImportOptions& options) {
  return Converter(model, file, options).run();
}

}  // namespace tools
}  // namespace softedge
