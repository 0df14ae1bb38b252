// onnx_evaluator.cpp — see onnx_evaluator.h. Each operator follows its ONNX definition for
// opsets 9 to 17; only the forms a dense or convolutional network uses are implemented, the
// rest throw. Conv and the pooling operators are in onnx_window_ops.cpp.
#include "softedge/tools/onnx_evaluator.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "softedge/tools/onnx_attributes.h"
#include "softedge/tools/onnx_window_ops.h"

namespace softedge {
namespace tools {

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int32_t kDouble = onnx::TensorProto_DataType_DOUBLE;

bool is_float_type(int32_t type) { return type == kFloat || type == kDouble; }

const Tensor& required(const std::vector<const Tensor*>& inputs, size_t index, const char* what) {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    throw OnnxTensorError(std::string("needs its ") + what + " input");
  }
  return *inputs[index];
}

// An axis attribute in [-rank, rank) (or [-rank, rank] when `inclusive`) made non-negative.
int64_t normalized_axis(int64_t axis, size_t rank, bool inclusive, const char* what) {
  const int64_t r = static_cast<int64_t>(rank);
  const int64_t upper = inclusive ? r : r - 1;
  if (axis < -r || axis > upper) {
    throw OnnxTensorError(std::string(what) + " " + std::to_string(axis) + " is outside a " +
                          std::to_string(rank) + "-D tensor");
  }
  return axis < 0 ? axis + r : axis;
}

// Rounds to the element type, as storing in a tensor of that type would. Integer results
// outside the type's range are an error (a C++ conversion would be undefined).
double stored_as(int32_t type, double value) {
  switch (type) {
    case kFloat:
      return static_cast<float>(value);
    case kDouble:
      return value;
    case onnx::TensorProto_DataType_BOOL:
      return value != 0.0 ? 1.0 : 0.0;
    default:
      break;
  }
  double low = -9.2e18, high = 9.2e18;  // INT64, kept inside the exactly representable range
  if (type == onnx::TensorProto_DataType_INT32) low = INT32_MIN, high = INT32_MAX;
  if (type == onnx::TensorProto_DataType_UINT8) low = 0, high = 255;
  if (type == onnx::TensorProto_DataType_INT8) low = -128, high = 127;
  if (!(value >= low && value <= high)) {
    throw OnnxTensorError("a value (" + std::to_string(value) + ") does not fit " +
                          type_name(type));
  }
  return std::trunc(value);
}

// numpy-style (multidirectional) broadcasting of a binary operation.
Tensor broadcast(const Tensor& a, const Tensor& b,
                 const std::function<double(double, double)>& op) {
  if (a.type != b.type) {
    throw OnnxTensorError("mixes " + type_name(a.type) + " and " + type_name(b.type));
  }
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  std::vector<int64_t> shape(rank), a_dims(rank, 1), b_dims(rank, 1);
  std::copy(a.shape.begin(), a.shape.end(), a_dims.begin() + (rank - a.shape.size()));
  std::copy(b.shape.begin(), b.shape.end(), b_dims.begin() + (rank - b.shape.size()));
  for (size_t d = 0; d < rank; ++d) {
    if (a_dims[d] != b_dims[d] && a_dims[d] != 1 && b_dims[d] != 1) {
      throw OnnxTensorError("cannot broadcast " + shape_text(a.shape) + " with " +
                            shape_text(b.shape));
    }
    shape[d] = a_dims[d] == 1 ? b_dims[d] : a_dims[d];
  }
  Tensor out;
  out.type = a.type;
  out.shape = shape;
  const int64_t count = element_count(shape);
  out.values.resize(static_cast<size_t>(count));
  // Row-major strides of each operand, 0 along broadcast dimensions.
  std::vector<int64_t> a_stride(rank, 0), b_stride(rank, 0);
  for (int64_t d = static_cast<int64_t>(rank) - 1, sa = 1, sb = 1; d >= 0; --d) {
    a_stride[d] = a_dims[d] == 1 ? 0 : sa;
    b_stride[d] = b_dims[d] == 1 ? 0 : sb;
    sa *= a_dims[d];
    sb *= b_dims[d];
  }
  std::vector<int64_t> index(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t n = 0; n < count; ++n) {
    out.values[static_cast<size_t>(n)] = stored_as(
        out.type, op(a.values[static_cast<size_t>(ia)], b.values[static_cast<size_t>(ib)]));
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {  // next index, odometer
      ia += a_stride[d];
      ib += b_stride[d];
      if (++index[d] < shape[d]) break;
      ia -= a_stride[d] * shape[d];
      ib -= b_stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

Tensor binary(const std::string& op, const Tensor& a, const Tensor& b) {
  const bool integer = !is_float_type(a.type);
  if (op == "Add") return broadcast(a, b, std::plus<double>());
  if (op == "Sub") return broadcast(a, b, std::minus<double>());
  if (op == "Mul") return broadcast(a, b, std::multiplies<double>());
  return broadcast(a, b, [integer](double x, double y) {
    if (integer && y == 0) throw OnnxTensorError("divides an integer by zero");
    return integer ? std::trunc(x / y) : x / y;
  });
}

void require_float(const Tensor& t, const char* what) {
  if (!is_float_type(t.type)) {
    throw OnnxTensorError(std::string(what) + " is " + type_name(t.type) + ", not FLOAT");
  }
}

void require_operations(int64_t m, int64_t k, int64_t n) {
  if (m != 0 && k != 0 && n != 0 && (m > kMaxOperations / k || m * k > kMaxOperations / n)) {
    throw OnnxTensorError("would take more than " + std::to_string(kMaxOperations) +
                          " multiply-adds");
  }
}

// A factor of a product, used as stored or transposed.
struct Factor {
  const Tensor& values;
  bool transposed;
};

// The added term beta * C (none when `c` is null), C broadcast from [rows, cols] to [M, N].
struct Addend {
  const Tensor* c;
  int64_t rows, cols;
  double beta;
};

// Y[M, N] = alpha * A' * B' + beta * C in double precision, rounded to A's type; shapes were
// checked by the caller. Shared by Gemm and MatMul (alpha 1 and no C give the plain sums).
Tensor product(Factor a, Factor b, int64_t m, int64_t k, int64_t n, double alpha,
               Addend addend) {
  Tensor y;
  y.type = a.values.type;
  y.shape = {m, n};
  y.values.assign(static_cast<size_t>(element_count(y.shape)), 0.0);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) {
        const double av =
            a.values.values[static_cast<size_t>(a.transposed ? p * m + i : i * k + p)];
        const double bv =
            b.values.values[static_cast<size_t>(b.transposed ? j * k + p : p * n + j)];
        sum += av * bv;
      }
      double value = alpha * sum;
      if (addend.c != nullptr) {
        value += addend.beta * addend.c->values[static_cast<size_t>(
                                   (addend.rows == 1 ? 0 : i) * addend.cols +
                                   (addend.cols == 1 ? 0 : j))];
      }
      y.values[static_cast<size_t>(i * n + j)] = stored_as(y.type, value);
    }
  }
  return y;
}

// Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (likewise B), C broadcast to [M, N].
Tensor gemm(const onnx::NodeProto& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& a = required(inputs, 0, "A");
  const Tensor& b = required(inputs, 1, "B");
  const Tensor* c = inputs.size() > 2 ? inputs[2] : nullptr;
  require_float(a, "A");
  require_float(b, "B");
  if (a.shape.size() != 2 || b.shape.size() != 2) {
    throw OnnxTensorError("needs 2-D A and B, not " + shape_text(a.shape) + " and " +
                          shape_text(b.shape));
  }
  const bool trans_a = int_attribute(node, "transA", 0) != 0;
  const bool trans_b = int_attribute(node, "transB", 0) != 0;
  const double alpha = float_attribute(node, "alpha", 1.0);
  const double beta = float_attribute(node, "beta", 1.0);
  const int64_t m = a.shape[trans_a ? 1 : 0], k = a.shape[trans_a ? 0 : 1];
  const int64_t n = b.shape[trans_b ? 0 : 1];
  if (b.shape[trans_b ? 1 : 0] != k) {
    throw OnnxTensorError("A " + shape_text(a.shape) + " and B " + shape_text(b.shape) +
                          " do not multiply (transA=" + std::to_string(trans_a) +
                          ", transB=" + std::to_string(trans_b) + ")");
  }
  require_operations(m, k, n);
  int64_t c_rows = 1, c_cols = 1;
  if (c != nullptr) {
    require_float(*c, "C");
    if (c->shape.size() > 2) throw OnnxTensorError("C " + shape_text(c->shape) + " is not 2-D");
    if (!c->shape.empty()) c_cols = c->shape.back();
    if (c->shape.size() == 2) c_rows = c->shape[0];
    if ((c_rows != 1 && c_rows != m) || (c_cols != 1 && c_cols != n)) {
      throw OnnxTensorError("C " + shape_text(c->shape) + " does not broadcast to [" +
                            std::to_string(m) + ", " + std::to_string(n) + "]");
    }
  }
  return product({a, trans_a}, {b, trans_b}, m, k, n, alpha, {c, c_rows, c_cols, beta});
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  require_float(a, "A");
  require_float(b, "B");
  if (a.shape.size() != 2 || b.shape.size() != 2 || a.shape[1] != b.shape[0]) {
    throw OnnxTensorError("multiplies " + shape_text(a.shape) + " by " + shape_text(b.shape) +
                          " (only 2-D matrices are implemented)");
  }
  const int64_t m = a.shape[0], k = a.shape[1], n = b.shape[1];
  require_operations(m, k, n);
  return product({a, false}, {b, false}, m, k, n, 1.0, {nullptr, 1, 1, 0.0});
}

Tensor reshaped(const Tensor& x, std::vector<int64_t> shape) {
  if (element_count(shape) != static_cast<int64_t>(x.values.size())) {
    throw OnnxTensorError("cannot reshape " + shape_text(x.shape) + " to " + shape_text(shape));
  }
  Tensor y = x;
  y.shape = std::move(shape);
  return y;
}

Tensor flatten(const onnx::NodeProto& node, const Tensor& x) {
  const int64_t axis =
      normalized_axis(int_attribute(node, "axis", 1), x.shape.size(), true, "axis");
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[static_cast<size_t>(d)];
  const int64_t count = static_cast<int64_t>(x.values.size());
  return reshaped(x, {outer, outer == 0 ? 0 : count / outer});
}

// ONNX Reshape: 0 copies the input dimension (unless allowzero, opset 14), -1 is inferred.
Tensor reshape(const onnx::NodeProto& node, const Tensor& x, const Tensor& target) {
  if (target.type != onnx::TensorProto_DataType_INT64 || target.shape.size() != 1) {
    throw OnnxTensorError("needs a 1-D INT64 shape, not " + type_name(target.type) + " " +
                          shape_text(target.shape));
  }
  const bool allow_zero = int_attribute(node, "allowzero", 0) != 0;
  std::vector<int64_t> shape;
  int64_t known = 1;
  int inferred = -1;
  for (size_t d = 0; d < target.values.size(); ++d) {
    int64_t dim = whole_number(target.values[d]);
    if (dim == 0 && !allow_zero) {
      if (d >= x.shape.size())
        throw OnnxTensorError("copies dimension " + std::to_string(d) + " the input lacks");
      dim = x.shape[d];
    }
    if (dim == -1) {
      if (inferred >= 0) throw OnnxTensorError("has two -1 dimensions");
      inferred = static_cast<int>(d);
      shape.push_back(1);
      continue;
    }
    if (dim < 0) throw OnnxTensorError("has the dimension " + std::to_string(dim));
    shape.push_back(dim);
    known = dim == 0 ? 0 : known * std::min<int64_t>(dim, kMaxTensorElements + 1);
    if (known > kMaxTensorElements) throw OnnxTensorError("asks for too many elements");
  }
  if (inferred >= 0) {
    const int64_t count = static_cast<int64_t>(x.values.size());
    if (known == 0 || count % known != 0) {
      throw OnnxTensorError("cannot infer -1 reshaping " + shape_text(x.shape));
    }
    shape[static_cast<size_t>(inferred)] = count / known;
  }
  return reshaped(x, shape);
}

Tensor transpose(const onnx::NodeProto& node, const Tensor& x) {
  const size_t rank = x.shape.size();
  std::vector<int64_t> perm = ints_attribute(node, "perm");
  if (perm.empty()) {
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  }
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank) throw OnnxTensorError("perm does not match the rank");
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)]) {
      throw OnnxTensorError("perm is not a permutation");
    }
    seen[static_cast<size_t>(p)] = true;
  }
  Tensor y;
  y.type = x.type;
  for (int64_t p : perm) y.shape.push_back(x.shape[static_cast<size_t>(p)]);
  y.values.resize(x.values.size());
  // The input offset moves by in_stride[perm[d]] along output dimension d.
  std::vector<int64_t> in_stride(rank), step(rank);
  int64_t stride = 1;
  for (size_t d = rank; d > 0; --d) {
    in_stride[d - 1] = stride;
    stride *= x.shape[d - 1];
  }
  for (size_t d = 0; d < rank; ++d) step[d] = in_stride[static_cast<size_t>(perm[d])];
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (size_t n = 0; n < y.values.size(); ++n) {
    y.values[n] = x.values[static_cast<size_t>(offset)];
    for (size_t d = rank; d > 0; --d) {  // next output index, odometer
      offset += step[d - 1];
      if (++index[d - 1] < y.shape[d - 1]) break;
      offset -= step[d - 1] * y.shape[d - 1];
      index[d - 1] = 0;
    }
  }
  return y;
}

