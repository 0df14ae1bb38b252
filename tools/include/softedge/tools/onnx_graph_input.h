// softedge/tools/onnx_graph_input.h — the graph input of an ONNX model as the .sedg header sees it: which
// input, its element type, and height x width x channels from its shape (dimension 0 is the
// batch; the others must be fixed by the graph or given with --input-shape).
#ifndef SOFTEDGE_TOOLS_ONNX_GRAPH_INPUT_H
#define SOFTEDGE_TOOLS_ONNX_GRAPH_INPUT_H

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include "softedge/tools/onnx_import.h"

namespace softedge {
namespace tools {

struct GraphInput {
  std::string name;
  int32_t type = 0;           // FLOAT or UINT8
  std::vector<int64_t> dims;  // after the batch dimension, all known
  uint16_t height = 0, width = 0, channels = 0;
  std::string note;  // "28x28x1 from the graph input 'x' [N, 1, 28, 28]"
};

// [N, C, H, W] -> HxWxC, [N, H, W] -> HxWx1, [N, F] -> 1xFx1 (784 -> 28x28x1). Throws
// OnnxImportError starting with `context` ("FILE: opset N").
GraphInput read_graph_input(const onnx::GraphProto& graph, const ImportOptions& options,
                            const std::string& context);

}  // namespace tools
}  // namespace softedge

#endif
