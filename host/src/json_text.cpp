// json_text.cpp — see json_text.h.
#include "softedge/host/json_text.h"

#include <charconv>

namespace softedge {
namespace host {

double json_float(float value) {
  char text[32];
  const char* end = std::to_chars(text, text + sizeof text, value).ptr;  // shortest round trip
  double widened = value;
  std::from_chars(text, end, widened);  // reads "inf" and "nan" back too
  return widened;
}

std::string json_line(const Json& document) {
  return document.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace host
}  // namespace softedge
