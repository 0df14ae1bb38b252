// softedge/tools/onnx_evaluator.h — a plain reference interpreter for the ONNX operators the importer
// meets, computed in double straight from each operator's definition.
//
// It serves twice: it folds constant subgraphs (a node whose inputs are all constants) and it
// runs the whole graph on a few inputs, so the importer can check the model it wrote against
// an evaluation that shares none of the conversion's code.
#ifndef SOFTEDGE_TOOLS_ONNX_EVALUATOR_H
#define SOFTEDGE_TOOLS_ONNX_EVALUATOR_H

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include "softedge/tools/onnx_tensor.h"

namespace softedge {
namespace tools {

// Whether evaluate_node() implements `op_type` (default domain).
bool can_evaluate(const std::string& op_type);

// The outputs of `node` (at the model's default-domain `opset`) for `inputs`, one per input
// name of the node, null where an optional input is omitted. Throws OnnxTensorError with the
// reason (bad shapes, types, attributes; results above kMaxTensorElements; more than
// kMaxOperations multiply-adds) — never reads out of bounds.
std::vector<Tensor> evaluate_node(const onnx::NodeProto& node, int64_t opset,
                                  const std::vector<const Tensor*>& inputs);

// Multiply-adds one Gemm or MatMul may cost: bounds the time a hostile file can take.
constexpr int64_t kMaxOperations = int64_t{1} << 28;

}  // namespace tools
}  // namespace softedge

#endif
