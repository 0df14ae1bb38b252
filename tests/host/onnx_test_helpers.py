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
    """The fields of a .sedg file the ONNX tests compare (docs/FORMAT.md)."""
    b = open(path, "rb").read()
    u16 = lambda o: struct.unpack_from("<H", b, o)[0]
    u32 = lambda o: struct.unpack_from("<I", b, o)[0]
    f32 = lambda o: struct.unpack_from("<f", b, o)[0]
    assert b[:4] == b"SEDG"
    m = {"shape": (u16(20), u16(22), u16(24)), "scale": f32(48), "bias": f32(52), "layers": []}
    names = b[u32(36):u32(36) + u32(40)].split(b"\0")[:-1]
    m["names"] = [n.decode() for n in names]
    lut = u32(56)
    m["lut"] = list(b[lut:lut + 256]) if lut else None
    for i in range(u16(28)):
        e = u32(32) + 32 * i
        n_in, n_out, relu = u32(e + 4), u32(e + 8), u16(e + 2) == 1
        if u16(e + 12) == 1:  # float32: (weights out x in, bias, relu)
            w = np.frombuffer(b, np.float32, n_in * n_out, u32(e + 16)).reshape(n_out, n_in)
            bias = np.frombuffer(b, np.float32, n_out, u32(e + 20))
            m["layers"].append((w, bias, relu))
            continue
        # int8: (weights, bias, relu, float scales or None, requant pairs [out, 2] or None)
        q = np.frombuffer(b, np.int8, n_in * n_out, u32(e + 16)).reshape(n_out, n_in)
        bias = np.frombuffer(b, np.int32, n_out, u32(e + 20))
        uint8_outputs = f32(e + 28) > 0
        scales = None if uint8_outputs else np.frombuffer(b, np.float32, n_out, u32(e + 24))
        pairs = np.frombuffer(b, np.int32, 2 * n_out, u32(e + 24)).reshape(n_out, 2) if uint8_outputs else None
        m["layers"].append((q, bias, relu, scales, pairs))
    return m


def run(softedge, *args):
    p = subprocess.run([softedge, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr
