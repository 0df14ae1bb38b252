// test_onnx_units.cpp — the pieces under `softedge import` / `export-onnx`, one at a time: the
// reference evaluator's operators against hand-computed values, the TensorProto reader's checks,
// dequantization of int8 layers, the bounded file reader and the number parser. (The commands
// end to end: tests/host/onnx_cases.py and onnx_round_trip.py.)
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host_fixtures.h"
#include "softedge/host/bounded_file.h"
#include "softedge/host/file_io.h"
#include "softedge/tools/dequantize.h"
#include "softedge/tools/onnx_evaluator.h"
#include "softedge/tools/onnx_tensor.h"

namespace host = softedge::host;

namespace tools = softedge::tools;
using tools::Tensor;

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int32_t kInt64 = onnx::TensorProto_DataType_INT64;

onnx::NodeProto node(const std::string& op, int inputs) {
  onnx::NodeProto n;
  n.set_op_type(op);
  for (int i = 0; i < inputs; ++i) n.add_input("in" + std::to_string(i));
  n.add_output("out");
  return n;
}

void set_int(onnx::NodeProto* n, const std::string& name, int64_t value) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(value);
}

void set_float(onnx::NodeProto* n, const std::string& name, float value) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  a->set_f(value);
}

Tensor run(const onnx::NodeProto& n, const std::vector<const Tensor*>& inputs) {
  return tools::evaluate_node(n, 13, inputs).at(0);
}

}  // namespace

TEST_CASE("onnx evaluator: Add broadcasts [2, 1] with [1, 3] as numpy does") {
  const Tensor a{kFloat, {2, 1}, {1, 2}};
  const Tensor b{kFloat, {1, 3}, {10, 20, 30}};
  const Tensor y = run(node("Add", 2), {&a, &b});
  CHECK(y.shape == std::vector<int64_t>{2, 3});
  CHECK(y.values == std::vector<double>{11, 21, 31, 12, 22, 32});
  const Tensor c{kFloat, {2}, {1, 2}};
  CHECK_THROWS_WITH_AS(run(node("Mul", 2), {&b, &c}), doctest::Contains("cannot broadcast"),
                       tools::OnnxTensorError);
  const Tensor i{kInt64, {1}, {7}};
  CHECK_THROWS_WITH_AS(run(node("Add", 2), {&a, &i}), doctest::Contains("mixes FLOAT and INT64"),
                       tools::OnnxTensorError);
}

TEST_CASE("onnx evaluator: Gemm honours transA, transB, alpha, beta and broadcasts C") {
  // A' = [[1, 2], [3, 4]] given transposed; B' = [[1, 0, 2], [0, 1, 3]] given transposed.
  const Tensor a{kFloat, {2, 2}, {1, 3, 2, 4}};
  const Tensor b{kFloat, {3, 2}, {1, 0, 0, 1, 2, 3}};
  const Tensor c{kFloat, {3}, {100, 200, 300}};
  onnx::NodeProto n = node("Gemm", 3);
  set_int(&n, "transA", 1);
  set_int(&n, "transB", 1);
  set_float(&n, "alpha", 2.0f);
  set_float(&n, "beta", 0.5f);
  const Tensor y = run(n, {&a, &b, &c});
  // A'B' = [[1, 2, 8], [3, 4, 18]]; 2 * that + 0.5 * C.
  CHECK(y.shape == std::vector<int64_t>{2, 3});
  CHECK(y.values == std::vector<double>{52, 104, 166, 56, 108, 186});
  const Tensor wrong_c{kFloat, {2, 2}, {0, 0, 0, 0}};
  CHECK_THROWS_WITH_AS(run(n, {&a, &b, &wrong_c}), doctest::Contains("does not broadcast"),
                       tools::OnnxTensorError);
}

