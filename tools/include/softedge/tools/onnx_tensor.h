// softedge/tools/onnx_tensor.h — ONNX tensors as the importer holds them: an element type, a shape and the
// values as doubles (which hold float32, uint8 and the int64 of shapes exactly).
//
// Reading a TensorProto checks everything a hostile file could get wrong: the element type,
// data stored in an external file, negative or overflowing dimensions, and a byte count that
// does not match the shape. Failures throw OnnxTensorError with the reason only; the caller
// adds the file and the node.
#ifndef SOFTEDGE_TOOLS_ONNX_TENSOR_H
#define SOFTEDGE_TOOLS_ONNX_TENSOR_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace softedge {
namespace tools {

class OnnxTensorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The most elements one tensor may hold (32 Mi: a 128 MB float32 weight matrix). Keeps a
// hostile shape or broadcast from exhausting memory.
constexpr int64_t kMaxTensorElements = int64_t{1} << 25;
constexpr size_t kMaxRank = 8;

struct Tensor {
  int32_t type = onnx::TensorProto_DataType_FLOAT;  // TensorProto::DataType
  std::vector<int64_t> shape;
  std::vector<double> values;  // row-major
};

// "FLOAT", "UINT8", ... for messages.
std::string type_name(int32_t type);

// The element count of `shape`; throws OnnxTensorError if a dimension is negative, there are
// more than kMaxRank dimensions, or the count — with zero dimensions counted as 1, so that no
// stride computed from the shape can overflow — exceeds kMaxTensorElements.
int64_t element_count(const std::vector<int64_t>& shape);

// `value` as a whole number, clamped to +-2^62 (a file's INT64 2^63 - 1 is 2^63 as a double,
// which a plain conversion back would leave undefined).
int64_t whole_number(double value);

// "[1, 784]" for messages.
std::string shape_text(const std::vector<int64_t>& shape);

// Reads FLOAT, DOUBLE, UINT8, INT8, INT32, INT64 and BOOL tensors (anything else throws).
Tensor tensor_from_proto(const onnx::TensorProto& proto);

// Stores `tensor` (FLOAT, UINT8 or INT64) in `proto` as raw little-endian data.
void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto);

}  // namespace tools
}  // namespace softedge

#endif
