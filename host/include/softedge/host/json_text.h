// softedge/host/json_text.h — the JSON both binaries print (`--json`): documents are built as
// nlohmann::ordered_json (keys stay in the order written, which is the order people read) and
// printed by json_line, one document per line.
#ifndef SOFTEDGE_HOST_JSON_TEXT_H
#define SOFTEDGE_HOST_JSON_TEXT_H

#include <nlohmann/json.hpp>
#include <string>

namespace softedge {
namespace host {

using Json = nlohmann::ordered_json;

// `value` as the shortest decimal that reads back as the same float: 0.001f is printed 0.001,
// not 0.0010000000474974513. NaN and infinities stay so: json_line prints them as null.
double json_float(float value);

// `document` compact, on one line, with a final newline. Bytes that are not UTF-8 (a file
// name may hold any) become U+FFFD, so the output always parses.
std::string json_line(const Json& document);

}  // namespace host
}  // namespace softedge

#endif