TEST_CASE("onnx evaluator: Reshape copies 0 and infers -1; Flatten; Transpose of 3-D") {
  const Tensor x{kFloat, {2, 3, 4}, std::vector<double>(24, 1.0)};
  const Tensor shape{kInt64, {2}, {0, -1}};
  CHECK(run(node("Reshape", 2), {&x, &shape}).shape == std::vector<int64_t>{2, 12});
  const Tensor bad{kInt64, {2}, {5, -1}};
  CHECK_THROWS_AS(run(node("Reshape", 2), {&x, &bad}), tools::OnnxTensorError);
  onnx::NodeProto flatten = node("Flatten", 1);
  set_int(&flatten, "axis", 2);
  CHECK(run(flatten, {&x}).shape == std::vector<int64_t>{6, 4});

  Tensor counting{kFloat, {2, 3, 4}, {}};
  for (int i = 0; i < 24; ++i) counting.values.push_back(i);
  onnx::NodeProto transpose = node("Transpose", 1);
  onnx::AttributeProto* perm = transpose.add_attribute();
  perm->set_name("perm");
  perm->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int p : {2, 0, 1}) perm->add_ints(p);
  const Tensor t = run(transpose, {&counting});
  REQUIRE(t.shape == std::vector<int64_t>{4, 2, 3});
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 2; ++j) {
      for (int k = 0; k < 3; ++k) CHECK(t.values[(i * 2 + j) * 3 + k] == j * 12 + k * 4 + i);
    }
  }
}

TEST_CASE("onnx evaluator: Cast refuses values outside the type, Gather wraps negative indices") {
  onnx::NodeProto cast = node("Cast", 1);
  set_int(&cast, "to", onnx::TensorProto_DataType_UINT8);
  const Tensor big{kFloat, {1}, {300}};
  CHECK_THROWS_WITH_AS(run(cast, {&big}), doctest::Contains("does not fit UINT8"),
                       tools::OnnxTensorError);
  const Tensor table{onnx::TensorProto_DataType_UINT8, {4}, {10, 11, 12, 13}};
  const Tensor indices{kInt64, {3}, {0, -1, 2}};
  CHECK(run(node("Gather", 2), {&table, &indices}).values == std::vector<double>{10, 13, 12});
  const Tensor outside{kInt64, {1}, {4}};
  CHECK_THROWS_AS(run(node("Gather", 2), {&table, &outside}), tools::OnnxTensorError);
}

TEST_CASE("onnx evaluator: a Gemm over the multiply-add budget is refused before it runs") {
  // [2^14, 1] x [1, 2^15]: 2^29 multiply-adds, over kMaxOperations (2^28).
  const Tensor a{kFloat, {1 << 14, 1}, std::vector<double>(1 << 14, 1.0)};
  const Tensor b{kFloat, {1, 1 << 15}, std::vector<double>(1 << 15, 1.0)};
  CHECK_THROWS_WITH_AS(run(node("Gemm", 2), {&a, &b}), doctest::Contains("multiply-adds"),
                       tools::OnnxTensorError);
}

TEST_CASE("onnx tensors: bounds on shapes, sizes and whole numbers") {
  CHECK(tools::element_count({2, 3, 4}) == 24);
  CHECK(tools::element_count({0, 5}) == 0);
  CHECK_THROWS_AS(tools::element_count({-1, 4}), tools::OnnxTensorError);
  CHECK_THROWS_AS(tools::element_count({1 << 13, 1 << 13}), tools::OnnxTensorError);
  // A zero dimension does not let the others grow without bound (strides stay finite).
  CHECK_THROWS_AS(tools::element_count({0, 1 << 20, 1 << 20}), tools::OnnxTensorError);
  CHECK_THROWS_AS(tools::element_count(std::vector<int64_t>(9, 1)), tools::OnnxTensorError);
  CHECK(tools::whole_number(9.3e18) == (int64_t{1} << 62));
  CHECK(tools::whole_number(-1e300) == -(int64_t{1} << 62));
  CHECK(tools::whole_number(NAN) == -(int64_t{1} << 62));
  CHECK(tools::whole_number(-7.9) == -7);
}

