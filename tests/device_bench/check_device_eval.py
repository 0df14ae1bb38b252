#!/usr/bin/env python3
"""The softedge tool built for the device (eval, predict) against the desktop's results.

  check_device_eval.py eval NAME --models DIR --work DIR [--max-differences N] -- COMMAND...
  check_device_eval.py predict NAME --models DIR --work DIR -- COMMAND...

COMMAND runs the cross-built `softedge` (under qemu). DIR holds NAME.sedg and the desktop's
NAME.eval.json / NAME.predictions / NAME.predict42.json (tests/device_bench/make_test_models.sh).
int8 models must give the desktop's prediction for every one of the 10,000 test images (int8
logits are bit-identical on every CPU); float models may differ on at most N near-ties, since
each kernel set sums in its own order.
"""
import argparse
import json
import os
import subprocess
import sys


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run_json(command, args):
    result = subprocess.run(command + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=900)
    if result.returncode != 0:
        fail("exit status %d for %s\n%s" % (result.returncode, " ".join(args), result.stderr))
    return json.loads(result.stdout)


def lines(path):
    with open(path) as f:
        return f.read().split()


def check_eval(options, command):
    model = os.path.join(options.models, options.name + ".sedg")
    predictions = os.path.join(options.work, options.name + ".predictions")
    device = run_json(command, ["eval", model, "--json", "--predictions", predictions])
    with open(os.path.join(options.models, options.name + ".eval.json")) as f:
        desktop = json.load(f)
    mine, theirs = lines(predictions), lines(os.path.join(options.models, options.name + ".predictions"))
    if len(mine) != 10000 or len(theirs) != 10000:
        fail("%d device and %d desktop predictions, expected 10000 each" % (len(mine), len(theirs)))
    differences = sum(1 for a, b in zip(mine, theirs) if a != b)
    print("eval %s on the device: accuracy %.4f (desktop %.4f), kernel %s (desktop %s), "
          "%d of 10000 predictions differ" % (options.name, device["accuracy"], desktop["accuracy"],
                                              device.get("kernel"), desktop.get("kernel"), differences))
    if differences > options.max_differences:
        fail("%d predictions differ from the desktop's (at most %d allowed)"
             % (differences, options.max_differences))
    if abs(device["correct"] - desktop["correct"]) > differences:
        fail("correct counts %d vs %d" % (device["correct"], desktop["correct"]))
    if device["total"] != 10000:
        fail("evaluated %d images" % device["total"])


def check_predict(options, command):
    model = os.path.join(options.models, options.name + ".sedg")
    device = run_json(command, ["predict", model, "--index", "42", "--top", "3", "--json"])
    with open(os.path.join(options.models, options.name + ".predict42.json")) as f:
        desktop = json.load(f)
    if device["true_class"] != desktop["true_class"]:
        fail("true class %s vs %s" % (device["true_class"], desktop["true_class"]))
    classes = [t["class"] for t in device["top"]]
    if classes != [t["class"] for t in desktop["top"]]:
        fail("top classes %s vs desktop %s" % (device["top"], desktop["top"]))
    for a, b in zip(device["top"], desktop["top"]):
        if abs(a["probability"] - b["probability"]) > 1e-6:
            fail("probabilities %s vs desktop %s" % (device["top"], desktop["top"]))
    print("predict %s, test image 42 on the device: %s" % (options.name, device["top"]))


if __name__ == "__main__":
    argv = sys.argv[1:]
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["eval", "predict"])
    parser.add_argument("name")
    parser.add_argument("--models", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--max-differences", type=int, default=0)
    options = parser.parse_args(argv[:split])
    os.makedirs(options.work, exist_ok=True)
    (check_eval if options.case == "eval" else check_predict)(options, argv[split + 1:])
