// softedge/host/json_text.h — the pieces the `--json` outputs are written with.
#ifndef SOFTEDGE_HOST_JSON_TEXT_H
#define SOFTEDGE_HOST_JSON_TEXT_H

#include <string>

namespace softedge {
namespace host {

// `text` as a quoted JSON string (quotes, backslashes and control characters escaped;
// other bytes pass through, so UTF-8 stays UTF-8).
std::string json_string(const std::string& text);

// A JSON number with enough digits to round-trip a float; "null" when not finite (JSON has
// no NaN or infinity).
std::string json_number(double value);

}  // namespace host
}  // namespace softedge

#endif
