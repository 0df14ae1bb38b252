#!/usr/bin/env bash
# The models and reference outputs the device benchmark tests use, made on the desktop:
#   make_test_models.sh SOFTEDGE_TRAIN SOFTEDGE OUTDIR
# d2l(-int8).sedg: the lesson's 784->10, one epoch; mlp(-int8).sedg: 784-256-10, one epoch;
# t10k-images-idx3-ubyte: the real test images, gunzipped (softedge-bench reads raw IDX);
# NAME.eval.json and NAME.predictions: the desktop's `softedge eval` of each model, which the
# cross-compiled tool must reproduce under qemu (int8: every prediction identical).
set -euo pipefail
train=$1 tool=$2 out=$3
data=${SOFTEDGE_DATA:-/usr/share/datasets/fashion-mnist}
mkdir -p "$out"
"$train" --preset d2l --epochs 1 --out "$out/d2l.sedg" --int8 "$out/d2l-int8.sedg" > "$out/train-d2l.log"
"$train" --hidden 256 --epochs 1 --out "$out/mlp.sedg" --int8 "$out/mlp-int8.sedg" > "$out/train-mlp.log"
gzip -dc "$data/t10k-images-idx3-ubyte.gz" > "$out/t10k-images-idx3-ubyte.tmp"
mv "$out/t10k-images-idx3-ubyte.tmp" "$out/t10k-images-idx3-ubyte"
for model in d2l d2l-int8 mlp mlp-int8; do
  "$tool" eval "$out/$model.sedg" --json --predictions "$out/$model.predictions" \
    > "$out/$model.eval.json"
done
"$tool" predict "$out/d2l-int8.sedg" --index 42 --top 3 --json > "$out/d2l-int8.predict42.json"
