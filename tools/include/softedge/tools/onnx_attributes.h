// softedge/tools/onnx_attributes.h — reading a node's attributes, with the defaults ONNX defines.
#ifndef SOFTEDGE_TOOLS_ONNX_ATTRIBUTES_H
#define SOFTEDGE_TOOLS_ONNX_ATTRIBUTES_H

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace softedge {
namespace tools {

inline const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node,
                                                  const std::string& name) {
  for (const onnx::AttributeProto& attribute : node.attribute()) {
    if (attribute.name() == name) return &attribute;
  }
  return nullptr;
}

inline int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                             int64_t fallback) {
  const onnx::AttributeProto* a = find_attribute(node, name);
  return a != nullptr && a->has_i() ? a->i() : fallback;
}

inline double float_attribute(const onnx::NodeProto& node, const std::string& name,
                              double fallback) {
  const onnx::AttributeProto* a = find_attribute(node, name);
  return a != nullptr && a->has_f() ? a->f() : fallback;
}

inline std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name) {
  const onnx::AttributeProto* a = find_attribute(node, name);
  if (a == nullptr) return {};
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

}  // namespace tools
}  // namespace softedge

#endif
