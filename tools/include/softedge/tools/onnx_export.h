// softedge/tools/onnx_export.h — a float softedge model as a standard ONNX graph (opset 13):
//
//   pixels: UINT8 [batch, C, H, W]         the raw pixels, as the runtime takes them
//   [Cast to INT64, Gather(table)]         the input lookup table, if the model has one
//   Cast to FLOAT, Mul(input_scale)[, Add(input_bias)]
//   Flatten(axis 1), then per layer Gemm(transB 1) [+ Relu | Sigmoid]
//   Softmax(axis 1) -> probabilities: FLOAT [batch, classes]
//
// A model starting with convolution or pooling layers keeps the [batch, C, H, W] features:
// Conv (weights OHWI -> OIHW, kernel_shape, strides, pads) [+ Relu | Sigmoid], MaxPool /
// AveragePool, then Flatten before the first dense layer, whose columns go from softedge's
// (h, w, c) order back to ONNX's (c, h, w).
//
// Class names are in the metadata (softedge.class_names, one per line), so `softedge import`
// of the exported file rebuilds the same .sedg bytes.
#ifndef SOFTEDGE_TOOLS_ONNX_EXPORT_H
#define SOFTEDGE_TOOLS_ONNX_EXPORT_H

#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>
#include "softedge/host/model_writer.h"

namespace softedge {
namespace tools {

constexpr int64_t kExportOpset = 13;

// `spec` must be all float32 (see dequantized()). Throws std::invalid_argument for a class
// name holding a line break (the metadata separates names by lines).
onnx::ModelProto export_onnx(const host::ModelSpec& spec, const std::string& description);

}  // namespace tools
}  // namespace softedge

#endif
