// onnx_graph_input.cpp — see onnx_graph_input.h.
#include "softedge/tools/onnx_graph_input.h"

#include <algorithm>

#include "softedge/format.h"
#include "softedge/tools/onnx_tensor.h"

namespace softedge {
namespace tools {

namespace {

// The one graph input that is not an initializer (IR < 4 lists initializers as inputs too).
const onnx::ValueInfoProto& the_input(const onnx::GraphProto& graph, const std::string& context) {
  const onnx::ValueInfoProto* input = nullptr;
  std::string names;
  int count = 0;
  for (const onnx::ValueInfoProto& v : graph.input()) {
    const auto& inits = graph.initializer();
    if (std::any_of(inits.begin(), inits.end(),
                    [&](const onnx::TensorProto& t) { return t.name() == v.name(); })) {
      continue;
    }
    input = &v;
    names += (count++ ? ", '" : "'") + v.name() + "'";
  }
  if (count != 1) {
    throw OnnxImportError(context + ": the graph takes " + std::to_string(count) + " inputs (" +
                          names + "); a softedge model takes one image");
  }
  return *input;
}

}  // namespace

GraphInput read_graph_input(const onnx::GraphProto& graph, const ImportOptions& options,
                            const std::string& context) {
  const onnx::ValueInfoProto& input = the_input(graph, context);
  GraphInput result;
  result.name = input.name();
  const std::string named = context + ": graph input '" + result.name + "'";
  if (!input.type().has_tensor_type()) throw OnnxImportError(named + " is not a tensor");
  result.type = input.type().tensor_type().elem_type();
  if (result.type != onnx::TensorProto_DataType_FLOAT &&
      result.type != onnx::TensorProto_DataType_UINT8) {
    throw OnnxImportError(
        named + " is " + type_name(result.type) +
        "; softedge feeds FLOAT features (or UINT8 pixels to a graph that scales them)");
  }

  // Dimensions after the batch; 0 where the graph leaves one open.
  std::vector<int64_t>& dims = result.dims;
  std::string graph_shape = "[N";
  const auto& tensor_type = input.type().tensor_type();
  if (tensor_type.has_shape()) {
    const auto& shape = tensor_type.shape();
    if (shape.dim_size() < 2 || shape.dim_size() > 4) {
      throw OnnxImportError(named + " has " + std::to_string(shape.dim_size()) +
                            " dimensions; expected [N, features], [N, H, W] or [N, C, H, W]");
    }
    for (int d = 1; d < shape.dim_size(); ++d) {
      const auto& dim = shape.dim(d);
      const bool known = dim.has_dim_value() && dim.dim_value() > 0;
      dims.push_back(known ? dim.dim_value() : 0);
      graph_shape += ", " + (known                 ? std::to_string(dim.dim_value())
                             : dim.has_dim_param() ? "'" + dim.dim_param() + "'"
                                                   : "?");
    }
  } else {
    dims.push_back(0);  // [N, features], the features from --input-shape
    graph_shape += ", ?";
  }
  graph_shape += "]";
  const bool open = std::count(dims.begin(), dims.end(), 0) > 0;
  const bool given = options.height.has_value();
  if (open && !given) {
    throw OnnxImportError(named + " has the shape " + graph_shape +
                          ": a dimension other than the batch is not fixed; give it with "
                          "--input-shape HxWxC");
  }

  uint64_t h = 0, w = 0, c = 1;
  if (given) {
    h = *options.height, w = *options.width, c = *options.channels;
    // The graph's open dimensions come from --input-shape; its fixed ones must agree.
    std::vector<int64_t> wanted;
    if (dims.size() == 1) wanted = {static_cast<int64_t>(h * w * c)};
    if (dims.size() == 2) wanted = {static_cast<int64_t>(h), static_cast<int64_t>(w * c)};
    if (dims.size() == 3)
      wanted = {static_cast<int64_t>(c), static_cast<int64_t>(h), static_cast<int64_t>(w)};
    for (size_t d = 0; d < dims.size(); ++d) {
      if (dims[d] == 0) dims[d] = wanted[d];
      if (dims[d] != wanted[d]) {
        throw OnnxImportError(context + ": --input-shape " + std::to_string(h) + "x" +
                              std::to_string(w) + "x" + std::to_string(c) +
                              " does not match the graph input '" + result.name + "' " +
                              graph_shape);
      }
    }
  } else {
    if (dims.size() == 3) c = dims[0], h = dims[1], w = dims[2];
    if (dims.size() == 2) h = dims[0], w = dims[1];
    if (dims.size() == 1) {
      // A flat input: 784 values are taken as a 28x28 image (Fashion-MNIST's), others as a row.
      h = dims[0] == 784 ? 28 : 1;
      w = dims[0] == 784 ? 28 : dims[0];
    }
  }
  if (h > UINT16_MAX || w > UINT16_MAX || c > UINT16_MAX || h * w * c > format::kMaxFeatures) {
    throw OnnxImportError(named + " " + graph_shape + " is larger than a softedge model takes (" +
                          std::to_string(format::kMaxFeatures) +
                          " values, each side at most 65535)");
  }
  result.height = static_cast<uint16_t>(h);
  result.width = static_cast<uint16_t>(w);
  result.channels = static_cast<uint16_t>(c);
  result.note =
      std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) +
      (given ? " from --input-shape (graph input '" + result.name + "' " + graph_shape + ")"
             : " from the graph input '" + result.name + "' " + graph_shape);
  return result;
}

}  // namespace tools
}  // namespace softedge