Tensor cast(const onnx::NodeProto& node, const Tensor& x) {
  const int64_t to = int_attribute(node, "to", 0);
  Tensor y = x;
  y.type = static_cast<int32_t>(to);
  switch (to) {
    case kFloat:
    case kDouble:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_INT32:
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_BOOL:
      break;
    default:
      throw OnnxTensorError("casts to " + type_name(static_cast<int32_t>(to)) +
                            ", which the importer does not implement");
  }
  for (double& v : y.values) v = stored_as(y.type, v);
  return y;
}

// Gather from a 1-D table (a lookup table): out[i] = table[indices[i]].
Tensor gather(const onnx::NodeProto& node, const Tensor& table, const Tensor& indices) {
  if (table.shape.size() != 1)
    throw OnnxTensorError("gathers from a " + shape_text(table.shape) +
                          " tensor; only 1-D tables are implemented");
  normalized_axis(int_attribute(node, "axis", 0), 1, false, "axis");
  if (indices.type != onnx::TensorProto_DataType_INT64 &&
      indices.type != onnx::TensorProto_DataType_INT32) {
    throw OnnxTensorError("has " + type_name(indices.type) + " indices");
  }
  Tensor y;
  y.type = table.type;
  y.shape = indices.shape;
  const int64_t size = table.shape[0];
  for (double index : indices.values) {
    const int64_t i = whole_number(index) < 0 ? whole_number(index) + size : whole_number(index);
    if (i < 0 || i >= size)
      throw OnnxTensorError("index " + std::to_string(index) + " is outside the table");
    y.values.push_back(table.values[static_cast<size_t>(i)]);
  }
  return y;
}

