// softedge/tools/onnx_import.h — an ONNX graph of dense, convolution and pooling layers as a
// softedge model.
//
// Accepted: one chain from the single graph input to the single graph output, made of
//   Flatten, Reshape                        (to [N, features]; the batch dimension stays; a
//                                            flattened conv/pool output [N, C, H, W] makes the
//                                            next dense layer's columns (h, w, c) ordered)
//   Gemm (transA 0, any transB/alpha/beta), MatMul [+ Add]      -> a dense layer
//   Add, Sub, Mul, Div by a constant        (before the first layer: one scalar, folded into
//                                            the input scale/bias; after a layer: a scalar
//                                            or one value per output, folded into it)
//   Conv (2-D, square kernel, one stride, symmetric pads, group 1, no dilation)
//                                           -> a conv layer, weights OIHW -> OHWI
//   MaxPool, AveragePool (square, no pads)  -> a pooling layer
//   Relu, Sigmoid                           (the layer's activation)
//   Identity, Dropout (inference)           (nothing)
//   Softmax, LogSoftmax                     (last; dropped, the runtime ends in softmax)
// and, for a graph that takes uint8 pixels: Cast to float, and a 256-entry uint8 Gather table
// (the input lookup table). Nodes that read only constants are folded. Opsets 9 to 17.
// Everything else is an OnnxImportError naming the file, the node, the opset and why.
#ifndef SOFTEDGE_TOOLS_ONNX_IMPORT_H
#define SOFTEDGE_TOOLS_ONNX_IMPORT_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include "softedge/host/model_writer.h"
#include "softedge/tools/onnx_model_file.h"

namespace softedge {
namespace tools {

struct ImportOptions {
  // How a float graph input is made from a pixel p: x = p * scale + bias. Default: torchvision's
  // ToTensor, p / 255. Not allowed for graphs that take uint8 pixels themselves.
  std::optional<double> input_scale, input_bias;
  std::string preprocessing_origin;  // e.g. "--mean 0.286 --std 0.353", for the report
  // Overrides the input shape of the graph (height, width, channels).
  std::optional<uint32_t> height, width, channels;
  // Given class names (from --classes), else the graph's softedge.class_names metadata,
  // Fashion-MNIST's, or class0..classN-1.
  std::vector<std::string> class_names;
  std::string class_names_origin;
};

struct ImportedModel {
  host::ModelSpec spec;
  int64_t opset = 0;
  std::string producer;            // "pytorch 1.13.1"
  std::vector<std::string> steps;  // what each group of nodes became, for the report
  std::string input_note, preprocessing_note, class_names_note;
  // For the reference evaluation: the graph input, how a pixel becomes its value, and the
  // value holding the logits (the input of a final Softmax, or the graph output).
  std::string input_name, logits_name;
  std::vector<int64_t> input_dims;  // the graph input's shape after the batch dimension
  bool input_is_uint8 = false;
  // The model starts with a convolution or pooling layer, which reads the pixels as H x W x C
  // (NHWC) while the graph input is [N, C, H, W]: the check reorders its images to match.
  bool spatial_input = false;
  double feed_scale = 1.0, feed_bias = 0.0;
};

// Converts a parsed, checked model. Throws OnnxImportError.
ImportedModel import_onnx(const onnx::ModelProto& model, const std::string& file,
                          const ImportOptions& options);

}  // namespace tools
}  // namespace softedge

#endif
