#!/usr/bin/env bash
# Integration on the real Fashion-MNIST: `softedge-train --preset d2l` must land in the
# lesson's accuracy band, and `softedge eval` on the file it wrote (a separate process going
# through the same runtime) must report the same test accuracy.
# usage: d2l_preset_and_eval.sh SOFTEDGE_TRAIN SOFTEDGE WORKDIR
set -euo pipefail
train=$1 tool=$2 work=$3
mkdir -p "$work"
model=$work/d2l.sedg
rm -f "$model"

"$train" --preset d2l --seed 1 --out "$model" > "$work/train.out"
cat "$work/train.out"
epochs=$(grep -c '^epoch [0-9]*, loss [0-9.]*, acc [0-9.]*$' "$work/train.out")
[ "$epochs" -eq 10 ] || { echo "FAIL: expected 10 lines 'epoch N, loss L, acc A', got $epochs"; exit 1; }
train_acc=$(awk '/^test acc /{print $3}' "$work/train.out")
[ -n "$train_acc" ] || { echo "FAIL: no 'test acc' line"; exit 1; }
awk -v a="$train_acc" 'BEGIN { exit !(a >= 0.815 && a <= 0.845) }' ||
  { echo "FAIL: test accuracy $train_acc outside [0.815, 0.845]"; exit 1; }

"$tool" eval "$model" > "$work/eval.out"
head -n 1 "$work/eval.out"
eval_acc=$(awk '/^test accuracy: /{print $3; exit}' "$work/eval.out")
[ "$eval_acc" = "$train_acc" ] ||
  { echo "FAIL: softedge eval reports $eval_acc, the trainer $train_acc"; exit 1; }

# Same seed, same model, byte for byte.
"$train" --preset d2l --seed 1 --out "$work/again.sedg" > /dev/null
cmp "$model" "$work/again.sedg" || { echo "FAIL: same seed gave a different model file"; exit 1; }
echo "PASS: d2l preset test accuracy $train_acc, eval agrees, training is reproducible"
