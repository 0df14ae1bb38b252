"""Shared by the ONNX tests: graphs built with onnx.helper, .sedg files read back (by
docs/FORMAT.md, independently of softedge's own reader), the softedge tool run."""
import os
import struct
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# ---- building graphs --------------------------------------------------------------------------

def rng(seed):
    return np.random.default_rng(seed)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(name, nodes, inits, opset, inp=("x", TensorProto.FLOAT, ["N", 1, 28, 28]),
          out=("y", [None, None]), metadata=None, extra_inputs=(), outputs=None):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(inp[0], inp[1], inp[2])] +
        [helper.make_tensor_value_info(n, t, s) for n, t, s in extra_inputs],
        outputs or [helper.make_tensor_value_info(out[0], TensorProto.FLOAT, out[1])],
        initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="onnx_cases.py")
    m.ir_version = 7 if opset <= 13 else 8
    for key, value in (metadata or {}).items():
        helper.set_model_props(m, {key: value})
    onnx.checker.check_model(m)  # every valid case is valid ONNX; invalid ones are made later
    return m


def save(m, filename, work):
    path = os.path.join(work, filename)
    with open(path, "wb") as f:
        f.write(m.SerializeToString() if hasattr(m, "SerializeToString") else m)
    return path


def dropout(x, y, opset, training=False):
    """Dropout in inference mode, in the form of each opset."""
    if opset < 12:
        return [helper.make_node("Dropout", [x], [y], ratio=0.3, name="drop")], []
    return ([helper.make_node("Dropout", [x, "drop_ratio", "drop_training"], [y], name="drop")],
            [init("drop_ratio", np.array(0.3, np.float32)), init("drop_training", np.array(training))])


# ---- reading what softedge wrote ----------------------------------------------------------------

def read_sedg(path):
    """The fields of a .sedg file the ONNX tests compare (docs/FORMAT.md). Each layer is
    (weights rows x row length, bias, relu[, int8 scales, requant pairs]); a conv layer's rows
    are its OHWI output channels, a pooling layer's arrays are empty. m["geometry"] has
    (kind, kernel, stride, padding, activation) per layer, m["shapes"] each output (h, w, c)."""
    b = open(path, "rb").read()
    u16 = lambda o: struct.unpack_from("<H", b, o)[0]
    u32 = lambda o: struct.unpack_from("<I", b, o)[0]
    f32 = lambda o: struct.unpack_from("<f", b, o)[0]
    assert b[:4] == b"SEDG"
    m = {"shape": (u16(20), u16(22), u16(24)), "scale": f32(48), "bias": f32(52), "layers": [],
         "geometry": [], "shapes": [], "version": u16(4)}
    names = b[u32(36):u32(36) + u32(40)].split(b"\0")[:-1]
    m["names"] = [n.decode() for n in names]
    lut = u32(56)
    m["lut"] = list(b[lut:lut + 256]) if lut else None
    h, w_, c = m["shape"]
    for i in range(u16(28)):
        e = u32(32) + 32 * i
        kind, activation = u16(e), u16(e + 2)
        n_in, n_out, relu = u32(e + 4), u32(e + 8), activation == 1
        k, stride, pad = b[e + 14], b[e + 15] & 15, b[e + 15] >> 4
        m["geometry"].append((KINDS.get(kind, kind), k, stride, pad, activation))
        rows, length = n_out, n_in
        if kind != 1:  # conv / pool: NHWC shapes from the window (floor, as PyTorch)
            oh, ow = (h + 2 * pad - k) // stride + 1, (w_ + 2 * pad - k) // stride + 1
            out_c = n_out // (oh * ow)
            rows, length = (out_c, k * k * c) if kind == 2 else (0, 0)
            h, w_, c = oh, ow, out_c
        else:
            h, w_, c = 1, 1, n_out
        m["shapes"].append((h, w_, c))
        if u16(e + 12) == 1:  # float32: (weights rows x row length, bias, relu)
            wt = np.frombuffer(b, np.float32, rows * length, u32(e + 16) if rows else 0).reshape(rows, length)
            bias = np.frombuffer(b, np.float32, rows, u32(e + 20) if rows else 0)
            m["layers"].append((wt, bias, relu))
            continue
        # int8: (weights, bias, relu, float scales or None, requant pairs [rows, 2] or None)
        q = np.frombuffer(b, np.int8, rows * length, u32(e + 16) if rows else 0).reshape(rows, length)
        bias = np.frombuffer(b, np.int32, rows, u32(e + 20) if rows else 0)
        uint8_outputs = f32(e + 28) > 0
        scales = None if uint8_outputs or not rows else np.frombuffer(b, np.float32, rows, u32(e + 24))
        pairs = np.frombuffer(b, np.int32, 2 * rows, u32(e + 24)).reshape(rows, 2) if uint8_outputs and rows else None
        m["layers"].append((q, bias, relu, scales, pairs))
    return m


KINDS = {1: "dense", 2: "conv", 3: "maxpool", 4: "avgpool"}


def ohwi(w_oihw):
    """ONNX/PyTorch conv weights [O, I, kH, kW] as softedge's rows: [O, kH * kW * I], OHWI."""
    w = np.asarray(w_oihw)
    return w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)


def hwc_columns(w, c, h, width):
    """A dense weight [out, C*H*W] reading ONNX's flattened NCHW as softedge's rows reading the
    flattened NHWC tensor: columns reordered from (c, h, w) to (h, w, c)."""
    w = np.asarray(w)
    return w.reshape(w.shape[0], c, h, width).transpose(0, 2, 3, 1).reshape(w.shape[0], -1)


def run(softedge, *args):
    p = subprocess.run([softedge, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr
