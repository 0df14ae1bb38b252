#!/usr/bin/python3
"""The PyTorch reference for softedge's CNN: the same network and recipe as
`softedge-train --arch cnn` (or `--preset d2l-lenet`), trained with PyTorch on Fashion-MNIST
with 1 and 2 threads, printing test accuracy and wall time per epoch, then exported to ONNX
for `softedge import`.

  cnn (default, trainer/src/cnn_trainer.cpp default_cnn_config):
      conv C1@3x3 pad 1, ReLU, max pool 2 -> conv C2@3x3 pad 1, ReLU, max pool 2
      -> dense D ReLU -> dense 10      (--channels C1,C2 default 16,32; --dense D default 128)
      He init (N(0, 2/fan_in) before ReLU, N(0, 1/fan_in) for the output layer, biases 0),
      AdamW (weight decay 0.05 on weights, none on biases) with the one-cycle schedule
      (OneCycleLR: peak lr 2e-3, 30 % warm-up, cosine, beta1 0.95 -> 0.85 -> 0.95),
      batch 128, label smoothing 0.1, random horizontal flips, 10 epochs; the epoch with the
      best accuracy on a 5,000-image validation split (held out of training) is kept.
  lenet (d2l's LeNet, lenet_config()):
      conv 6@5x5 pad 2, sigmoid, avg pool 2 -> conv 16@5x5, sigmoid, avg pool 2
      -> dense 120 sigmoid -> dense 84 sigmoid -> dense 10; Xavier-uniform weights, minibatch
      SGD lr 0.9, batch 256, 10 epochs, no augmentation, no validation split.

Inputs are pixel / 255 (softedge import's default). Timings cover the training steps only
(no evaluation); the script prints the machine's load average next to them: compare runs only
on a quiet machine.

usage: pytorch_cnn.py [--arch cnn|lenet] [--channels 16,32] [--dense 128] [--epochs N]
                      [--threads 1,2] [--limit N] [--test-limit N] [--data DIR]
                      [--onnx OUT.onnx] [--softedge PATH --work DIR] [--seed N]
--limit / --test-limit train and test on the first N images (a quick check that it works).
--onnx exports the kept model (of the last thread count) at opset 13. With --softedge, it also
runs `softedge import` on it and `softedge eval`, and prints softedge's accuracy and how often
it picks PyTorch's class.
"""
import argparse
import copy
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--arch", choices=("cnn", "lenet"), default="cnn")
parser.add_argument("--channels", default="16,32", help="cnn: the two convolutions' channels")
parser.add_argument("--dense", type=int, default=128, help="cnn: the hidden dense layer's width")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--threads", default="1,2", help="comma-separated thread counts, one run each")
parser.add_argument("--limit", type=int, default=0, help="train on the first N images (0: all)")
parser.add_argument("--test-limit", type=int, default=0, help="test on the first N images (0: all)")
parser.add_argument("--data", default=os.environ.get("SOFTEDGE_DATA", "/usr/share/datasets/fashion-mnist"))
parser.add_argument("--onnx", help="export the kept model of the last run here (opset 13)")
parser.add_argument("--softedge", help="the softedge tool: import the export and evaluate it")
parser.add_argument("--work", default="pytorch-cnn-work", help="directory for softedge's files")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--json", help="write the per-epoch results here")
args = parser.parse_args()


def read_idx(name, offset):
    """An IDX file of the data set, .gz or raw (as examples/pytorch/pytorch_to_softedge.py)."""
    path = os.path.join(args.data, name)
    gz = os.path.exists(path + ".gz")
    if not gz and not os.path.exists(path):
        sys.exit(f"pytorch_cnn.py: {path}(.gz): no such file; give the data set's directory with --data")
    with (gzip.open(path + ".gz", "rb") if gz else open(path, "rb")) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_split(prefix, limit):
    images = read_idx(f"{prefix}-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    labels = read_idx(f"{prefix}-labels-idx1-ubyte", 8).astype(np.int64)
    if len(images) != len(labels):
        sys.exit(f"pytorch_cnn.py: {args.data}/{prefix}: {len(images)} images but {len(labels)} labels")
    if limit:
        images, labels = images[:limit], labels[:limit]
    return torch.from_numpy(images.astype(np.float32) / 255), torch.from_numpy(labels)


class Recipe:
    """The training choices of one architecture (trainer/src/cnn_trainer.cpp)."""
    def __init__(self, arch):
        self.arch = arch
        if arch == "cnn":
            self.batch, self.lr, self.weight_decay, self.smoothing = 128, 2e-3, 0.05, 0.1
            self.flip, self.validation, self.optimizer = True, 5000, "adamw"
        else:
            self.batch, self.lr, self.weight_decay, self.smoothing = 256, 0.9, 0.0, 0.0
            self.flip, self.validation, self.optimizer = False, 0, "sgd"
        self.warmup = 0.3


def make_model(arch):
    if arch == "cnn":
        c1, c2 = (int(c) for c in args.channels.split(","))
        net = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(c2 * 7 * 7, args.dense), nn.ReLU(), nn.Linear(args.dense, 10))
        layers = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
        for i, m in enumerate(layers):
            fan_in = m.weight[0].numel()
            relu = i + 1 < len(layers)  # every layer but the output one feeds a ReLU
            nn.init.normal_(m.weight, std=float(np.sqrt((2.0 if relu else 1.0) / fan_in)))
            nn.init.zeros_(m.bias)
        return net
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)  # biases keep PyTorch's default U(+-1/sqrt(fan_in))
    return net


def accuracy(net, x, y):
    net.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x), 1000):
            correct += int((net(x[start:start + 1000]).argmax(1) == y[start:start + 1000]).sum())
    net.train()
    return correct / max(1, len(x))


def train(threads, recipe, train_x, train_y, test_x, test_y):
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    net = make_model(recipe.arch)
    order = torch.randperm(len(train_x), generator=generator)
    held = min(recipe.validation, len(train_x) // 10) if recipe.validation else 0
    val_rows, fit_rows = order[:held], order[held:]
    steps_per_epoch = (len(fit_rows) + recipe.batch - 1) // recipe.batch
    if recipe.optimizer == "adamw":
        weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
        biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
        optimizer = torch.optim.AdamW([{"params": weights, "weight_decay": recipe.weight_decay},
                                       {"params": biases, "weight_decay": 0.0}], lr=recipe.lr)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=recipe.lr, total_steps=args.epochs * steps_per_epoch,
            pct_start=recipe.warmup, anneal_strategy="cos", cycle_momentum=True,
            base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=1e4)
    else:
        optimizer = torch.optim.SGD(net.parameters(), lr=recipe.lr)
        schedule = None
    loss_fn = nn.CrossEntropyLoss(label_smoothing=recipe.smoothing)
    history, best = [], (-1.0, None, 0)
    print(f"{recipe.arch}, {threads} thread{'s' if threads > 1 else ''}: {len(fit_rows)} training "
          f"images, {held} validation, {len(test_x)} test, PyTorch {torch.__version__}")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        shuffled = fit_rows[torch.randperm(len(fit_rows), generator=generator)]
        total = 0.0
        for first in range(0, len(shuffled), recipe.batch):
            rows = shuffled[first:first + recipe.batch]
            x = train_x[rows]
            if recipe.flip:
                flip = torch.rand(len(rows), generator=generator) < 0.5
                x = torch.where(flip[:, None, None, None], x.flip(3), x)
            loss = loss_fn(net(x), train_y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            total += float(loss) * len(rows)
        seconds = time.perf_counter() - start
        val = accuracy(net, train_x[val_rows], train_y[val_rows]) if held else None
        test = accuracy(net, test_x, test_y)
        load = os.getloadavg()[0]
        history.append({"threads": threads, "epoch": epoch, "seconds": seconds, "loss": total / len(fit_rows),
                        "validation_accuracy": val, "test_accuracy": test, "load_average": load})
        print(f"  epoch {epoch:2}: {seconds:7.2f} s, loss {total / len(fit_rows):.4f}, "
              + (f"validation {val:.4f}, " if held else "") + f"test {test:.4f}  (load {load:.2f})")
        score = val if held else epoch  # without a validation split: the last epoch
        if score > best[0]:
            best = (score, copy.deepcopy(net.state_dict()), epoch)
    net.load_state_dict(best[1])
    kept = history[best[2] - 1]
    seconds = sum(h["seconds"] for h in history)
    print(f"  kept epoch {best[2]}: test accuracy {kept['test_accuracy']:.4f}; training "
          f"{seconds:.1f} s ({seconds / len(history):.2f} s per epoch)")
    return net, history, kept


def softedge(*argv):
    p = subprocess.run([args.softedge, *argv], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"softedge {' '.join(argv)} failed (exit {p.returncode}):\n{p.stderr}")
    return p.stdout


def compare_with_softedge(net, onnx_path, test_x, test_y):
    """softedge import + eval of the export, against PyTorch's predictions."""
    os.makedirs(args.work, exist_ok=True)
    sedg = os.path.join(args.work, os.path.splitext(os.path.basename(onnx_path))[0] + ".sedg")
    imported = json.loads(softedge("import", onnx_path, sedg, "--json"))
    predictions = sedg + ".predictions.txt"
    softedge("eval", sedg, "--data", args.data, "--json", "--predictions", predictions)
    theirs = np.loadtxt(predictions, dtype=np.int64)[:len(test_x)]  # all 10,000: keep ours
    net.eval()
    with torch.no_grad():
        ours = torch.cat([net(test_x[s:s + 1000]).argmax(1) for s in range(0, len(test_x), 1000)]).numpy()
    labels = test_y.numpy()
    print(f"softedge: import check max |delta log-probability| {imported['check_max_delta']:.3g}; "
          f"test accuracy {float((theirs == labels).mean()):.4f} (PyTorch {float((ours == labels).mean()):.4f}) "
          f"on {len(labels)} images, same class as PyTorch on {float((theirs == ours).mean()):.2%}")


def main():
    recipe = Recipe(args.arch)
    train_x, train_y = load_split("train", args.limit)
    test_x, test_y = load_split("t10k", args.test_limit)
    runs = []
    net = None
    for threads in (int(t) for t in args.threads.split(",")):
        net, history, kept = train(threads, recipe, train_x, train_y, test_x, test_y)
        runs.append({"threads": threads, "epochs": history, "kept": kept})
    print(f"\n{args.arch} on Fashion-MNIST ({args.epochs} epochs, PyTorch {torch.__version__}, "
          f"{os.cpu_count()} CPUs):")
    print(f"{'threads':>7} {'s/epoch':>8} {'total s':>8} {'kept test acc':>14}")
    for r in runs:
        total = sum(h["seconds"] for h in r["epochs"])
        print(f"{r['threads']:7} {total / len(r['epochs']):8.2f} {total:8.1f} {r['kept']['test_accuracy']:14.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)
    if args.onnx:
        net.eval()
        torch.onnx.export(net, torch.zeros(1, 1, 28, 28), args.onnx, opset_version=13,
                          input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
        print(f"exported {args.onnx} (opset 13): softedge import {args.onnx} MODEL.sedg")
        if args.softedge:
            compare_with_softedge(net, args.onnx, test_x, test_y)


main()
