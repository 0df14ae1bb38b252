// onnx_export.cpp — see onnx_export.h.
#include "softedge/tools/onnx_export.h"

#include <stdexcept>
#include <vector>

#include "softedge/tools/onnx_class_names.h"
#include "softedge/tools/onnx_tensor.h"

namespace softedge {
namespace tools {

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int64_t kIrVersion = 7;  // the IR that introduced opset 13

class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto* graph) : graph_(graph) {}

  // Adds node `op` reading `inputs`, writing one output named `output`.
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::string& output) {
    onnx::NodeProto* n = graph_->add_node();
    n->set_op_type(op);
    n->set_name(output);  // the node is named after what it computes
    for (const std::string& input : inputs) n->add_input(input);
    n->add_output(output);
    return n;
  }

  void int_attribute(onnx::NodeProto* n, const std::string& name, int64_t value) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(value);
  }

  void constant(const std::string& name, int32_t type, const std::vector<int64_t>& shape,
                std::vector<double> values) {
    tensor_to_proto(Tensor{type, shape, std::move(values)}, name, graph_->add_initializer());
  }

  void value_info(onnx::ValueInfoProto* v, const std::string& name, int32_t type,
                  const std::vector<int64_t>& dims) {
    v->set_name(name);
    auto* tensor = v->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(type);
    auto* shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  }

 private:
  onnx::GraphProto* graph_;
};

std::vector<double> as_doubles(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

}  // namespace

onnx::ModelProto export_onnx(const host::ModelSpec& spec, const std::string& description) {
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("softedge");
  model.set_doc_string(description);
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kExportOpset);

  std::string names;
  for (size_t c = 0; c < spec.class_names.size(); ++c) {
    if (spec.class_names[c].find('\n') != std::string::npos) {
      throw std::invalid_argument("class name " + std::to_string(c) +
                                  " holds a line break, which the ONNX metadata cannot keep");
    }
    names += (c ? "\n" : "") + spec.class_names[c];
  }
  onnx::StringStringEntryProto* entry = model.add_metadata_props();
  entry->set_key(kClassNamesKey);
  entry->set_value(names);

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("softedge_model");
  GraphBuilder b(graph);
  b.value_info(graph->add_input(), "pixels", onnx::TensorProto_DataType_UINT8,
               {spec.input_channels, spec.input_height, spec.input_width});

  std::string x = "pixels";
  if (!spec.input_lut.empty()) {
    b.constant("input_lut", onnx::TensorProto_DataType_UINT8, {format::kInputLutSize},
               std::vector<double>(spec.input_lut.begin(), spec.input_lut.end()));
    b.int_attribute(b.node("Cast", {x}, "pixel_index"), "to", onnx::TensorProto_DataType_INT64);
    b.node("Gather", {"input_lut", "pixel_index"}, "remapped_pixels");
    x = "remapped_pixels";
  }
  b.int_attribute(b.node("Cast", {x}, "pixel_values"), "to", kFloat);
  b.constant("input_scale", kFloat, {}, {spec.input_scale});
  b.node("Mul", {"pixel_values", "input_scale"}, "scaled_pixels");
  x = "scaled_pixels";
  if (spec.input_bias != 0.0f) {
    b.constant("input_bias", kFloat, {}, {spec.input_bias});
    b.node("Add", {x, "input_bias"}, "features");
    x = "features";
  }
  b.int_attribute(b.node("Flatten", {x}, "flat_features"), "axis", 1);
  x = "flat_features";

  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const host::DenseLayerSpec& layer = spec.layers[l];
    if (layer.weight_type != format::DType::kFloat32) {
      throw std::invalid_argument("export_onnx: layer " + std::to_string(l) + " is not float32");
    }
    const std::string n = std::to_string(l);
    b.constant("dense" + n + "_weight", kFloat, {layer.out_features, layer.in_features},
               as_doubles(layer.weights));
    b.constant("dense" + n + "_bias", kFloat, {layer.out_features}, as_doubles(layer.bias));
    b.int_attribute(
        b.node("Gemm", {x, "dense" + n + "_weight", "dense" + n + "_bias"}, "dense" + n), "transB",
        1);
    x = "dense" + n;
    if (layer.activation == format::Activation::kRelu) {
      b.node("Relu", {x}, "dense" + n + "_relu");
      x = "dense" + n + "_relu";
    }
  }
  b.int_attribute(b.node("Softmax", {x}, "probabilities"), "axis", 1);
  b.value_info(graph->add_output(), "probabilities", kFloat,
               {static_cast<int64_t>(spec.class_names.size())});
  return model;
}

}  // namespace tools
}  // namespace softedge
