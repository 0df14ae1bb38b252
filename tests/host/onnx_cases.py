#!/usr/bin/python3
"""ONNX import cases, built with onnx.helper at test time (Debian's python3-onnx).

usage: onnx_cases.py SOFTEDGE WORKDIR

Every supported op form at opsets 9, 13 and 17 is imported with `softedge import`, and the
written .sedg is read back here (docs/FORMAT.md) and compared with the dense model numpy
derives from the same arrays: the weights, biases, input scale and bias, lookup table,
activations and class names. A few models also go through `softedge predict`, compared with
numpy's softmax. Every unsupported case must fail with exit status 1, name the file, the node
(name, op type), the opset and the reason, and leave nothing at the output path.
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from onnx_test_helpers import dropout, hwc_columns, init, model, ohwi, read_sedg, rng
import onnx_test_helpers

SOFTEDGE, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
OPSETS = (9, 13, 17)
def save(m, filename):
    return onnx_test_helpers.save(m, filename, WORK)


def run(*args):
    return onnx_test_helpers.run(SOFTEDGE, *args)


FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]
failures = []
checked = 0


def fail(name, why):
    failures.append(f"{name}: {why}")
    print(f"FAIL {name}: {why}")


# ---- supported cases ---------------------------------------------------------------------------

def expect_import(name, m, layers, scale=1 / 255, bias=0.0, shape=(28, 28, 1), names=None,
                  lut=None, args=(), predict=False, geometry=None):
    """Imports `m` and compares the file with `layers` [(W out x in, b, relu)], scale, bias...
    and, when given, `geometry` [(kind, kernel, stride, padding, activation)]."""
    global checked
    onnx_path = save(m, name + ".onnx")
    out = os.path.join(WORK, name + ".sedg")
    rc, stdout, stderr = run("import", onnx_path, out, *args)
    if rc != 0:
        return fail(name, f"exit {rc}: {stderr.strip()}")
    if "same top class on 8/8" not in stdout:
        fail(name, "the import's own check did not agree on 8/8 images:\n" + stdout)
    got = read_sedg(out)
    if got["shape"] != tuple(shape):
        fail(name, f"input shape {got['shape']} != {shape}")
    if not np.isclose(got["scale"], np.float32(scale), rtol=1e-6, atol=0):
        fail(name, f"input scale {got['scale']} != {scale}")
    if not np.isclose(got["bias"], np.float32(bias), rtol=1e-6, atol=1e-7):
        fail(name, f"input bias {got['bias']} != {bias}")
    if got["lut"] != (None if lut is None else list(lut)):
        fail(name, "lookup table differs")
    n_classes = layers[-1][0].shape[0]
    want_names = names or (FASHION if n_classes == 10 and tuple(shape) == (28, 28, 1)
                           else [f"class{c}" for c in range(n_classes)])
    if got["names"] != want_names:
        fail(name, f"class names {got['names'][:3]}... != {want_names[:3]}...")
    if len(got["layers"]) != len(layers):
        return fail(name, f"{len(got['layers'])} layers, expected {len(layers)}")
    for i, ((gw, gb, grelu), (w, b, relu)) in enumerate(zip(got["layers"], layers)):
        w, b = np.asarray(w, np.float64), np.asarray(b, np.float64)
        if gw.shape != w.shape or not np.allclose(gw, w, rtol=1e-6, atol=1e-7):
            fail(name, f"layer {i} weights differ (shape {gw.shape} vs {w.shape})")
        if not np.allclose(gb, b, rtol=1e-6, atol=1e-7):
            fail(name, f"layer {i} bias differs: {gb[:3]} vs {b[:3]}")
        if grelu != relu:
            fail(name, f"layer {i} relu {grelu}, expected {relu}")
    if geometry is not None and got["geometry"] != geometry:
        fail(name, f"layer kinds and geometry {got['geometry']} != {geometry}")
    if geometry is not None and got["version"] != 3:
        fail(name, f"format version {got['version']}, expected 3")
    if predict:
        check_predict(name, out, layers, scale, bias, lut)
    checked += 1


def check_predict(name, sedg, layers, scale, bias, lut):
    """The runtime's probabilities for one image, against numpy's forward pass."""
    pixels = (np.arange(784) * 37 % 256).astype(np.uint8)
    pgm = os.path.join(WORK, "image.pgm")
    with open(pgm, "wb") as f:
        f.write(b"P5\n28 28\n255\n" + pixels.tobytes())
    rc, stdout, stderr = run("predict", sedg, pgm, "--top", str(layers[-1][0].shape[0]), "--json")
    if rc != 0:
        return fail(name, "predict: " + stderr)
    x = (np.asarray(lut)[pixels] if lut is not None else pixels) * np.float64(np.float32(scale)) + bias
    for w, b, relu in layers:
        x = np.asarray(w, np.float64) @ x + b
        x = np.maximum(x, 0) if relu else x
    p = np.exp(x - x.max())
    p /= p.sum()
    got = {t["class"]: t["probability"] for t in json.loads(stdout)["top"]}
    worst = max(abs(got[c] - p[c]) for c in range(len(p)))
    if worst > 1e-5:
        fail(name, f"runtime probabilities differ from numpy's by {worst}")


def supported_cases():
    for opset in OPSETS:
        r = rng(opset)
        w1 = r.normal(0, 0.05, (784, 32)).astype(np.float32)  # [in, out] for MatMul/transB=0
        b1 = r.normal(0, 0.1, 32).astype(np.float32)
        w2 = r.normal(0, 0.2, (10, 32)).astype(np.float32)  # [out, in] for transB=1
        b2 = r.normal(0, 0.1, 10).astype(np.float32)
        flat = helper.make_node("Flatten", ["x"], ["f"], axis=1, name="flatten")

        w_linear = r.normal(0, 0.05, (10, 784)).astype(np.float32)  # nn.Linear(784, 10).weight

        # Gemm, transB=1 (nn.Linear), then Softmax.
        m = model("gemm_transB1", [flat,
                   helper.make_node("Gemm", ["f", "W", "B"], ["z"], transB=1, name="fc"),
                   helper.make_node("Softmax", ["z"], ["y"], axis=1, name="sm")],
                  [init("W", w_linear), init("B", b2)], opset)
        expect_import(f"gemm_transB1_opset{opset}", m, [(w_linear, b2, False)], predict=opset == 13)

        # Gemm, transB=0 with alpha and beta, a Relu, a second Gemm with a [1, out] C, LogSoftmax.
        m = model("gemm_transB0", [flat,
                   helper.make_node("Gemm", ["f", "W1", "B1"], ["h"], transB=0, alpha=0.5, beta=2.0, name="fc1"),
                   helper.make_node("Relu", ["h"], ["r"], name="relu1"),
                   helper.make_node("Gemm", ["r", "W2", "B2"], ["z"], transB=1, name="fc2"),
                   helper.make_node("LogSoftmax", ["z"], ["y"], axis=1 if opset < 13 else -1, name="lsm")],
                  [init("W1", w1), init("B1", b1), init("W2", w2), init("B2", b2.reshape(1, 10))], opset)
        expect_import(f"gemm_transB0_alpha_beta_opset{opset}", m,
                      [(0.5 * w1.T.astype(np.float64), 2.0 * b1, True), (w2, b2, False)],
                      predict=opset == 17)

        # Gemm with a scalar C, and (opset 11+) without C.
        m = model("gemm_scalar_c", [flat, helper.make_node("Gemm", ["f", "W1", "C"], ["y"], name="fc")],
                  [init("W1", w1), init("C", np.array(0.25, np.float32))], opset)
        expect_import(f"gemm_scalar_C_opset{opset}", m, [(w1.T, np.full(32, 0.25), False)])
        if opset >= 11:
            m = model("gemm_no_c", [flat, helper.make_node("Gemm", ["f", "W"], ["y"], transB=1, name="fc")],
                      [init("W", w_linear)], opset)
            expect_import(f"gemm_without_C_opset{opset}", m, [(w_linear, np.zeros(10), False)])

        # Reshape + MatMul + Add + Relu, Identity, Dropout (inference), MatMul + Add, Softmax.
        drop_nodes, drop_inits = dropout("r", "d", opset)
        m = model("matmul_add", [
                   helper.make_node("Reshape", ["x", "shape"], ["f"], name="reshape"),
                   helper.make_node("MatMul", ["f", "W1"], ["h0"], name="mm1"),
                   helper.make_node("Add", ["h0", "B1"], ["h"], name="add1"),
                   helper.make_node("Relu", ["h"], ["r"], name="relu1")] + drop_nodes + [
                   helper.make_node("Identity", ["d"], ["i"], name="id"),
                   helper.make_node("MatMul", ["i", "W2T"], ["z0"], name="mm2"),
                   helper.make_node("Add", ["B2", "z0"], ["z"], name="add2"),  # constant first
                   helper.make_node("Softmax", ["z"], ["y"], axis=1, name="sm")],
                  [init("shape", np.array([-1, 784], np.int64)), init("W1", w1), init("B1", b1),
                   init("W2T", w2.T.copy()), init("B2", b2)] + drop_inits, opset)
        expect_import(f"matmul_add_dropout_opset{opset}", m, [(w1.T, b1, True), (w2, b2, False)])

        # torchvision's Normalize inside the graph (Sub, Div before the layers), and a per-output
        # Mul and a scalar Sub after a layer: all folded.
        scale_out = r.uniform(0.5, 2, 10).astype(np.float32)
        m = model("normalize_in_graph", [
                   helper.make_node("Sub", ["x", "mean"], ["xc"], name="sub_mean"),
                   helper.make_node("Div", ["xc", "std"], ["xn"], name="div_std"),
                   helper.make_node("Flatten", ["xn"], ["f"], name="flatten"),
                   helper.make_node("Gemm", ["f", "W", "B"], ["z0"], transB=1, name="fc"),
                   helper.make_node("Mul", ["z0", "s"], ["z1"], name="mul_per_output"),
                   helper.make_node("Sub", ["z1", "one"], ["y"], name="sub_one")],
                  [init("mean", np.array([0.2860], np.float32)), init("std", np.array(0.3530, np.float32)),
                   init("W", w2[:, :1].repeat(784, 1) * 0.01), init("B", b2), init("s", scale_out.reshape(1, 10)),
                   init("one", np.array(1.0, np.float32))], opset)
        mean, std = np.float64(np.float32(0.2860)), np.float64(np.float32(0.3530))
        W = (w2[:, :1].repeat(784, 1) * 0.01).astype(np.float64)
        expect_import(f"normalize_in_graph_opset{opset}", m,
                      [(W * scale_out[:, None], b2 * scale_out - 1.0, False)],
                      scale=1 / 255 / std, bias=-mean / std, predict=opset == 9)

        # Constant folding: the weight is Transpose(initializer), the Reshape shape a Constant node,
        # the bias Add(initializer, initializer).
        m = model("constant_folding", [
                   helper.make_node("Constant", [], ["shape"], name="shape_const",
                                    value=numpy_helper.from_array(np.array([0, -1], np.int64))),
                   helper.make_node("Transpose", ["Wt"], ["W"], perm=[1, 0], name="transpose_w"),
                   helper.make_node("Add", ["Ba", "Bb"], ["B"], name="bias_sum"),
                   helper.make_node("Reshape", ["x", "shape"], ["f"], name="reshape"),
                   helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="fc")],
                  [init("Wt", w1[:, :10].copy()), init("Ba", b2), init("Bb", np.ones(10, np.float32))], opset)
        expect_import(f"constant_folding_opset{opset}", m, [(w1[:, :10].T, b2 + 1.0, False)])

        # A graph that takes uint8 pixels: the lookup table (Cast, Gather), Cast, Div 255.
        lut = (np.sqrt(np.arange(256) / 255) * 255).round().astype(np.uint8)
        m = model("uint8_lut", [
                   helper.make_node("Cast", ["x"], ["idx"], to=TensorProto.INT64, name="to_index"),
                   helper.make_node("Gather", ["lut", "idx"], ["remapped"], axis=0, name="lut"),
                   helper.make_node("Cast", ["remapped"], ["xf"], to=TensorProto.FLOAT, name="to_float"),
                   helper.make_node("Div", ["xf", "c255"], ["xs"], name="div255"),
                   helper.make_node("Flatten", ["xs"], ["f"], name="flatten"),
                   helper.make_node("Gemm", ["f", "W1", "B1"], ["y"], name="fc")],
                  [init("lut", lut), init("c255", np.array(255, np.float32)), init("W1", w1), init("B1", b1)],
                  opset, inp=("x", TensorProto.UINT8, ["N", 1, 28, 28]))
        expect_import(f"uint8_lookup_table_opset{opset}", m, [(w1.T, b1, False)], lut=lut,
                      names=[f"class{c}" for c in range(32)])

        # A flat [N, 784] input; class names from --classes.
        names_file = os.path.join(WORK, "names.txt")
        with open(names_file, "w") as f:
            f.write("".join(f"kind {c}\r\n" for c in range(10)))
        m = model("flat_input", [helper.make_node("Gemm", ["x", "W", "B"], ["y"], transB=1, name="fc")],
                  [init("W", w2[:, :1].repeat(784, 1)), init("B", b2)], opset,
                  inp=("x", TensorProto.FLOAT, ["batch", 784]))
        expect_import(f"flat_input_classes_file_opset{opset}", m, [(w2[:, :1].repeat(784, 1), b2, False)],
                      names=[f"kind {c}" for c in range(10)], args=("--classes", names_file))

        # Dynamic dimensions resolved with --input-shape; preprocessing from --mean/--std.
        m = model("dynamic_dims", [flat, helper.make_node("Gemm", ["f", "W1", "B1"], ["y"], name="fc")],
                  [init("W1", w1[:768]), init("B1", b1)], opset,
                  inp=("x", TensorProto.FLOAT, ["N", "c", "h", "w"]))
        expect_import(f"dynamic_dims_input_shape_opset{opset}", m, [(w1[:768].T, b1, False)],
                      shape=(16, 16, 3), scale=1 / (255 * 0.5), bias=-0.25 / 0.5,
                      args=("--input-shape", "16x16x3", "--mean", "0.25", "--std", "0.5"))

        # --input-scale / --input-bias on a static [N, 3, 4, 5] input.
        m = model("input_scale_bias", [flat, helper.make_node("Gemm", ["f", "W1", "B1"], ["y"], name="fc")],
                  [init("W1", w1[:60]), init("B1", b1)], opset,
                  inp=("x", TensorProto.FLOAT, ["N", 3, 4, 5]))
        expect_import(f"input_scale_bias_opset{opset}", m, [(w1[:60].T, b1, False)],
                      shape=(4, 5, 3), scale=0.5, bias=-1.0,
                      args=("--input-scale", "0.5", "--input-bias", "-1"))


def cnn_cases():
    """Conv / MaxPool / AveragePool graphs: the file must hold OHWI conv rows, the dense layer's
    columns in (h, w, c) order, and the geometry (numpy derives them from the same arrays)."""
    for opset in OPSETS:
        r = rng(100 + opset)
        k1 = r.normal(0, 0.3, (4, 1, 3, 3)).astype(np.float32)
        c1 = r.normal(0, 0.1, 4).astype(np.float32)
        k2 = r.normal(0, 0.3, (6, 4, 2, 2)).astype(np.float32)
        w3 = r.normal(0, 0.1, (10, 6 * 3 * 3)).astype(np.float32)
        b3 = r.normal(0, 0.1, 10).astype(np.float32)
        pool_attrs = {"kernel_shape": [2, 2], "strides": [2, 2]}
        # 28x28x1 -> conv 4@3x3 pad 1 -> Relu -> MaxPool 2 (14x14) -> conv 6@2x2 stride 2, no bias
        # (7x7) -> Sigmoid -> AveragePool 2 stride 2 (3x3) -> Flatten -> Gemm -> Softmax.
        m = model("cnn", [
            helper.make_node("Conv", ["x", "K1", "C1"], ["a"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv1"),
            helper.make_node("Relu", ["a"], ["ar"], name="relu1"),
            helper.make_node("MaxPool", ["ar"], ["p1"], name="pool1", **pool_attrs),
            helper.make_node("Conv", ["p1", "K2"], ["b"], strides=[2, 2], name="conv2"),
            helper.make_node("Sigmoid", ["b"], ["bs"], name="sigmoid2"),
            helper.make_node("AveragePool", ["bs"], ["p2"], name="pool2", **pool_attrs),
            helper.make_node("Flatten", ["p2"], ["f"], name="flatten"),
            helper.make_node("Gemm", ["f", "W3", "B3"], ["z"], transB=1, name="fc"),
            helper.make_node("Softmax", ["z"], ["y"], axis=1 if opset < 13 else -1, name="softmax")],
            [init("K1", k1), init("C1", c1), init("K2", k2), init("W3", w3), init("B3", b3)], opset)
        empty = (np.zeros((0, 0)), np.zeros(0), False)
        expect_import(f"cnn_opset{opset}", m,
                      [(ohwi(k1), c1, True), empty, (ohwi(k2), np.zeros(6), False), empty,
                       (hwc_columns(w3, 6, 3, 3), b3, False)],
                      geometry=[("conv", 3, 1, 1, 1), ("maxpool", 2, 2, 0, 0), ("conv", 2, 2, 0, 2),
                                ("avgpool", 2, 2, 0, 0), ("dense", 0, 0, 0, 0)])

        # 3 input channels, a per-channel Mul and Add folded into the conv, Relu after the max
        # pool (moved to the conv), Reshape to [N, -1] instead of Flatten, MatMul.
        k = r.normal(0, 0.3, (5, 3, 3, 3)).astype(np.float32)
        cb = r.normal(0, 0.1, 5).astype(np.float32)
        scale = r.uniform(0.5, 1.5, (5, 1, 1)).astype(np.float32)
        shift = r.normal(0, 0.1, (1, 5, 1, 1)).astype(np.float32)
        w = r.normal(0, 0.1, (5 * 4 * 5, 7)).astype(np.float32)  # MatMul B: [in, out]
        m = model("cnn_rgb", [
            helper.make_node("Conv", ["x", "K", "CB"], ["a"], name="conv"),
            helper.make_node("Mul", ["a", "S"], ["am"], name="scale"),
            helper.make_node("Add", ["am", "T"], ["at"], name="shift"),
            helper.make_node("MaxPool", ["at"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
            helper.make_node("Relu", ["p"], ["pr"], name="relu"),
            helper.make_node("Reshape", ["pr", "shape"], ["f"], name="reshape"),
            helper.make_node("MatMul", ["f", "W"], ["y"], name="fc")],
            [init("K", k), init("CB", cb), init("S", scale), init("T", shift), init("W", w),
             init("shape", np.array([-1, 100], np.int64) if opset < 13 else np.array([0, -1], np.int64))],
            opset, inp=("x", TensorProto.FLOAT, ["N", 3, 10, 12]))
        s5, t5 = scale.reshape(5).astype(np.float64), shift.reshape(5).astype(np.float64)
        expect_import(f"cnn_rgb_opset{opset}", m,
                      [(ohwi(k).astype(np.float64) * s5[:, None], cb * s5 + t5, True), empty,
                       (hwc_columns(w.T, 5, 4, 5), np.zeros(7), False)],
                      shape=(10, 12, 3),
                      geometry=[("conv", 3, 1, 0, 1), ("maxpool", 2, 2, 0, 0), ("dense", 0, 0, 0, 0)])


# ---- unsupported cases ----------------------------------------------------------------------

def expect_error(name, m, parts, opset, node=None, args=()):
    """`softedge import` must exit 1 with every string of `parts` in its message, name the file,
    the node as "node 'NAME' (OP, opset N)" (or the opset for graph-level errors), and write
    nothing."""
    global checked
    onnx_path = save(m, name + ".onnx")
    out = os.path.join(WORK, name + ".sedg")
    if os.path.exists(out):
        os.remove(out)
    rc, stdout, stderr = run("import", onnx_path, out, *args)
    message = stderr.strip()
    where = [f"node '{node[0]}' ({node[1]}, opset {opset})" if node else f"opset {opset}"]
    for part in [onnx_path + ":"] + (where if opset else []) + list(parts):
        if part not in message:
            fail(name, f"message lacks {part!r}: {message!r}")
    if rc != 1:
        fail(name, f"exit status {rc}, expected 1")
    if os.path.exists(out) or any(f.startswith(name + ".sedg.tmp") for f in os.listdir(WORK)):
        fail(name, "something was written at the output path")
    print(f"ok   {name}: {message.splitlines()[0] if message else ''}")
    checked += 1


def unchecked_model(nodes, inits, opset, inp=("x", TensorProto.FLOAT, ["N", 1, 28, 28]), **kw):
    """A model onnx.checker accepts only as far as it looks; built without checking."""
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(*inp)] + kw.get("extra", []),
                              kw.get("outputs", [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", None])]),
                              initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)] + kw.get("opsets", []))
    m.ir_version = 7
    return m


def conv_unsupported(opset, base, fc):
    """Conv and pooling forms softedge cannot hold: each names the node and the reason."""
    kernel = init("K", np.ones((2, 1, 3, 3), np.float32))
    conv = lambda **attrs: helper.make_node("Conv", ["x", "K"], ["c"], name="conv", **attrs)
    tail = lambda x="c": [helper.make_node("Flatten", [x], ["f"], name="flatten"),
                          helper.make_node("Gemm", ["f", "W2", "B2"], ["y"], transB=1, name="fc")]
    w_after = lambda n: [init("W2", np.ones((10, n), np.float32)), init("B2", np.zeros(10, np.float32))]
    cases = [
        ("conv_dilation", [conv(dilations=[2, 2])], ["dilations"], ("conv", "Conv"), 2 * 24 * 24),
        ("conv_asymmetric_pads", [conv(pads=[1, 1, 0, 0])], ["symmetric"], ("conv", "Conv"), 2 * 27 * 27),
        ("conv_stride_pair", [conv(strides=[1, 2])], ["one stride"], ("conv", "Conv"), 2 * 26 * 13),
        ("conv_auto_pad", [conv(auto_pad="SAME_UPPER")], ["auto_pad SAME_UPPER"], ("conv", "Conv"), 2 * 28 * 28),
        ("conv_pad_too_large", [conv(pads=[3, 3, 3, 3])], ["padding < kernel size"], ("conv", "Conv"), 2 * 32 * 32),
        ("maxpool_pads", [conv(), helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], pads=[1, 1, 1, 1], name="pool")],
         ["no padding"], ("pool", "MaxPool"), 2 * 14 * 14),
        ("avgpool_then_relu", [conv(), helper.make_node("AveragePool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
                               helper.make_node("Relu", ["p"], ["pr"], name="relu")],
         ["Relu after a pooling layer"], ("relu", "Relu"), 2 * 13 * 13),
        ("maxpool_indices", [conv(), helper.make_node("MaxPool", ["c"], ["p", "idx"], kernel_shape=[2, 2], name="pool")],
         ["Indices"], ("pool", "MaxPool"), 2 * 25 * 25),
    ]
    for name, nodes, parts, node, n in cases:
        last = nodes[-1].output[0]
        expect_error(f"{name}_opset{opset}", unchecked_model(nodes + tail(last), [kernel] + w_after(n), opset),
                     parts, opset, node)
    # A conv after a dense layer (the Reshape back to an image).
    expect_error(f"conv_after_dense_opset{opset}", unchecked_model(
        [helper.make_node("Flatten", ["x"], ["f0"], name="flatten0"),
         helper.make_node("Gemm", ["f0", "W0", "B0"], ["h"], transB=1, name="fc0"),
         helper.make_node("Reshape", ["h", "shape"], ["img"], name="reshape"),
         helper.make_node("Conv", ["img", "K"], ["c"], name="conv")] + tail(),
        [kernel, init("W0", np.ones((64, 784), np.float32)), init("B0", np.zeros(64, np.float32)),
         init("shape", np.array([-1, 1, 8, 8], np.int64))]
        + w_after(2 * 6 * 6), opset), ["after a dense layer"], opset, ("conv", "Conv"))
    # A group-2 convolution over 2 channels.
    expect_error(f"conv_group_opset{opset}", unchecked_model(
        [helper.make_node("Conv", ["x", "K"], ["c"], group=2, name="conv")] + tail(),
        [init("K", np.ones((2, 1, 3, 3), np.float32))] + w_after(2 * 26 * 26), opset,
        inp=("x", TensorProto.FLOAT, ["N", 2, 28, 28])), ["group 2"], opset, ("conv", "Conv"))


def unsupported_cases():
    r = rng(1)
    w = r.normal(0, 0.05, (10, 784)).astype(np.float32)
    b = np.zeros(10, np.float32)
    flat = helper.make_node("Flatten", ["x"], ["f"], axis=1, name="flatten")
    for opset in OPSETS:
        fc = lambda inputs=("f", "W", "B"), out="y", **attrs: helper.make_node(
            "Gemm", list(inputs), [out], name="fc", **({"transB": 1} | attrs))
        base = [init("W", w), init("B", b)]
        expect_error(f"batchnorm_opset{opset}", unchecked_model(
            [helper.make_node("BatchNormalization", ["x", "S", "B0", "S", "S"], ["n"], name="bn"),
             helper.make_node("Flatten", ["n"], ["f"], name="flatten"), fc()],
            base + [init("S", np.ones(1, np.float32)), init("B0", np.zeros(1, np.float32))], opset),
            ["is not supported", "convolutional networks"], opset, ("bn", "BatchNormalization"))
        conv_unsupported(opset, base, fc)
        expect_error(f"transA_opset{opset}", unchecked_model([flat, fc(transA=1)], base, opset),
                     ["transA=1"], opset, ("fc", "Gemm"))
        ext = init("W", w)
        ext.ClearField("raw_data")
        ext.data_location = TensorProto.EXTERNAL
        e = ext.external_data.add()
        e.key, e.value = "location", "weights.bin"
        expect_error(f"external_data_opset{opset}", unchecked_model([flat, fc()], [ext, init("B", b)], opset),
                     ["initializer 'W'", "external"], opset, ("fc", "Gemm"))
        for dtype, label in ((np.float64, "DOUBLE"), (np.float16, "FLOAT16")):
            expect_error(f"weights_{label}_opset{opset}", unchecked_model(
                [flat, fc()], [init("W", w.astype(dtype)), init("B", b)], opset),
                [label, "float32"], opset, ("fc", "Gemm"))
        expect_error(f"dynamic_shape_opset{opset}", unchecked_model(
            [flat, fc()], base, opset, inp=("x", TensorProto.FLOAT, ["N", 1, "h", "w"])),
            ["'h'", "--input-shape"], opset)
        expect_error(f"branch_opset{opset}", unchecked_model(
            [flat, fc(out="a"), helper.make_node("Gemm", ["f", "W", "B"], ["c"], transB=1, name="fc_b"),
             helper.make_node("Add", ["a", "c"], ["y"], name="join")], base, opset),
            ["branches", "single chain"], opset, ("fc_b", "Gemm"))
        expect_error(f"two_inputs_opset{opset}", unchecked_model(
            [flat, fc(out="a"), helper.make_node("Add", ["a", "x2"], ["y"], name="add_x2")], base, opset,
            extra=[helper.make_tensor_value_info("x2", TensorProto.FLOAT, ["N", 10])]),
            ["2 inputs", "one image"], opset)
        expect_error(f"softmax_not_last_opset{opset}", unchecked_model(
            [flat, fc(out="a"), helper.make_node("Softmax", ["a"], ["s"], axis=1, name="sm"),
             helper.make_node("Gemm", ["s", "W2", "B"], ["y"], transB=1, name="fc2")],
            base + [init("W2", np.eye(10, dtype=np.float32))], opset),
            ["after the final Softmax"], opset, ("fc2", "Gemm"))
        expect_error(f"add_after_relu_opset{opset}", unchecked_model(
            [flat, fc(out="a"), helper.make_node("Relu", ["a"], ["r"], name="relu"),
             helper.make_node("Add", ["r", "B"], ["y"], name="late_add")], base, opset),
            ["after the layer's Relu"], opset, ("late_add", "Add"))
        expect_error(f"layers_do_not_chain_opset{opset}", unchecked_model(
            [flat, fc(out="a"), helper.make_node("Gemm", ["a", "W", "B"], ["y"], transB=1, name="fc2")], base, opset),
            ["does not multiply", "[N, 10]"], opset, ("fc2", "Gemm"))
        expect_error(f"reshape_into_batch_opset{opset}", unchecked_model(
            [helper.make_node("Reshape", ["x", "s"], ["f"], name="reshape"), fc()],
            base + [init("s", np.array([28, -1], np.int64))], opset),
            ["first dimension must stay the batch"], opset, ("reshape", "Reshape"))
        expect_error(f"flatten_axis0_opset{opset}", unchecked_model(
            [helper.make_node("Flatten", ["x"], ["f"], axis=0, name="flatten0"), fc()], base, opset),
            ["mix the batch"], opset, ("flatten0", "Flatten"))
        if opset >= 12:
            d, di = dropout("f", "fd", opset, training=True)
            expect_error(f"dropout_training_opset{opset}", unchecked_model(
                [flat] + d + [fc(("fd", "W", "B"))], base + di, opset),
                ["training mode", "model.eval()"], opset, ("drop", "Dropout"))
        expect_error(f"per_pixel_scale_opset{opset}", unchecked_model(
            [helper.make_node("Mul", ["x", "px"], ["xs"], name="per_pixel"),
             helper.make_node("Flatten", ["xs"], ["f"], name="flatten"), fc()],
            base + [init("px", np.ones((1, 1, 28, 28), np.float32))], opset),
            ["only one scalar scale and bias"], opset, ("per_pixel", "Mul"))
        expect_error(f"activation_as_B_opset{opset}", unchecked_model(
            [flat, helper.make_node("MatMul", ["Wt", "f"], ["y"], name="mm")],
            [init("Wt", np.ones((10, 1), np.float32))], opset),
            ["multiplies a constant by the activation"], opset, ("mm", "MatMul"))
        expect_error(f"gather_on_float_opset{opset}", unchecked_model(
            [helper.make_node("Gather", ["T", "x"], ["g"], name="lookup"),
             helper.make_node("Flatten", ["g"], ["f"], name="flatten"), fc()],
            base + [init("T", np.arange(256, dtype=np.uint8))], opset),
            ["not an input lookup table"], opset, ("lookup", "Gather"))
        nine = [helper.make_node("Gemm", ["f" if i == 0 else f"h{i}", "E", "Z"], [f"h{i + 1}" if i < 8 else "y"],
                                 name=f"fc{i}") for i in range(9)]
        expect_error(f"nine_layers_opset{opset}", unchecked_model(
            [helper.make_node("Flatten", ["x"], ["f"], name="flatten")] + nine,
            [init("E", np.eye(784, dtype=np.float32)), init("Z", np.zeros(784, np.float32))], opset),
            ["at most 8"], opset, ("fc8", "Gemm"))
        expect_error(f"output_not_chain_end_opset{opset}", unchecked_model(
            [flat, fc(out="y"), helper.make_node("Relu", ["y"], ["r"], name="relu")], base, opset),
            ["is not the end of the layer chain"], opset)
        expect_error(f"input_int32_opset{opset}", unchecked_model(
            [flat, fc()], base, opset, inp=("x", TensorProto.INT32, ["N", 1, 28, 28])),
            ["graph input 'x' is INT32"], opset)
        expect_error(f"custom_domain_opset{opset}", unchecked_model(
            [flat, helper.make_node("FancyDense", ["f", "W"], ["y"], name="fancy", domain="com.example")],
            base, opset, opsets=[helper.make_opsetid("com.example", 1)]),
            ["domain 'com.example'"], opset, ("fancy", "FancyDense"))
        expect_error(f"classes_count_opset{opset}", unchecked_model([flat, fc()], base, opset),
                     ["gives 3 class names for 10 outputs"], opset,
                     args=("--classes", write_names(3)))
        expect_error(f"uint8_input_with_scale_opset{opset}", unchecked_model(
            [helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT, name="to_float"),
             helper.make_node("Flatten", ["xf"], ["f"], name="flatten"), fc()], base, opset,
            inp=("x", TensorProto.UINT8, ["N", 1, 28, 28])),
            ["takes UINT8 pixels", "--input-scale/--input-bias does not apply"], opset,
            args=("--input-scale", "0.1"))
        expect_error(f"weights_overflow_opset{opset}", unchecked_model(
            [flat, fc(alpha=1e30)], [init("W", w * 1e20), init("B", b)], opset),
            ["not finite in float32"], opset, ("fc", "Gemm"))
        expect_error(f"no_dense_layer_opset{opset}", unchecked_model(
            [helper.make_node("Flatten", ["x"], ["y"], name="flatten")], [], opset),
            ["no Gemm, MatMul, Conv or pooling"], opset)
    for opset in (8, 18):
        expect_error(f"opset{opset}", unchecked_model([flat, helper.make_node("Gemm", ["f", "W", "B"], ["y"],
                     transB=1, name="fc")], [init("W", w), init("B", b)], opset),
                     ["opsets 9 to 17"], opset)
    expect_error("not_onnx", b"this is not a protobuf message \xff\xff\xff", ["not an ONNX model"], None)
    # Truncated: a valid model cut in half.
    whole = unchecked_model([flat, helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="fc")],
                            [init("W", w), init("B", b)], 13).SerializeToString()
    rc, _, stderr = run("import", save(whole[: len(whole) // 2], "truncated.onnx"), os.path.join(WORK, "t.sedg"))
    if rc != 1 or "truncated.onnx:" not in stderr or os.path.exists(os.path.join(WORK, "t.sedg")):
        fail("truncated", f"exit {rc}: {stderr}")
    rc, _, stderr = run("import", os.path.join(WORK, "missing.onnx"), os.path.join(WORK, "m.sedg"))
    if rc != 1 or "missing.onnx: cannot open" not in stderr:
        fail("missing_file", f"exit {rc}: {stderr}")


def write_names(n):
    path = os.path.join(WORK, f"names{n}.txt")
    with open(path, "w") as f:
        f.write("\n".join(f"n{i}" for i in range(n)) + "\n")
    return path


def usage_cases():
    """Bad command lines: exit 2 with the reason (and the synopsis), nothing written."""
    global checked
    onnx_path = os.path.join(WORK, "gemm_transB1_opset13.onnx")
    out = os.path.join(WORK, "usage.sedg")
    for argv, part in [((onnx_path,), "expected MODEL.onnx and OUT.sedg"),
                       ((onnx_path, out, "--mean", "0.2"), "--mean and --std go together"),
                       ((onnx_path, out, "--mean", "0.2", "--std", "0"), "--std must be positive"),
                       ((onnx_path, out, "--input-scale", "0.1", "--mean", "0", "--std", "1"), "not both"),
                       ((onnx_path, out, "--input-scale", "nan"), "--input-scale expects a number"),
                       ((onnx_path, out, "--input-bias", "1x"), "--input-bias expects a number"),
                       ((onnx_path, out, "--input-shape", "28x"), "--input-shape expects a whole number"),
                       ((onnx_path, out, "--input-shape", "2x2x2x2"), "HEIGHTxWIDTHxCHANNELS"),
                       ((onnx_path, out, "--opset", "13"), "unknown option '--opset'")]:
        rc, _, stderr = run("import", *argv)
        if rc != 2 or part not in stderr or os.path.exists(out):
            fail("usage " + " ".join(argv[1:]), f"exit {rc}, expected 2 and {part!r}: {stderr}")
        checked += 1
    rc, _, stderr = run("export-onnx", os.path.join(WORK, "missing.sedg"), os.path.join(WORK, "m.onnx"))
    if rc != 1 or "missing.sedg: cannot open" not in stderr or os.path.exists(os.path.join(WORK, "m.onnx")):
        fail("export_missing_file", f"exit {rc}: {stderr}")
    checked += 1


supported_cases()
cnn_cases()
unsupported_cases()
usage_cases()
print(f"{checked} cases checked, {len(failures)} failed")
sys.exit(1 if failures else 0)
