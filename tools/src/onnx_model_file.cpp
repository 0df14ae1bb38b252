// onnx_model_file.cpp — see onnx_model_file.h.
#include "softedge/tools/onnx_model_file.h"

#include <algorithm>
#include <climits>

#include <onnx/checker.h>

namespace softedge {
namespace tools {

int64_t default_opset(const onnx::ModelProto& model) {
  for (const onnx::OperatorSetIdProto& id : model.opset_import()) {
    if (id.domain().empty() || id.domain() == "ai.onnx") return id.version();
  }
  return 0;
}

onnx::ModelProto parse_onnx(const std::string& file, const uint8_t* data, size_t size) {
  onnx::ModelProto model;
  if (size > static_cast<size_t>(INT_MAX) || !model.ParseFromArray(data, static_cast<int>(size))) {
    throw OnnxImportError(file + ": not an ONNX model (it does not parse as an ONNX ModelProto)");
  }
  const int64_t opset = default_opset(model);
  if (opset < kMinOpset || opset > kMaxOpset) {
    throw OnnxImportError(file + ": opset " + std::to_string(opset) +
                          ": the importer reads ONNX opsets " + std::to_string(kMinOpset) + " to " +
                          std::to_string(kMaxOpset) +
                          (opset == 0 ? " and the model imports no default-domain opset"
                                      : "; export again with an opset_version in that range"));
  }
  // Before the checker, which would look for the external files itself.
  for (const onnx::TensorProto& t : model.graph().initializer()) {
    if (t.data_location() != onnx::TensorProto_DataLocation_EXTERNAL && t.external_data_size() == 0)
      continue;
    std::string reader = "opset " + std::to_string(opset);
    for (const onnx::NodeProto& node : model.graph().node()) {
      if (std::find(node.input().begin(), node.input().end(), t.name()) == node.input().end())
        continue;
      reader = "node '" + node.name() + "' (" + node.op_type() + ", opset " +
               std::to_string(opset) + ")";
      break;
    }
    throw OnnxImportError(file + ": " + reader + ": initializer '" + t.name() +
                          "' keeps its data in an external file, which the importer does not read: "
                          "save the model with every tensor inside it");
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw OnnxImportError(file + ": opset " + std::to_string(opset) +
                          ": onnx.checker rejects the model: " + e.what());
  }
  return model;
}

}  // namespace tools
}  // namespace softedge
