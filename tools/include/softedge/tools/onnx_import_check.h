// softedge/tools/onnx_import_check.h — after converting a graph, run the encoded .sedg bytes through the
// runtime and the ONNX graph through the reference evaluator on the same few images, and
// compare. The runtime returns probabilities, not logits, so the comparison is of
// log-probabilities: the logits minus their log-sum-exp, the same up to the one constant
// per image that softmax removes.
#ifndef SOFTEDGE_TOOLS_ONNX_IMPORT_CHECK_H
#define SOFTEDGE_TOOLS_ONNX_IMPORT_CHECK_H

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include "softedge/tools/onnx_import.h"

namespace softedge {
namespace tools {

struct ImportCheck {
  uint32_t images = 0;
  uint32_t same_top_class = 0;  // images where the runtime and the reference agree
  double max_delta = 0;         // largest |log p_runtime - log p_reference|
  double tolerance = 0;         // what max_delta must stay within
  bool passed() const { return max_delta <= tolerance; }
};

constexpr uint32_t kCheckImages = 8;

// Throws OnnxImportError if the runtime rejects the bytes or the graph cannot be evaluated.
ImportCheck check_import(const onnx::ModelProto& model, const ImportedModel& imported,
                         const std::vector<uint8_t>& model_bytes, const std::string& file);

}  // namespace tools
}  // namespace softedge

#endif