Tensor constant(const onnx::NodeProto& node) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    Tensor t;
    if (a.name() == "value") return tensor_from_proto(a.t());
    if (a.name() == "value_float") return Tensor{kFloat, {}, {stored_as(kFloat, a.f())}};
    if (a.name() == "value_int") {
      return Tensor{onnx::TensorProto_DataType_INT64, {}, {static_cast<double>(a.i())}};
    }
    if (a.name() == "value_floats") {
      for (float f : a.floats()) t.values.push_back(f);
      return Tensor{kFloat, {static_cast<int64_t>(t.values.size())}, t.values};
    }
    if (a.name() == "value_ints") {
      for (int64_t i : a.ints()) t.values.push_back(static_cast<double>(i));
      return Tensor{
          onnx::TensorProto_DataType_INT64, {static_cast<int64_t>(t.values.size())}, t.values};
    }
  }
  throw OnnxTensorError("holds no value the importer reads (value, value_float(s), value_int(s))");
}

}  // namespace

bool can_evaluate(const std::string& op) {
  static const char* const kOps[] = {"Constant", "Identity", "Dropout",   "Relu", "Add",
                                     "Sub",      "Mul",      "Div",       "Gemm", "MatMul",
                                     "Flatten",  "Reshape",  "Transpose", "Cast", "Gather",
                                     "Sigmoid",  "Conv",     "MaxPool",   "AveragePool",
                                     "Pad"};
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

std::vector<Tensor> evaluate_node(const onnx::NodeProto& node, int64_t opset,
                                  const std::vector<const Tensor*>& inputs) {
  // These operators compute the same in opsets 9-17 (attributes with defaults); Pad takes its
  // pads as an attribute before opset 11 and as an input from 11.
  const std::string& op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    throw OnnxTensorError("is in the domain '" + node.domain() + "', not the ONNX default");
  }
  if (op == "Constant") return {constant(node)};
  if (op == "Identity") return {required(inputs, 0, "data")};
  if (op == "Dropout") {
    if (inputs.size() > 2 && inputs[2] != nullptr &&
        (inputs[2]->values.size() != 1 || inputs[2]->values[0] != 0.0)) {
      throw OnnxTensorError("runs in training mode");
    }
    const Tensor& x = required(inputs, 0, "data");
    Tensor mask{onnx::TensorProto_DataType_BOOL, x.shape,
                std::vector<double>(x.values.size(), 1.0)};
    return {x, mask};
  }
  if (op == "Relu") {
    Tensor y = required(inputs, 0, "X");
    require_float(y, "X");
    for (double& v : y.values) v = v > 0 ? v : 0.0;
    return {y};
  }
  if (op == "Pad") {  // only the padding by nothing that torch.onnx.export writes
    std::vector<int64_t> pads = ints_attribute(node, "pads");
    if (opset >= 11 && inputs.size() > 1 && inputs[1] != nullptr) {
      pads.clear();
      for (double v : inputs[1]->values) pads.push_back(whole_number(v));
    }
    for (int64_t p : pads) {
      if (p != 0) throw OnnxTensorError("pads by a non-zero amount, which is not implemented");
    }
    return {required(inputs, 0, "data")};
  }
  if (op == "Sigmoid") {
    Tensor y = required(inputs, 0, "X");
    require_float(y, "X");
    for (double& v : y.values) v = stored_as(y.type, 1.0 / (1.0 + std::exp(-v)));
    return {y};
  }
  if (op == "Conv") {
    return {evaluate_conv(node, required(inputs, 0, "X"), required(inputs, 1, "W"),
                          inputs.size() > 2 ? inputs[2] : nullptr)};
  }
  if (op == "MaxPool" || op == "AveragePool") {
    if (node.output_size() > 1) throw OnnxTensorError("has an Indices output, not implemented");
    return {evaluate_pool(node, required(inputs, 0, "X"), op == "MaxPool")};
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    return {binary(op, required(inputs, 0, "A"), required(inputs, 1, "B"))};
  }
  if (op == "Gemm") return {gemm(node, inputs)};
  if (op == "MatMul") return {matmul(required(inputs, 0, "A"), required(inputs, 1, "B"))};
  if (op == "Flatten") return {flatten(node, required(inputs, 0, "input"))};
  if (op == "Reshape")
    return {reshape(node, required(inputs, 0, "data"), required(inputs, 1, "shape"))};
  if (op == "Transpose") return {transpose(node, required(inputs, 0, "data"))};
  if (op == "Cast") return {cast(node, required(inputs, 0, "input"))};
  if (op == "Gather")
    return {gather(node, required(inputs, 0, "data"), required(inputs, 1, "indices"))};
  throw OnnxTensorError("is not an operator the importer implements");
}

}  // namespace tools
}  // namespace softedge
