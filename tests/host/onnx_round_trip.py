#!/usr/bin/python3
"""softedge export-onnx, checked three ways.

usage: onnx_round_trip.py SOFTEDGE WORKDIR [--ort NODE_PATH_DIR]

For float models (made by importing graphs built here: an MLP with Normalize folded into its
input bias, a uint8 graph with a lookup table, and a CNN with Conv, MaxPool, AveragePool,
Sigmoid): export-onnx, onnx.checker (full check, with
shape inference), import again, and the .sedg bytes must be identical. For an int8 model (from
`softedge quantize --no-calibration`): the exported graph must hold exactly its dequantized
weights, q * scale in float32. With --ort, ONNX Runtime runs every exported graph on 8 images and
its probabilities must match the runtime's (`softedge predict`).
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from onnx_test_helpers import init, model, read_sedg, rng, run as run_tool, save as save_to

SOFTEDGE, WORK = sys.argv[1], sys.argv[2]
ORT = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--ort" else None
os.makedirs(WORK, exist_ok=True)
failures = []


def run(*args):
    rc, out, err = run_tool(SOFTEDGE, *args)
    if rc != 0:
        raise SystemExit(f"FAIL: softedge {' '.join(args)}: exit {rc}\n{err}")
    return out


def path(name):
    return os.path.join(WORK, name)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def float_models():
    r = rng(5)
    w1, b1 = r.normal(0, 0.05, (784, 64)).astype(np.float32), r.normal(0, 0.1, 64).astype(np.float32)
    w2, b2 = r.normal(0, 0.2, (10, 64)).astype(np.float32), r.normal(0, 0.1, 10).astype(np.float32)
    mlp = model("mlp", [
        helper.make_node("Flatten", ["x"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "W1", "B1"], ["h"], name="fc1"),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "W2", "B2"], ["y"], transB=1, name="fc2")],
        [init("W1", w1), init("B1", b1), init("W2", w2), init("B2", b2)], 13)
    lut = (np.sqrt(np.arange(256) / 255) * 255).round().astype(np.uint8)
    lut_model = model("lut", [
        helper.make_node("Cast", ["x"], ["i"], to=TensorProto.INT64, name="to_index"),
        helper.make_node("Gather", ["T", "i"], ["p"], name="table"),
        helper.make_node("Cast", ["p"], ["pf"], to=TensorProto.FLOAT, name="to_float"),
        helper.make_node("Mul", ["pf", "s"], ["xs"], name="scale"),
        helper.make_node("Flatten", ["xs"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "W1", "B1"], ["h"], name="fc1"),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "W2", "B2"], ["y"], transB=1, name="fc2"),
        helper.make_node("Softmax", ["y"], ["p_out"], axis=1, name="softmax")],
        [init("T", lut), init("s", np.array(1 / 255, np.float32)), init("W1", w1), init("B1", b1),
         init("W2", w2), init("B2", b2)], 13, inp=("x", TensorProto.UINT8, ["N", 1, 28, 28]),
        out=("p_out", ["N", 10]))
    names = path("names.txt")
    with open(names, "w") as f:
        f.write("\n".join(f"thing {c}" for c in range(10)) + "\n")
    run("import", save_to(mlp, "mlp.onnx", WORK), path("mlp.sedg"), "--mean", "0.2860", "--std", "0.3530")
    run("import", save_to(lut_model, "lut.onnx", WORK), path("lut.sedg"), "--classes", names)
    return ["mlp", "lut", cnn_model()]


def cnn_model():
    """Conv (pad 1) + Relu, MaxPool, Conv (stride 2, pad 1) + Sigmoid, AveragePool, Flatten, Gemm,
    with Normalize folded into a non-zero input bias (the padding is a zero feature either way)."""
    r = rng(8)
    k1, c1 = r.normal(0, 0.3, (4, 1, 3, 3)).astype(np.float32), r.normal(0, 0.1, 4).astype(np.float32)
    k2, c2 = r.normal(0, 0.3, (3, 4, 3, 3)).astype(np.float32), r.normal(0, 0.1, 3).astype(np.float32)
    w, b = r.normal(0, 0.3, (10, 27)).astype(np.float32), r.normal(0, 0.1, 10).astype(np.float32)
    cnn = model("cnn", [
        helper.make_node("Conv", ["x", "K1", "C1"], ["a"], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("Relu", ["a"], ["ar"], name="relu1"),
        helper.make_node("MaxPool", ["ar"], ["p1"], kernel_shape=[2, 2], strides=[2, 2], name="pool1"),
        helper.make_node("Conv", ["p1", "K2", "C2"], ["c"], strides=[2, 2], pads=[1, 1, 1, 1], name="conv2"),
        helper.make_node("Sigmoid", ["c"], ["cs"], name="sigmoid2"),
        helper.make_node("AveragePool", ["cs"], ["p2"], kernel_shape=[2, 2], strides=[2, 2], name="pool2"),
        helper.make_node("Flatten", ["p2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="fc")],
        [init("K1", k1), init("C1", c1), init("K2", k2), init("C2", c2), init("W", w), init("B", b)], 13)
    run("import", save_to(cnn, "cnn.onnx", WORK), path("cnn.sedg"), "--mean", "0.2860", "--std", "0.3530")
    return "cnn"


def exported_is_valid(name):
    onnx_path = path(name + "-exported.onnx")
    out = run("export-onnx", path(name + ".sedg"), onnx_path)
    m = onnx.load(onnx_path)
    try:
        onnx.checker.check_model(m, full_check=True)  # full: with shape inference
        valid = True
    except onnx.checker.ValidationError as e:
        valid = False
        print(e)
    check(valid and m.opset_import[0].version == 13, f"{name}: exported graph passes onnx.checker (opset 13)")
    ops = [n.op_type for n in m.graph.node]
    check("Gemm" in ops and ops[-1] == "Softmax" and "Flatten" in ops, f"{name}: ops {ops}")
    if name == "cnn":
        check(ops.count("Conv") == 2 and "MaxPool" in ops and "AveragePool" in ops and "Sigmoid" in ops
              and ops.index("Flatten") > ops.index("AveragePool"), f"{name}: conv and pooling ops in order")
    return onnx_path, out


def round_trip(name):
    onnx_path, _ = exported_is_valid(name)
    run("import", onnx_path, path(name + "-again.sedg"))
    same = open(path(name + ".sedg"), "rb").read() == open(path(name + "-again.sedg"), "rb").read()
    check(same, f"{name}: export -> import gives the same .sedg bytes")


def int8_export():
    run("quantize", "--no-calibration", path("linear.sedg"), path("linear-int8.sedg"))
    onnx_path, out = exported_is_valid("linear-int8")
    check("dequantized float equivalent" in out, "int8: export says it writes the dequantized model")
    run("import", onnx_path, path("linear-int8-float.sedg"))
    q8, back = read_sedg(path("linear-int8.sedg")), read_sedg(path("linear-int8-float.sedg"))
    q, bias, _, scales, _ = q8["layers"][0]
    w, b, _ = back["layers"][0]
    want_w = (q.astype(np.float64) * scales.astype(np.float64)[:, None]).astype(np.float32)
    want_b = (bias.astype(np.float64) * scales.astype(np.float64)).astype(np.float32)
    check(np.array_equal(w, want_w) and np.array_equal(b, want_b),
          "int8: the exported graph holds q * scale exactly (weights and bias)")
    check(back["scale"] == 1.0 and back["bias"] == 0.0 and back["names"] == q8["names"],
          "int8: input scale 1 (the layer reads pixels), class names kept")


def linear_model():
    r = rng(6)
    w = r.normal(0, 0.05, (10, 784)).astype(np.float32)
    m = model("linear", [helper.make_node("Flatten", ["x"], ["f"], name="flatten"),
                         helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="fc")],
              [init("W", w), init("B", r.normal(0, 0.1, 10).astype(np.float32))], 9)
    run("import", save_to(m, "linear.onnx", WORK), path("linear.sedg"))


def images():
    r = rng(7)
    pixels = r.integers(0, 256, (8, 784), dtype=np.uint8)
    pixels[0] = 0
    pixels[1] = 255
    return pixels


def compare_with_onnxruntime(name, sedg, onnx_path, tolerance):
    pixels = images()
    pixels.tofile(path("pixels.bin"))
    env = dict(os.environ, NODE_PATH=ORT)
    here = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.run(["node", os.path.join(here, "onnx_run_ort.js"), onnx_path, path("pixels.bin"),
                        "1", "28", "28"], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return check(False, f"{name}: ONNX Runtime ran the exported graph: {p.stderr}")
    ort = np.array(json.loads(p.stdout)).reshape(8, -1)
    worst, same = 0.0, 0
    for n in range(8):
        pgm = path("image.pgm")
        with open(pgm, "wb") as f:
            f.write(b"P5\n28 28\n255\n" + pixels[n].tobytes())
        top = json.loads(run("predict", sedg, pgm, "--top", "10", "--json"))["top"]
        probabilities = np.zeros(ort.shape[1])
        for t in top:
            probabilities[t["class"]] = t["probability"]
        worst = max(worst, np.abs(probabilities - ort[n]).max())
        same += int(np.argmax(probabilities) == np.argmax(ort[n]))
    print(f"     {name}: ONNX Runtime vs softedge: max |delta probability| {worst:.3g}, same top class {same}/8")
    check(worst <= tolerance and same == 8, f"{name}: ONNX Runtime agrees with softedge within {tolerance}")


linear_model()
for name in float_models() + ["linear"]:
    round_trip(name)
int8_export()
if ORT:
    for name in ("mlp", "lut", "linear", "cnn"):
        compare_with_onnxruntime(name, path(name + ".sedg"), path(name + "-exported.onnx"), 1e-5)
    compare_with_onnxruntime("linear-int8", path("linear-int8.sedg"), path("linear-int8-exported.onnx"), 1e-5)
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
