// onnx_tensor.cpp — see onnx_tensor.h.
#include "softedge/tools/onnx_tensor.h"

#include <cstring>

namespace softedge {
namespace tools {

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ONNX raw_data is little-endian; this reader copies it as host values"
#endif

namespace {

using DataType = onnx::TensorProto_DataType;

// Bytes per element in raw_data; 0 for types this reader does not take.
size_t element_size(int32_t type) {
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_INT32:
      return 4;
    case onnx::TensorProto_DataType_DOUBLE:
    case onnx::TensorProto_DataType_INT64:
      return 8;
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_BOOL:
      return 1;
    default:
      return 0;
  }
}

template <class T>
double load_raw(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return static_cast<double>(value);
}

double raw_value(int32_t type, const char* p) {
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT:
      return load_raw<float>(p);
    case onnx::TensorProto_DataType_DOUBLE:
      return load_raw<double>(p);
    case onnx::TensorProto_DataType_INT32:
      return load_raw<int32_t>(p);
    case onnx::TensorProto_DataType_INT64:
      return load_raw<int64_t>(p);
    case onnx::TensorProto_DataType_UINT8:
      return load_raw<uint8_t>(p);
    case onnx::TensorProto_DataType_INT8:
      return load_raw<int8_t>(p);
    default:
      return load_raw<uint8_t>(p) != 0 ? 1.0 : 0.0;  // BOOL
  }
}

template <class Field>
void copy_typed(const Field& field, int64_t count, std::vector<double>* values) {
  if (field.size() != count) {
    throw OnnxTensorError("holds " + std::to_string(field.size()) + " values for " +
                          std::to_string(count) + " elements");
  }
  values->assign(field.begin(), field.end());
}

}  // namespace

std::string type_name(int32_t type) {
  if (!onnx::TensorProto_DataType_IsValid(type)) return "type " + std::to_string(type);
  return onnx::TensorProto_DataType_Name(static_cast<DataType>(type));
}

int64_t element_count(const std::vector<int64_t>& shape) {
  if (shape.size() > kMaxRank) {
    throw OnnxTensorError("has " + std::to_string(shape.size()) + " dimensions, more than " +
                          std::to_string(kMaxRank));
  }
  int64_t count = 1, nonzero = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw OnnxTensorError("has a negative dimension in " + shape_text(shape));
    if (dim != 0 && nonzero > kMaxTensorElements / dim) {
      throw OnnxTensorError("has more than " + std::to_string(kMaxTensorElements) +
                            " elements: " + shape_text(shape));
    }
    nonzero *= dim == 0 ? 1 : dim;
    count *= dim;
  }
  return count;
}

int64_t whole_number(double value) {
  constexpr double kLimit = 4611686018427387904.0;     // 2^62
  if (!(value > -kLimit)) return -(int64_t{1} << 62);  // NaN too
  if (value >= kLimit) return int64_t{1} << 62;
  return static_cast<int64_t>(value);
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + (shape[i] < 0 ? std::string("N") : std::to_string(shape[i]));
  }
  return text + "]";
}

Tensor tensor_from_proto(const onnx::TensorProto& proto) {
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL ||
      proto.external_data_size() > 0) {
    throw OnnxTensorError(
        "keeps its data in an external file (ONNX external data), which the importer does not "
        "read: save the model with every tensor inside it");
  }
  if (proto.has_segment()) throw OnnxTensorError("is a segment of a larger tensor");
  Tensor tensor;
  tensor.type = proto.data_type();
  const size_t size = element_size(tensor.type);
  if (size == 0) {
    throw OnnxTensorError("has element type " + type_name(tensor.type) +
                          "; the importer reads float32 (FLOAT) weights, INT64 shapes and UINT8 "
                          "lookup tables: convert the model to float32 first");
  }
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  const int64_t count = element_count(tensor.shape);

  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(count) * size) {
      throw OnnxTensorError("has " + std::to_string(raw.size()) + " bytes of raw data for " +
                            std::to_string(count) + " elements of " + type_name(tensor.type));
    }
    tensor.values.resize(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      tensor.values[static_cast<size_t>(i)] = raw_value(tensor.type, raw.data() + i * size);
    }
    return tensor;
  }
  switch (tensor.type) {
    case onnx::TensorProto_DataType_FLOAT:
      copy_typed(proto.float_data(), count, &tensor.values);
      break;
    case onnx::TensorProto_DataType_DOUBLE:
      copy_typed(proto.double_data(), count, &tensor.values);
      break;
    case onnx::TensorProto_DataType_INT64:
      copy_typed(proto.int64_data(), count, &tensor.values);
      break;
    default:
      copy_typed(proto.int32_data(), count, &tensor.values);
      break;
  }
  return tensor;
}

void tensor_to_proto(const Tensor& tensor, const std::string& name, onnx::TensorProto* proto) {
  proto->set_name(name);
  proto->set_data_type(tensor.type);
  for (int64_t dim : tensor.shape) proto->add_dims(dim);
  std::string raw;
  for (double value : tensor.values) {
    char bytes[8];
    size_t size = 0;
    if (tensor.type == onnx::TensorProto_DataType_FLOAT) {
      const float f = static_cast<float>(value);
      std::memcpy(bytes, &f, size = sizeof f);
    } else if (tensor.type == onnx::TensorProto_DataType_UINT8) {
      bytes[0] = static_cast<char>(static_cast<uint8_t>(value));
      size = 1;
    } else if (tensor.type == onnx::TensorProto_DataType_INT64) {
      const int64_t v = static_cast<int64_t>(value);
      std::memcpy(bytes, &v, size = sizeof v);
    } else {
      throw std::logic_error("tensor_to_proto: unsupported type " + type_name(tensor.type));
    }
    raw.append(bytes, size);
  }
  proto->set_raw_data(raw);
}

}  // namespace tools
}  // namespace softedge
