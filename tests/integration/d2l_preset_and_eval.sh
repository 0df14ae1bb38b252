#!/usr/bin/env bash
# Integration on the real Fashion-MNIST: `softedge-train --preset d2l` must land in the
# lesson's accuracy band, and `softedge eval` on the file it wrote (a separate process going
# through the same runtime) must report the same test accuracy. Its int8 model must stay
# within 0.3 points of the float accuracy, agree on >= 99.5 % of the test images, fit in
# 8,500 bytes, and equal what `softedge quantize` makes of the float model.
# usage: d2l_preset_and_eval.sh SOFTEDGE_TRAIN SOFTEDGE WORKDIR
set -euo pipefail
train=$1 tool=$2 work=$3
mkdir -p "$work"
model=$work/d2l.sedg
rm -f "$model"

"$train" --preset d2l --seed 1 --out "$model" --int8 "$work/d2l-int8.sedg" > "$work/train.out"
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

# int8: the trainer's own report, then the quantize tool and eval on the int8 file.
"$tool" quantize "$model" "$work/quantized.sedg" --json > "$work/quantize.json"
cat "$work/quantize.json"
cmp "$work/d2l-int8.sedg" "$work/quantized.sedg" ||
  { echo "FAIL: softedge-train --int8 and softedge quantize made different files"; exit 1; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$work/quantize.json"; }
int8_acc=$(field int8_accuracy) agreement=$(field agreement) int8_bytes=$(field int8_bytes)
awk -v f="$train_acc" -v q="$int8_acc" 'BEGIN { d = f - q; if (d < 0) d = -d; exit !(d <= 0.003) }' ||
  { echo "FAIL: int8 accuracy $int8_acc is more than 0.3 points from float $train_acc"; exit 1; }
awk -v a="$agreement" 'BEGIN { exit !(a >= 0.995) }' ||
  { echo "FAIL: int8 agrees with float on only $agreement of the test images"; exit 1; }
[ "$int8_bytes" -le 8500 ] || { echo "FAIL: int8 model is $int8_bytes bytes (> 8500)"; exit 1; }
eval_int8=$("$tool" eval "$work/d2l-int8.sedg" | awk '/^test accuracy: /{print $3; exit}')
awk -v a="$eval_int8" -v b="$int8_acc" 'BEGIN { exit !(a == b) }' ||
  { echo "FAIL: softedge eval reports $eval_int8 for the int8 model, quantize $int8_acc"; exit 1; }

# Same seed, same model, byte for byte.
"$train" --preset d2l --seed 1 --out "$work/again.sedg" > /dev/null
cmp "$model" "$work/again.sedg" || { echo "FAIL: same seed gave a different model file"; exit 1; }
echo "PASS: d2l preset test accuracy $train_acc (int8 $int8_acc, agreement $agreement," \
     "$int8_bytes bytes), eval agrees, training is reproducible"