TEST_CASE("onnx tensors: TensorProto data that does not match its shape or lives elsewhere") {
  onnx::TensorProto t;
  t.set_data_type(kFloat);
  t.add_dims(2);
  t.add_dims(2);
  t.set_raw_data(std::string(12, '\0'));  // 3 floats for 4 elements
  CHECK_THROWS_WITH_AS(tools::tensor_from_proto(t), doctest::Contains("12 bytes of raw data for 4"),
                       tools::OnnxTensorError);
  t.clear_raw_data();
  for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) t.add_float_data(v);
  CHECK(tools::tensor_from_proto(t).values == std::vector<double>{1, 2, 3, 4});
  t.add_float_data(5.0f);
  CHECK_THROWS_AS(tools::tensor_from_proto(t), tools::OnnxTensorError);
  t.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  CHECK_THROWS_WITH_AS(tools::tensor_from_proto(t), doctest::Contains("external file"),
                       tools::OnnxTensorError);
  onnx::TensorProto half;
  half.set_data_type(onnx::TensorProto_DataType_FLOAT16);
  CHECK_THROWS_WITH_AS(tools::tensor_from_proto(half), doctest::Contains("FLOAT16"),
                       tools::OnnxTensorError);
}

TEST_CASE("dequantized(): int8 layers become q * scale, hidden layers q * m * 2^-(31+shift)") {
  host::ModelSpec spec;
  spec.input_height = 1;
  spec.input_width = 2;
  spec.input_lut.assign(256, 7);
  spec.input_scale = 1.0f / 255.0f;
  spec.class_names = {"a", "b"};
  host::DenseLayerSpec hidden;
  hidden.in_features = 2;
  hidden.out_features = 2;
  hidden.activation = softedge::format::Activation::kRelu;
  hidden.weight_type = softedge::format::DType::kInt8;
  hidden.weights_i8 = {1, -2, 127, -128};
  hidden.bias_i32 = {100, -50};
  hidden.output_scale = 0.25f;
  hidden.requant = {1 << 30, 0, 1 << 30, 2};  // M = 2^30 * 2^-31 = 0.5, then 0.125
  host::DenseLayerSpec last = hidden;
  last.activation = softedge::format::Activation::kNone;
  last.output_scale = 0.0f;
  last.requant.clear();
  last.scales = {0.01f, 0.02f};
  spec.layers = {hidden, last};

  const host::ModelSpec f = tools::dequantized(spec);
  CHECK(f.input_scale == 1.0f);  // an int8 first layer reads lut(pixel) itself
  CHECK(f.input_bias == 0.0f);
  CHECK(f.input_lut == spec.input_lut);
  REQUIRE(f.layers.size() == 2);
  CHECK(f.layers[0].weight_type == softedge::format::DType::kFloat32);
  CHECK(f.layers[0].weights == std::vector<float>{0.5f, -1.0f, 0.125f * 127, 0.125f * -128});
  CHECK(f.layers[0].bias == std::vector<float>{50.0f, -6.25f});
  CHECK(f.layers[0].activation == softedge::format::Activation::kRelu);
  CHECK(f.layers[1].weights == std::vector<float>{static_cast<float>(1 * double{0.01f}),
                                                  static_cast<float>(-2 * double{0.01f}),
                                                  static_cast<float>(127 * double{0.02f}),
                                                  static_cast<float>(-128 * double{0.02f})});
  CHECK(f.layers[1].weights_i8.empty());
  CHECK(host::encode_model(f).size() > 0);  // a valid float model
}

TEST_CASE("read_file_at_most: the limit, and the file named in errors") {
  fixtures::TempDir dir;
  const std::string path = dir.write("five.bin", {1, 2, 3, 4, 5});
  CHECK(host::read_file_at_most(path, 5).size() == 5);
  CHECK_THROWS_WITH_AS(host::read_file_at_most(path, 4), doctest::Contains("five.bin: larger than"),
                       host::FileError);
  CHECK_THROWS_WITH_AS(host::read_file_at_most(dir.path() + "/none", 4),
                       doctest::Contains("none: cannot open"), host::FileError);
}
