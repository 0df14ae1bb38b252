// test_onnx_conv.cpp — convolutions and pooling in the ONNX tools: the reference evaluator's
// Conv / MaxPool / AveragePool / Sigmoid against hand-computed values, and `import_onnx` of a
// small CNN graph: the converted layers (OIHW -> OHWI weights, the dense layer's columns from
// (c, h, w) to (h, w, c)) run by a plain NHWC forward pass written here must give the logits
// the evaluator computes from the ONNX graph in NCHW. Neither the runtime nor the model writer
// is involved (tests/host/onnx_cases.py runs the commands end to end).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "host/reference_forward.h"
#include "softedge/tools/onnx_evaluator.h"
#include "softedge/tools/onnx_import.h"
#include "softedge/tools/onnx_tensor.h"

namespace tools = softedge::tools;
namespace format = softedge::format;
namespace host = softedge::host;
using tools::Tensor;

namespace {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;

void set_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int64_t v : values) a->add_ints(v);
}

void set_int(onnx::NodeProto* n, const std::string& name, int64_t value) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(value);
}

onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::string& output) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(output);
  for (const std::string& i : inputs) n.add_input(i);
  n.add_output(output);
  return n;
}

Tensor run(const onnx::NodeProto& n, const std::vector<const Tensor*>& inputs) {
  return tools::evaluate_node(n, 13, inputs).at(0);
}

// Deterministic values in [-1, 1).
std::vector<double> pseudo_random(size_t count, uint32_t seed) {
  std::vector<double> v(count);
  for (double& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>((seed >> 8) / 8388608.0 - 1.0);
  }
  return v;
}

}  // namespace

TEST_CASE("onnx evaluator: Conv with stride 2 and padding 1, by hand") {
  // X: 1 x 1 x 3 x 3 = 1..9; W: one 2x2 kernel [[1, 2], [3, 4]]; B = 10.
  const Tensor x{kFloat, {1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  const Tensor w{kFloat, {1, 1, 2, 2}, {1, 2, 3, 4}};
  const Tensor b{kFloat, {1}, {10}};
  onnx::NodeProto n = make_node("Conv", {"x", "w", "b"}, "y");
  set_ints(&n, "strides", {2, 2});
  set_ints(&n, "pads", {1, 1, 1, 1});
  const Tensor y = run(n, {&x, &w, &b});
  // Padded input rows -1..3; windows start at -1 and 1 in each axis: extents (3+2-2)/2+1 = 2.
  // (0,0): only x(0,0)=1 under weight 4 -> 4. (0,1): x(0,1)=2*3 + x(0,2)=3*4 -> 18.
  // (1,0): x(1,0)=4*2 + x(2,0)=7*4 -> 36. (1,1): 5*1 + 6*2 + 8*3 + 9*4 -> 77.
  CHECK(y.shape == std::vector<int64_t>{1, 1, 2, 2});
  CHECK(y.values == std::vector<double>{14, 28, 46, 87});
}

TEST_CASE("onnx evaluator: Conv sums over input channels; two output channels; no bias") {
  const Tensor x{kFloat, {1, 2, 1, 2}, {1, 2, 10, 20}};  // channel 0: 1 2, channel 1: 10 20
  const Tensor w{kFloat, {2, 2, 1, 1}, {1, 1, 2, -1}};   // 1x1 kernels
  const Tensor y = run(make_node("Conv", {"x", "w"}, "y"), {&x, &w, nullptr});
  CHECK(y.shape == std::vector<int64_t>{1, 2, 1, 2});
  CHECK(y.values == std::vector<double>{11, 22, -8, -16});
}

TEST_CASE("onnx evaluator: Conv refuses groups and weights that do not match") {
  const Tensor x{kFloat, {1, 2, 2, 2}, std::vector<double>(8, 1.0)};
  const Tensor w{kFloat, {1, 1, 1, 1}, {1}};
  onnx::NodeProto n = make_node("Conv", {"x", "w"}, "y");
  CHECK_THROWS_AS(run(n, {&x, &w}), tools::OnnxTensorError);
  set_int(&n, "group", 2);
  CHECK_THROWS_AS(run(n, {&x, &w}), tools::OnnxTensorError);
}

TEST_CASE("onnx evaluator: MaxPool and AveragePool 2x2 stride 2, Sigmoid") {
  const Tensor x{kFloat, {1, 1, 2, 4}, {1, -2, 3, 4, 5, 6, -7, 9}};
  onnx::NodeProto max = make_node("MaxPool", {"x"}, "y");
  set_ints(&max, "kernel_shape", {2, 2});
  set_ints(&max, "strides", {2, 2});
  CHECK(run(max, {&x}).values == std::vector<double>{6, 9});
  onnx::NodeProto avg = max;
  avg.set_op_type("AveragePool");
  CHECK(run(avg, {&x}).values == std::vector<double>{2.5, 2.25});
  // Stride 1 (the default): three windows.
  onnx::NodeProto dense = make_node("MaxPool", {"x"}, "y");
  set_ints(&dense, "kernel_shape", {2, 2});
  CHECK(run(dense, {&x}).values == std::vector<double>{6, 6, 9});
  const Tensor s = run(make_node("Sigmoid", {"x"}, "y"), {&x});
  CHECK(s.values[0] == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))));
  CHECK(s.values[1] == doctest::Approx(1.0 / (1.0 + std::exp(2.0))));
}

