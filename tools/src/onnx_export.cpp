// onnx_export.cpp — see onnx_export.h.
#include "softedge/tools/onnx_export.h"

#include <stdexcept>
#include <vector>

#include "softedge/host/float_forward.h"
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

  void ints_attribute(onnx::NodeProto* n, const std::string& name,
                      const std::vector<int64_t>& values) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (int64_t v : values) a->add_ints(v);
  }

  // kernel_shape, strides and pads of a square window.
  void window(onnx::NodeProto* n, const host::LayerSpec& layer, bool pads) {
    const int64_t k = layer.kernel_size, s = layer.stride, p = layer.padding;
    ints_attribute(n, "kernel_shape", {k, k});
    ints_attribute(n, "strides", {s, s});
    if (pads) ints_attribute(n, "pads", {p, p, p, p});
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

// OHWI rows (softedge) as OIHW (ONNX): w[o][c][ky][kx] = rows[o][(ky * k + kx) * C + c].
std::vector<double> oihw_weights(const host::LayerSpec& layer, int64_t out_channels,
                                 int64_t in_channels) {
  const int64_t k = layer.kernel_size;
  std::vector<double> w(layer.weights.size());
  for (int64_t o = 0; o < out_channels; ++o) {
    for (int64_t c = 0; c < in_channels; ++c) {
      for (int64_t pos = 0; pos < k * k; ++pos) {
        w[static_cast<size_t>((o * in_channels + c) * k * k + pos)] =
            layer.weights[static_cast<size_t>((o * k * k + pos) * in_channels + c)];
      }
    }
  }
  return w;
}

// A dense layer reading a flattened H x W x C tensor: its (h, w, c) columns in ONNX's
// flattened NCHW order, (c, h, w).
std::vector<double> chw_columns(const host::LayerSpec& layer, const format::Shape& in) {
  const size_t plane = size_t{in.height} * in.width, channels = in.channels;
  const size_t length = layer.in_features;
  std::vector<double> w(layer.weights.size());
  for (size_t o = 0; o < layer.out_features; ++o) {
    for (size_t c = 0; c < channels; ++c) {
      for (size_t pixel = 0; pixel < plane; ++pixel) {
        w[o * length + c * plane + pixel] = layer.weights[o * length + pixel * channels + c];
      }
    }
  }
  return w;
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

  // A model of dense layers reads the flat pixels; conv and pooling layers read [N, C, H, W]
  // and hold H x W x C, so a dense layer after them reads a Flatten with its columns reordered.
  // The spec was loaded by the runtime: its geometry is valid.
  const std::vector<format::Shape> shapes = host::layer_shapes(spec);
  format::Shape shape = shapes.front();
  bool spatial = !spec.layers.empty() && spec.layers[0].kind != format::LayerKind::kDense;
  if (!spatial) {
    b.int_attribute(b.node("Flatten", {x}, "flat_features"), "axis", 1);
    x = "flat_features";
  }
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const host::LayerSpec& layer = spec.layers[l];
    if (layer.weight_type != format::DType::kFloat32) {
      throw std::invalid_argument("export_onnx: layer " + std::to_string(l) + " is not float32");
    }
    const std::string n = std::to_string(l);
    const format::Shape out = shapes[l + 1];
    std::string name;
    if (layer.kind == format::LayerKind::kDense) {
      std::vector<double> weights = as_doubles(layer.weights);
      if (spatial) {
        b.int_attribute(b.node("Flatten", {x}, "flat" + n), "axis", 1);
        x = "flat" + n;
        weights = chw_columns(layer, shape);
        spatial = false;
      }
      name = "dense" + n;
      b.constant(name + "_weight", kFloat, {layer.out_features, layer.in_features}, weights);
      b.constant(name + "_bias", kFloat, {layer.out_features}, as_doubles(layer.bias));
      b.int_attribute(b.node("Gemm", {x, name + "_weight", name + "_bias"}, name), "transB", 1);
    } else if (layer.kind == format::LayerKind::kConv2d) {
      name = "conv" + n;
      const int64_t k = layer.kernel_size;
      b.constant(name + "_weight", kFloat, {out.channels, shape.channels, k, k},
                 oihw_weights(layer, out.channels, shape.channels));
      b.constant(name + "_bias", kFloat, {out.channels}, as_doubles(layer.bias));
      b.window(b.node("Conv", {x, name + "_weight", name + "_bias"}, name), layer, true);
    } else {
      const bool max = layer.kind == format::LayerKind::kMaxPool;
      name = (max ? "maxpool" : "avgpool") + n;
      b.window(b.node(max ? "MaxPool" : "AveragePool", {x}, name), layer, false);
    }
    x = name;
    if (layer.activation == format::Activation::kRelu) {
      b.node("Relu", {x}, name + "_relu");
      x = name + "_relu";
    } else if (layer.activation == format::Activation::kSigmoid) {
      b.node("Sigmoid", {x}, name + "_sigmoid");
      x = name + "_sigmoid";
    }
    shape = out;
  }
  if (spatial) {
    // The classes are the last conv/pool output in H x W x C order: the same as ONNX's
    // flattened C x H x W only when one of the two is 1.
    if (shape.channels > 1 && shape.height * shape.width > 1) {
      throw std::invalid_argument(
          "export_onnx: the model ends in a convolution or pooling layer with several "
          "channels at several positions, whose class order ONNX's Flatten does not keep");
    }
    b.int_attribute(b.node("Flatten", {x}, "class_scores"), "axis", 1);
    x = "class_scores";
  }
  b.int_attribute(b.node("Softmax", {x}, "probabilities"), "axis", 1);
  b.value_info(graph->add_output(), "probabilities", kFloat,
               {static_cast<int64_t>(spec.class_names.size())});
  return model;
}

}  // namespace tools
}  // namespace softedge
