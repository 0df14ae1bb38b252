// softedge/tools/onnx_class_names.h — the class names an imported model gets, and where they came from.
#ifndef SOFTEDGE_TOOLS_ONNX_CLASS_NAMES_H
#define SOFTEDGE_TOOLS_ONNX_CLASS_NAMES_H

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include "softedge/tools/onnx_import.h"

namespace softedge {
namespace tools {

// The model metadata key export-onnx stores the names under, one per line.
constexpr const char* kClassNamesKey = "softedge.class_names";

struct ClassNames {
  std::vector<std::string> names;
  std::string origin;  // for the report, e.g. "Fashion-MNIST's (10 outputs, 28x28x1 input)"
};

// --classes (options.class_names), else the model's kClassNamesKey metadata, else Fashion-MNIST's
// for 10 classes on a 28x28x1 input, else class0..classN-1. Throws OnnxImportError starting with
// `context` when the count is not `classes` or a name is empty or holds a NUL.
ClassNames pick_class_names(const onnx::ModelProto& model, const ImportOptions& options,
                            uint32_t classes, const host::ModelSpec& spec, const std::string& context);

}  // namespace tools
}  // namespace softedge

#endif
