// class_names.cpp — see class_names.h.
#include "softedge/tools/class_names.h"

#include <cstdint>
#include <cstdio>

namespace softedge {
namespace tools {
namespace {

// Length of the UTF-8 sequence starting at text[i] (shortest form, no surrogates, at most
// U+10FFFF), or 0 when it is not one.
size_t utf8_sequence_length(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint32_t code = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    code = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    code = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  static const uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  // C1 control characters (U+0080..U+009F) are terminal escapes too.
  if (code >= 0x80 && code <= 0x9f) return 0;
  return length;
}

}  // namespace

std::string class_name_problem(const std::string& name) {
  if (name.size() > kMaxClassNameBytes) {
    return "is " + std::to_string(name.size()) + " bytes long, more than " +
           std::to_string(kMaxClassNameBytes);
  }
  for (size_t i = 0; i < name.size();) {
    const uint8_t c = static_cast<uint8_t>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", static_cast<unsigned>(c));
      return std::string("holds a control character (") + code + ")";
    }
    const size_t length = utf8_sequence_length(name, i);
    if (length == 0) return "is not valid UTF-8 (or holds a control character)";
    i += length;
  }
  return "";
}

}  // namespace tools
}  // namespace softedge
