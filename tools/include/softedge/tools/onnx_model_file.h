// softedge/tools/onnx_model_file.h — an .onnx file's bytes as a parsed, checked onnx::ModelProto, and the
// error every step of the import reports with.
#ifndef SOFTEDGE_TOOLS_ONNX_MODEL_FILE_H
#define SOFTEDGE_TOOLS_ONNX_MODEL_FILE_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <onnx/onnx_pb.h>

namespace softedge {
namespace tools {

// "FILE: node 'NAME' (OP, opset N): REASON", or "FILE: opset N: REASON" for the whole graph.
class OnnxImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 17;
// The largest .onnx file read: a model of this size has far more weights than a device runs.
constexpr size_t kMaxOnnxFileBytes = size_t{256} << 20;

// The default (ai.onnx) opset a model imports, 0 if none.
int64_t default_opset(const onnx::ModelProto& model);

// Parses `size` bytes as a ModelProto, requires a default opset in [kMinOpset, kMaxOpset] and
// no external data, and runs onnx::checker; `file` names it in errors. Throws OnnxImportError.
onnx::ModelProto parse_onnx(const std::string& file, const uint8_t* data, size_t size);

}  // namespace tools
}  // namespace softedge

#endif
