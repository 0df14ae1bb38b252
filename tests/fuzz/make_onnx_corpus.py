#!/usr/bin/python3
"""Writes the seed corpus of the ONNX fuzz target: tests/fuzz/corpus/onnx/seed-*.

usage: make_onnx_corpus.py OUTPUT_DIR     (tests/fuzz/fuzz.sh corpus runs it)

Small valid models (each supported op form, 4x4 images so that mutations stay fast) and broken
ones (one defect each). Deterministic: running it again writes the same bytes.
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "host"))
from onnx_test_helpers import init  # noqa: E402

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
r = np.random.default_rng(0)
W = r.normal(0, 0.3, (3, 16)).astype(np.float32)  # 16 pixels -> 3 classes
W1 = r.normal(0, 0.3, (16, 8)).astype(np.float32)
B1 = r.normal(0, 0.1, 8).astype(np.float32)
W2 = r.normal(0, 0.3, (3, 8)).astype(np.float32)
B = r.normal(0, 0.1, 3).astype(np.float32)
X = ("x", TensorProto.FLOAT, ["N", 1, 4, 4])


def node(op, inputs, outputs, name, **attrs):
    return helper.make_node(op, inputs, outputs, name=name, **attrs)


def write(name, nodes, inits, opset=13, inp=X, extra_inputs=(), raw=None):
    if raw is None:
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(*inp)] + list(extra_inputs),
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", None])],
                                  initializer=inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="seed")
        m.ir_version = 7
        raw = m.SerializeToString()
    with open(os.path.join(out_dir, "seed-" + name + ".onnx"), "wb") as f:
        f.write(raw)
    return raw


flat = node("Flatten", ["x"], ["f"], "flatten", axis=1)
linear = write("linear-gemm", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)],
               [init("W", W), init("B", B)], opset=9)
write("mlp-softmax", [flat, node("Gemm", ["f", "W1", "B1"], ["h"], "fc1"), node("Relu", ["h"], ["r"], "relu"),
                      node("Gemm", ["r", "W2", "B"], ["z"], "fc2", transB=1, alpha=0.5, beta=2.0),
                      node("Softmax", ["z"], ["y"], "softmax", axis=1)],
      [init("W1", W1), init("B1", B1), init("W2", W2), init("B", B)], opset=17)
write("matmul-add-dropout", [node("Reshape", ["x", "s"], ["f"], "reshape"), node("MatMul", ["f", "W1"], ["m"], "mm"),
                             node("Add", ["m", "B1"], ["h"], "add"), node("Relu", ["h"], ["r"], "relu"),
                             node("Dropout", ["r", "ratio", "mode"], ["d"], "drop"),
                             node("MatMul", ["d", "W2T"], ["z"], "mm2"), node("LogSoftmax", ["z"], ["y"], "lsm")],
      [init("s", np.array([-1, 16], np.int64)), init("W1", W1), init("B1", B1), init("W2T", W2.T.copy()),
       init("ratio", np.array(0.5, np.float32)), init("mode", np.array(False))])
write("normalize-fold", [node("Sub", ["x", "mean"], ["c"], "sub"), node("Div", ["c", "std"], ["n"], "div"),
                         node("Flatten", ["n"], ["f"], "flatten"), node("Gemm", ["f", "W", "B"], ["z"], "fc", transB=1),
                         node("Mul", ["z", "k"], ["y"], "mul")],
      [init("mean", np.array(0.3, np.float32)), init("std", np.array(0.4, np.float32)), init("W", W), init("B", B),
       init("k", np.array([[1.0, 2.0, 0.5]], np.float32))])
write("constant-folding", [node("Constant", [], ["s"], "shape", value=init("v", np.array([0, -1], np.int64))),
                           node("Transpose", ["Wt"], ["W"], "t", perm=[1, 0]), node("Add", ["B", "B"], ["B2"], "b2"),
                           node("Reshape", ["x", "s"], ["f"], "reshape"), node("Gemm", ["f", "W", "B2"], ["y"], "fc", transB=1)],
      [init("Wt", W.T.copy()), init("B", B)])
write("uint8-lookup-table", [node("Cast", ["x"], ["i"], "index", to=TensorProto.INT64), node("Gather", ["T", "i"], ["p"], "lut"),
                             node("Cast", ["p"], ["pf"], "float", to=TensorProto.FLOAT), node("Flatten", ["pf"], ["f"], "flatten"),
                             node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)],
      [init("T", (255 - np.arange(256)).astype(np.uint8)), init("W", W), init("B", B)],
      inp=("x", TensorProto.UINT8, ["N", 1, 4, 4]))
write("flat-input", [node("Gemm", ["x", "W", "B"], ["y"], "fc", transB=1)], [init("W", W), init("B", B)],
      inp=("x", TensorProto.FLOAT, ["N", 16]))
write("dynamic-dims", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)], [init("W", W), init("B", B)],
      inp=("x", TensorProto.FLOAT, ["N", "c", "h", "w"]))
# Broken, one defect each.
write("broken-conv", [node("Conv", ["x", "K"], ["c"], "conv"), node("Flatten", ["c"], ["f"], "flatten"),
                      node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)],
      [init("K", np.ones((1, 1, 1, 1), np.float32)), init("W", W), init("B", B)])
write("broken-transA", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transA=1)], [init("W", W), init("B", B)])
write("broken-double-weights", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)],
      [init("W", W.astype(np.float64)), init("B", B)])
write("broken-shapes", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=0)], [init("W", W), init("B", B)])
write("broken-branch", [flat, node("Gemm", ["f", "W", "B"], ["a"], "fc1", transB=1),
                        node("Gemm", ["f", "W", "B"], ["b"], "fc2", transB=1), node("Add", ["a", "b"], ["y"], "join")],
      [init("W", W), init("B", B)])
write("broken-opset18", [flat, node("Gemm", ["f", "W", "B"], ["y"], "fc", transB=1)], [init("W", W), init("B", B)], opset=18)
write("broken-truncated", None, None, raw=linear[: len(linear) // 2])
write("broken-not-protobuf", None, None, raw=b"\x08\x07\x12\x04seed\xff\xff\xff\xff")
print(f"wrote {len(os.listdir(out_dir))} seeds to {out_dir}")