namespace {

struct Graph {
  onnx::ModelProto model;
  std::map<std::string, Tensor> constants;

  explicit Graph(const std::vector<int64_t>& input_shape) {
    model.set_ir_version(7);
    model.add_opset_import()->set_version(13);
    onnx::ValueInfoProto* in = model.mutable_graph()->add_input();
    in->set_name("x");
    in->mutable_type()->mutable_tensor_type()->set_elem_type(kFloat);
    auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int64_t d : input_shape) shape->add_dim()->set_dim_value(d);
  }
  void constant(const std::string& name, const std::vector<int64_t>& shape, uint32_t seed) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    Tensor t{kFloat, shape, pseudo_random(static_cast<size_t>(count), seed)};
    tools::tensor_to_proto(t, name, model.mutable_graph()->add_initializer());
    constants[name] = t;
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::string& output) {
    return &(*model.mutable_graph()->add_node() = make_node(op, inputs, output));
  }
  void output(const std::string& name) { model.mutable_graph()->add_output()->set_name(name); }

  // The graph evaluated node by node on one NCHW input.
  std::vector<double> evaluate(const Tensor& input) const {
    std::map<std::string, Tensor> values = constants;
    values["x"] = input;
    for (const onnx::NodeProto& n : model.graph().node()) {
      std::vector<const Tensor*> inputs;
      for (const std::string& name : n.input()) inputs.push_back(&values.at(name));
      values[n.output(0)] = tools::evaluate_node(n, 13, inputs).at(0);
    }
    return values.at(model.graph().output(0).name()).values;
  }
};

}  // namespace

