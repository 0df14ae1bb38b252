#!/usr/bin/python3
"""Small PyTorch CNNs through torch.onnx.export and `softedge import`, checked against PyTorch.

usage: onnx_torch_cnn.py SOFTEDGE WORKDIR

Each network (random weights, seeded; PyTorch 1.13 from /usr/bin/python3) is exported at opsets
9, 13 and 17. The three exports must import to the same .sedg bytes (and so must softedge's
own export-onnx of the model), and the runtime's
probabilities (`softedge predict --all` over 8 PGM images) must match PyTorch's softmax of the
same pixels / 255 within 1e-5, with the same top class. The networks cover what the importer
converts: Conv with and without padding, stride and bias, ReLU and Sigmoid, MaxPool and
AvgPool, several channels before the Flatten (the dense layer's permuted columns), a Relu
after a max pooling, and a Dropout.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from onnx_test_helpers import read_sedg, run as run_tool

SOFTEDGE, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def networks():
    torch.manual_seed(1)
    yield "cnn", nn.Sequential(  # softedge-train --arch cnn's shape, narrower
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 7 * 7, 16), nn.ReLU(), nn.Linear(16, 10))
    yield "lenet", nn.Sequential(  # d2l's LeNet: sigmoid, average pooling, pad 2
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    yield "strided", nn.Sequential(  # stride 2 with padding, no bias, Relu after the pooling
        nn.Conv2d(1, 5, 4, stride=2, padding=1, bias=False), nn.MaxPool2d(3, stride=2), nn.ReLU(),
        nn.Dropout(0.2), nn.Conv2d(5, 3, 1), nn.Flatten(), nn.Linear(3 * 6 * 6, 10))


def images():
    r = np.random.default_rng(3)
    pixels = r.integers(0, 256, (8, 28, 28), dtype=np.uint8)
    pixels[0] = 0
    pixels[1] = 255
    pixels[2] = (np.arange(784).reshape(28, 28) * 255 // 783).astype(np.uint8)
    return pixels


def softedge_probabilities(sedg, pixels):
    folder = os.path.join(WORK, "images")
    os.makedirs(folder, exist_ok=True)
    for n, image in enumerate(pixels):
        with open(os.path.join(folder, f"{n}.pgm"), "wb") as f:
            f.write(b"P5\n28 28\n255\n" + image.tobytes())
    rc, out, err = run_tool(SOFTEDGE, "predict", sedg, "--all", folder, "--json")
    if rc != 0:
        raise SystemExit(f"FAIL: softedge predict --all: exit {rc}\n{err}")
    rows = json.loads(out)
    rows = rows["images"] if isinstance(rows, dict) else rows
    by_file = {os.path.basename(r["file"]): r["probabilities"] for r in rows}
    return np.array([by_file[f"{n}.pgm"] for n in range(len(pixels))])


def run_network(name, net):
    net.eval()
    paths = {}
    for opset in (9, 13, 17):
        onnx_path = os.path.join(WORK, f"{name}-opset{opset}.onnx")
        torch.onnx.export(net, torch.zeros(1, 1, 28, 28), onnx_path, opset_version=opset,
                          input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
        sedg = os.path.join(WORK, f"{name}-opset{opset}.sedg")
        rc, out, err = run_tool(SOFTEDGE, "import", onnx_path, sedg)
        check(rc == 0 and "same top class on 8/8" in out, f"{name}: opset {opset} imports ({err.strip()})")
        if rc != 0:
            return
        paths[opset] = sedg
    same = len({open(p, "rb").read() for p in paths.values()}) == 1
    check(same, f"{name}: opsets 9, 13 and 17 import to the same .sedg bytes")
    kinds = [g[0] for g in read_sedg(paths[13])["geometry"]]
    print(f"     {name}: layers {kinds}")
    # export-onnx writes it back as NCHW ONNX; importing that gives the same bytes again.
    exported, again = os.path.join(WORK, f"{name}-exported.onnx"), os.path.join(WORK, f"{name}-again.sedg")
    rc, _, err = run_tool(SOFTEDGE, "export-onnx", paths[13], exported)
    rc = rc or run_tool(SOFTEDGE, "import", exported, again)[0]
    check(rc == 0 and open(again, "rb").read() == open(paths[13], "rb").read(),
          f"{name}: export-onnx -> import gives the same .sedg bytes {err.strip()}")

    pixels = images()
    with torch.no_grad():
        x = torch.from_numpy(pixels.astype(np.float32) / 255).reshape(-1, 1, 28, 28)
        want = torch.softmax(net(x), 1).double().numpy()
    got = softedge_probabilities(paths[13], pixels)
    worst = float(np.abs(got - want).max())
    same_top = int((got.argmax(1) == want.argmax(1)).sum())
    print(f"     {name}: softedge vs PyTorch: max |delta probability| {worst:.3g}, same top class {same_top}/8")
    check(worst <= 1e-5 and same_top == 8, f"{name}: the runtime agrees with PyTorch within 1e-5")


for name, net in networks():
    run_network(name, net)
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
