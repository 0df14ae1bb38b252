// softedge/tools/class_names.h — what the tools accept as a class name. The runtime's loader takes any
// non-empty byte string; the tools print names on terminals, in JSON, SVG and PNG text, so
// they insist on short, printable UTF-8 (docs/FORMAT.md, "Class-names block").
#ifndef SOFTEDGE_TOOLS_CLASS_NAMES_H
#define SOFTEDGE_TOOLS_CLASS_NAMES_H

#include <cstddef>
#include <string>

namespace softedge {
namespace tools {

// Longest class name the tools accept, in bytes (text layout stays small and linear).
constexpr size_t kMaxClassNameBytes = 64;

// "" when `name` is acceptable, else the problem ("is 70 bytes long, more than 64", "is not
// valid UTF-8", "holds a control character (0x1b)").
std::string class_name_problem(const std::string& name);

}  // namespace tools
}  // namespace softedge

#endif
