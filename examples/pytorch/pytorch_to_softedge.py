#!/usr/bin/python3
"""PyTorch -> ONNX -> softedge, end to end on Fashion-MNIST.

Trains the d2l.ai lesson's concise models with PyTorch (Debian's python3-torch):
  linear:  nn.Flatten(), nn.Linear(784, 10)                              (chapter 3.7)
  mlp:     nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10) (chapter 4.3)
with the lesson's hyperparameters (weights ~ N(0, 0.01), minibatch SGD, batch 256, lr 0.1,
10 epochs, cross-entropy), exports each with torch.onnx.export, then runs
  softedge import MODEL.onnx MODEL.sedg
  softedge eval MODEL.sedg
  softedge quantize MODEL.sedg MODEL-int8.sedg
  softedge eval MODEL-int8.sedg
and prints PyTorch's and softedge's test accuracies side by side, with how often softedge picks
the same class as PyTorch on the 10,000 test images.

usage: pytorch_to_softedge.py [--models linear,mlp] [--epochs N] [--softedge PATH]
                              [--data DIR] [--work DIR] [--check]
--check (the ctest integration/pytorch_onnx) also exports at opsets 9 and 17 and requires the
same .sedg bytes as from opset 13, exports the int8 model with export-onnx and imports it again
(its dequantized float equivalent must pick the int8 model's class on at least 99 % of the
images), and fails unless softedge float agrees with PyTorch on at least 99.9 % of the images
with accuracy within 0.0005, and int8 is within 0.5 points.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--models", default="linear,mlp", help="comma-separated: linear, mlp")
parser.add_argument("--epochs", type=int, default=10, help="training epochs (the lesson: 10)")
parser.add_argument("--softedge", default=shutil.which("softedge") or "build/release/tools/softedge")
parser.add_argument("--data", default=os.environ.get("SOFTEDGE_DATA", "/usr/share/datasets/fashion-mnist"))
parser.add_argument("--work", default="pytorch-work", help="directory for the .onnx and .sedg files")
parser.add_argument("--check", action="store_true", help="assert the agreement figures (for ctest)")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()


def read_idx(name, offset):
    """An IDX file of the data set, .gz or raw."""
    path = os.path.join(args.data, name)
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if opener is gzip.open else path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_split(prefix):
    images = read_idx(f"{prefix}-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    labels = read_idx(f"{prefix}-labels-idx1-ubyte", 8).astype(np.int64)
    # torchvision's ToTensor: pixel / 255 as float32 (softedge's default import does the same).
    return torch.from_numpy(images.astype(np.float32) / 255), torch.from_numpy(labels)


def make_model(kind):
    layers = [nn.Flatten(), nn.Linear(784, 10)] if kind == "linear" else \
             [nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)]
    net = nn.Sequential(*layers)
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.01)  # the lesson's init_weights (the bias keeps its default)
    return net


def train(net, x, y, epochs):
    loss = nn.CrossEntropyLoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    for epoch in range(epochs):
        order = torch.randperm(len(x))
        total, correct = 0.0, 0
        for start in range(0, len(x), 256):
            batch = order[start:start + 256]
            out = net(x[batch])
            l = loss(out, y[batch])
            trainer.zero_grad()
            l.backward()
            trainer.step()
            total += float(l) * len(batch)
            correct += int((out.argmax(1) == y[batch]).sum())
        print(f"  epoch {epoch + 1}, loss {total / len(x):.4f}, train acc {correct / len(x):.4f}")


def softedge(*argv):
    p = subprocess.run([args.softedge, *argv], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"softedge {' '.join(argv)} failed (exit {p.returncode}):\n{p.stderr}")
    return p.stdout


def evaluate_with_softedge(sedg):
    predictions = sedg + ".predictions.txt"
    result = json.loads(softedge("eval", sedg, "--data", args.data, "--json", "--predictions", predictions))
    return result["accuracy"], np.loadtxt(predictions, dtype=np.int64)


def export(net, path, opset):
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, opset_version=opset,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


def run(kind, train_x, train_y, test_x, test_y):
    print(f"{kind}: training with PyTorch {torch.__version__} for {args.epochs} epochs")
    torch.manual_seed(args.seed)
    net = make_model(kind)
    start = time.perf_counter()
    train(net, train_x, train_y, args.epochs)
    train_seconds = time.perf_counter() - start
    net.eval()
    with torch.no_grad():
        torch_predictions = net(test_x).argmax(1).numpy()
    torch_accuracy = float((torch_predictions == test_y.numpy()).mean())

    base = os.path.join(args.work, kind)
    export(net, base + ".onnx", 13)
    imported = json.loads(softedge("import", base + ".onnx", base + ".sedg", "--json"))
    float_accuracy, float_predictions = evaluate_with_softedge(base + ".sedg")
    softedge("quantize", base + ".sedg", base + "-int8.sedg", "--data", args.data)
    int8_accuracy, int8_predictions = evaluate_with_softedge(base + "-int8.sedg")
    row = {
        "model": kind, "train_seconds": train_seconds, "import_seconds": imported["seconds"],
        "import_check_max_delta": imported["check_max_delta"],
        "pytorch": torch_accuracy, "softedge_float": float_accuracy, "softedge_int8": int8_accuracy,
        "float_agreement": float((float_predictions == torch_predictions).mean()),
        "int8_agreement": float((int8_predictions == torch_predictions).mean()),
        "bytes": imported["bytes"], "int8_bytes": os.path.getsize(base + "-int8.sedg"),
    }
    if args.check:
        # The int8 model exported (as its dequantized float equivalent) and imported again.
        softedge("export-onnx", base + "-int8.sedg", base + "-int8.onnx")
        softedge("import", base + "-int8.onnx", base + "-int8-dequantized.sedg")
        _, dequantized_predictions = evaluate_with_softedge(base + "-int8-dequantized.sedg")
        row["dequantized_int8_agreement"] = float((dequantized_predictions == int8_predictions).mean())
        for opset in (9, 17):  # the same model exported at another opset gives the same file
            export(net, f"{base}-opset{opset}.onnx", opset)
            softedge("import", f"{base}-opset{opset}.onnx", f"{base}-opset{opset}.sedg")
            with open(base + ".sedg", "rb") as a, open(f"{base}-opset{opset}.sedg", "rb") as b:
                row[f"opset{opset}_same_bytes"] = a.read() == b.read()
    return row


def main():
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("t10k")
    rows = [run(kind, train_x, train_y, test_x, test_y) for kind in args.models.split(",")]

    print(f"\ntest accuracy on the 10,000 Fashion-MNIST test images ({args.epochs} epochs):")
    print(f"{'model':8} {'PyTorch':>8} {'softedge':>9} {'same class':>11} {'int8':>8} {'same class':>11}"
          f"  {'import':>7}  .sedg float / int8")
    for r in rows:
        print(f"{r['model']:8} {r['pytorch']:8.4f} {r['softedge_float']:9.4f} {100 * r['float_agreement']:10.2f}%"
              f" {r['softedge_int8']:8.4f} {100 * r['int8_agreement']:10.2f}%  {r['import_seconds']:6.3f}s"
              f"  {r['bytes']:,} / {r['int8_bytes']:,} B")
    print("(same class: share of test images where softedge picks PyTorch's class)")
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(rows, f, indent=1)

    if args.check:
        problems = []
        for r in rows:
            if r["float_agreement"] < 0.999:
                problems.append(f"{r['model']}: float agrees with PyTorch on {r['float_agreement']:.4%} < 99.9%")
            if abs(r["softedge_float"] - r["pytorch"]) > 0.0005:
                problems.append(f"{r['model']}: float accuracy {r['softedge_float']} vs PyTorch {r['pytorch']}")
            if abs(r["softedge_int8"] - r["softedge_float"]) > 0.005:
                problems.append(f"{r['model']}: int8 accuracy {r['softedge_int8']} vs float {r['softedge_float']}")
            if r["dequantized_int8_agreement"] < 0.99:
                problems.append(f"{r['model']}: the exported int8 model agrees with it on only "
                                f"{r['dequantized_int8_agreement']:.2%}")
            for opset in (9, 17):
                if not r[f"opset{opset}_same_bytes"]:
                    problems.append(f"{r['model']}: opset {opset} export imports to other bytes than opset 13")
        for p in problems:
            print("FAIL:", p)
        if problems:
            sys.exit(1)
        for r in rows:
            print(f"{r['model']}: exported int8 (dequantized) picks the int8 model's class on "
                  f"{r['dequantized_int8_agreement']:.2%} of the images")
        print("PASS: agreement >= 99.9 %, accuracy within 0.0005, int8 within 0.5 points, "
              "opsets 9/13/17 identical, exported int8 >= 99 %")


main()
