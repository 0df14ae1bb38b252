// softedge/tools/onnx_window_ops.h — the reference evaluator's sliding-window operators (Conv,
// MaxPool, AveragePool) on NCHW tensors, computed in double straight from the ONNX
// definitions. Part of onnx_evaluator (evaluate_node calls them); kept apart because they
// share the window arithmetic and nothing else there.
#ifndef SOFTEDGE_TOOLS_ONNX_WINDOW_OPS_H
#define SOFTEDGE_TOOLS_ONNX_WINDOW_OPS_H

#include <onnx/onnx_pb.h>
#include "softedge/tools/onnx_tensor.h"

namespace softedge {
namespace tools {

// Y[n, m, y, x] = B[m] + sum_{c, ky, kx} W[m, c, ky, kx] * X[n, c, y*s - p + ky*d, x*s - p + kx*d]
// (zero outside X). 2-D only; group 1; auto_pad NOTSET or VALID. Throws OnnxTensorError.
Tensor evaluate_conv(const onnx::NodeProto& node, const Tensor& x, const Tensor& w,
                     const Tensor* b);

// MaxPool (`max`) or AveragePool over each channel's windows. 2-D only; ceil_mode 0; auto_pad
// NOTSET or VALID; AveragePool honours count_include_pad. Throws OnnxTensorError.
Tensor evaluate_pool(const onnx::NodeProto& node, const Tensor& x, bool max);

}  // namespace tools
}  // namespace softedge

#endif