TEST_CASE("import_onnx: a CNN's layers, run NHWC, give the ONNX graph's NCHW logits") {
  // [N, 3, 7, 6] -> Conv 4@3x3 pad 1 -> Relu -> MaxPool 2 -> Conv 5@2x2 stride 1 -> Sigmoid
  // -> AveragePool 2 -> Flatten -> Gemm 3 (transB 1). Odd sizes and several input channels, so
  // a wrong index order anywhere changes the logits.
  Graph g({1, 3, 7, 6});
  g.constant("w1", {4, 3, 3, 3}, 1);
  g.constant("b1", {4}, 2);
  g.constant("w2", {5, 4, 2, 2}, 3);
  g.constant("b2", {5}, 4);
  g.constant("w3", {3, 5}, 5);  // the AveragePool output is 1x1x5 here: see below
  g.constant("b3", {3}, 6);
  onnx::NodeProto* conv1 = g.node("Conv", {"x", "w1", "b1"}, "c1");
  set_ints(conv1, "pads", {1, 1, 1, 1});
  set_ints(conv1, "kernel_shape", {3, 3});
  g.node("Relu", {"c1"}, "r1");
  onnx::NodeProto* pool1 = g.node("MaxPool", {"r1"}, "p1");  // 7x6 -> 3x3
  set_ints(pool1, "kernel_shape", {2, 2});
  set_ints(pool1, "strides", {2, 2});
  g.node("Conv", {"p1", "w2", "b2"}, "c2");  // 3x3 -> 2x2
  g.node("Sigmoid", {"c2"}, "s2");
  onnx::NodeProto* pool2 = g.node("AveragePool", {"s2"}, "p2");  // 2x2 -> 1x1
  set_ints(pool2, "kernel_shape", {2, 2});
  g.node("Flatten", {"p2"}, "f");
  set_int(g.node("Gemm", {"f", "w3", "b3"}, "y"), "transB", 1);
  g.output("y");

  const tools::ImportedModel m = tools::import_onnx(g.model, "cnn.onnx", tools::ImportOptions{});
  const host::ModelSpec& spec = m.spec;
  REQUIRE(spec.layers.size() == 5);
  CHECK(spec.input_height == 7);
  CHECK(spec.input_width == 6);
  CHECK(spec.input_channels == 3);
  CHECK(m.spatial_input);
  const host::LayerSpec& c1 = spec.layers[0];
  CHECK(c1.kind == format::LayerKind::kConv2d);
  CHECK(c1.in_features == 7 * 6 * 3);
  CHECK(c1.out_features == 7 * 6 * 4);
  CHECK(c1.kernel_size == 3);
  CHECK(c1.stride == 1);
  CHECK(c1.padding == 1);
  CHECK(c1.activation == format::Activation::kRelu);
  // OHWI: row o = 2, ky = 1, kx = 0, c = 2 is ONNX's w1[2][2][1][0].
  CHECK(c1.weights[2 * 27 + (1 * 3 + 0) * 3 + 2] ==
        static_cast<float>(g.constants["w1"].values[((2 * 3 + 2) * 3 + 1) * 3 + 0]));
  CHECK(spec.layers[1].kind == format::LayerKind::kMaxPool);
  CHECK(spec.layers[1].out_features == 3 * 3 * 4);
  CHECK(spec.layers[2].activation == format::Activation::kSigmoid);
  CHECK(spec.layers[3].kind == format::LayerKind::kAvgPool);
  CHECK(spec.layers[4].in_features == 5);

  // The image: ONNX reads it planar (C, H, W), softedge interleaved (H, W, C).
  const std::vector<double> chw = pseudo_random(3 * 7 * 6, 7);
  std::vector<double> hwc(chw.size());
  for (size_t c = 0; c < 3; ++c) {
    for (size_t pixel = 0; pixel < 42; ++pixel) hwc[pixel * 3 + c] = chw[c * 42 + pixel];
  }
  const std::vector<double> want = g.evaluate(Tensor{kFloat, {1, 3, 7, 6}, chw});
  const std::vector<double> got = fixtures::reference_forward(spec, hwc);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("import_onnx: a dense layer after a multi-pixel conv output reads (h, w, c) columns") {
  // [N, 2, 4, 4] -> Conv 3@3x3 stride 2 pad 1 -> 2x2x3 -> Relu -> Flatten -> MatMul -> Add.
  Graph g({1, 2, 4, 4});
  g.constant("w1", {3, 2, 3, 3}, 11);
  g.constant("b1", {3}, 12);
  g.constant("w2", {12, 4}, 13);  // MatMul B: [in, out]
  g.constant("b2", {4}, 14);
  onnx::NodeProto* conv = g.node("Conv", {"x", "w1", "b1"}, "c");
  set_ints(conv, "pads", {1, 1, 1, 1});
  set_ints(conv, "strides", {2, 2});
  g.node("Relu", {"c"}, "r");
  g.node("Flatten", {"r"}, "f");
  g.node("MatMul", {"f", "w2"}, "z");
  g.node("Add", {"z", "b2"}, "y");
  g.output("y");
  const tools::ImportedModel m = tools::import_onnx(g.model, "cnn.onnx", tools::ImportOptions{});
  REQUIRE(m.spec.layers.size() == 2);
  const host::LayerSpec& dense = m.spec.layers[1];
  CHECK(dense.in_features == 12);
  // softedge column (h=1, w=0, c=2) = pixel 2, index 2*3+2 = 8; ONNX column c*4 + pixel = 10.
  CHECK(dense.weights[1 * 12 + 8] == static_cast<float>(g.constants["w2"].values[10 * 4 + 1]));

  const std::vector<double> chw = pseudo_random(32, 15);
  std::vector<double> hwc(32);
  for (size_t c = 0; c < 2; ++c) {
    for (size_t pixel = 0; pixel < 16; ++pixel) hwc[pixel * 2 + c] = chw[c * 16 + pixel];
  }
  const std::vector<double> want = g.evaluate(Tensor{kFloat, {1, 2, 4, 4}, chw});
  const std::vector<double> got = fixtures::reference_forward(m.spec, hwc);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

TEST_CASE("import_onnx: refuses conv forms softedge cannot hold, naming the node") {
  auto attempt = [](const std::function<void(onnx::NodeProto*)>& edit, std::vector<int64_t> w) {
    Graph g({1, 1, 8, 8});
    g.constant("w", w, 1);
    onnx::NodeProto* conv = g.node("Conv", {"x", "w"}, "c");
    edit(conv);
    g.node("Flatten", {"c"}, "f");
    g.output("f");
    try {
      tools::import_onnx(g.model, "bad.onnx", tools::ImportOptions{});
    } catch (const tools::OnnxImportError& e) {
      return std::string(e.what());
    }
    return std::string("imported");
  };
  auto none = [](onnx::NodeProto*) {};
  CHECK(attempt(none, {2, 1, 3, 2}).find("square") != std::string::npos);
  CHECK(attempt([](onnx::NodeProto* n) { set_ints(n, "strides", {1, 2}); }, {2, 1, 3, 3})
            .find("one stride") != std::string::npos);
  CHECK(attempt([](onnx::NodeProto* n) { set_ints(n, "pads", {1, 0, 1, 0}); }, {2, 1, 3, 3})
            .find("symmetric") != std::string::npos);
  CHECK(attempt([](onnx::NodeProto* n) { set_ints(n, "dilations", {2, 2}); }, {2, 1, 3, 3})
            .find("dilations") != std::string::npos);
  CHECK(attempt([](onnx::NodeProto* n) { set_ints(n, "pads", {3, 3, 3, 3}); }, {2, 1, 3, 3})
            .find("padding < kernel") != std::string::npos);
  const std::string grouped =
      attempt([](onnx::NodeProto* n) { set_int(n, "group", 2); }, {2, 1, 3, 3});
  CHECK(grouped.find("node 'c' (Conv, opset 13)") != std::string::npos);
  CHECK(grouped.find("group") != std::string::npos);
  // A 2-channel 8x8 output flattened straight into the class scores: the orders differ.
  CHECK(attempt(none, {2, 1, 1, 1}).find("(c, h, w)") != std::string::npos);
}
