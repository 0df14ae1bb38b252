// onnx_class_names.cpp — see onnx_class_names.h.
#include "softedge/tools/onnx_class_names.h"

#include <algorithm>

#include "softedge/host/dataset.h"
#include "softedge/tools/class_names.h"

namespace softedge {
namespace tools {

ClassNames pick_class_names(const onnx::ModelProto& model, const ImportOptions& options,
                            uint32_t classes, const host::ModelSpec& spec,
                            const std::string& context) {
  const auto& props = model.metadata_props();
  const auto stored =
      std::find_if(props.begin(), props.end(),
                   [](const onnx::StringStringEntryProto& e) { return e.key() == kClassNamesKey; });
  ClassNames result;
  if (!options.class_names.empty()) {
    result.names = options.class_names;
    result.origin = options.class_names_origin;
  } else if (stored != props.end()) {
    const std::string& text = stored->value();
    for (size_t start = 0; start <= text.size();) {
      const size_t end = std::min(text.find('\n', start), text.size());
      result.names.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    result.origin = std::string("from the model's metadata (") + kClassNamesKey + ")";
  } else if (classes == host::kNumClasses && spec.input_height == 28 && spec.input_width == 28 &&
             spec.input_channels == 1) {
    result.names.assign(host::kFashionMnistClassNames,
                        host::kFashionMnistClassNames + host::kNumClasses);
    result.origin = "Fashion-MNIST's (10 outputs, 28x28x1 input)";
  } else {
    for (uint32_t c = 0; c < classes; ++c) result.names.push_back("class" + std::to_string(c));
    result.origin = "class0..class" + std::to_string(classes - 1) + " (no --classes given)";
  }
  if (result.names.size() != classes) {
    throw OnnxImportError(context + ": " + result.origin + " gives " +
                          std::to_string(result.names.size()) + " class names for " +
                          std::to_string(classes) + " outputs");
  }
  for (size_t c = 0; c < result.names.size(); ++c) {
    const std::string& name = result.names[c];
    if (name.empty() || name.find('\0') != std::string::npos) {
      throw OnnxImportError(context + ": " + result.origin +
                            ": a class name is empty or holds a NUL byte");
    }
    // The tools refuse to load such names (docs/FORMAT.md): never write one.
    const std::string problem = class_name_problem(name);
    if (!problem.empty()) {
      throw OnnxImportError(context + ": " + result.origin + ": the name of class " +
                            std::to_string(c) + " " + problem);
    }
  }
  return result;
}

}  // namespace tools
}  // namespace softedge
