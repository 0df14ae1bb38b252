#!/usr/bin/env bash
# Fuzz longer than CI does, regenerate the seeds, or keep a crash input (docs/HOSTILE-INPUT.md).
#   tests/fuzz/fuzz.sh [SECONDS [TARGET...]]   build the "fuzz" preset, fuzz each target (model,
#                                              idx, pgm, onnx; default all) for SECONDS (default 300)
#   tests/fuzz/fuzz.sh corpus                  rewrite tests/fuzz/corpus/*/seed-* (make_corpus)
#   tests/fuzz/fuzz.sh keep TARGET FILE        copy a crash input into the corpus as
#                                              crash-<sha1>, replayed by every CI run
# New inputs found while fuzzing go to build/fuzz/fuzz-work/TARGET (not committed), crash
# inputs to build/fuzz/fuzz-artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$root/tests/fuzz/corpus
build=$root/build/fuzz
cd "$root"
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz -j "$(nproc)" > /dev/null

case "${1:-}" in
  corpus)
    "$build/tests/fuzz/softedge_fuzz_make_corpus" "$corpus"
    /usr/bin/python3 "$root/tests/fuzz/make_onnx_corpus.py" "$corpus/onnx"
    exit 0 ;;
  keep)
    target=$2 file=$3
    sum=$(sha1sum "$file" | cut -d' ' -f1)
    cp "$file" "$corpus/$target/crash-$sum"
    echo "kept as $corpus/$target/crash-$sum"
    exit 0 ;;
esac

seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model idx pgm onnx)
status=0
for target in "${targets[@]}"; do
  mkdir -p "$build/fuzz-work/$target" "$build/fuzz-artifacts"
  dict=()
  [ -f "$root/tests/fuzz/$target.dict" ] && dict=(-dict="$root/tests/fuzz/$target.dict")
  echo "== $target: $seconds s"
  log=$build/fuzz-artifacts/$target.log
  rc=0
  "$build/tests/fuzz/softedge_fuzz_$target" "${dict[@]}" -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$target-" \
    "$build/fuzz-work/$target" "$corpus/$target" > "$log" 2>&1 || rc=$?
  grep -E '^(stat::|INFO: seed corpus|#[0-9]+ +(INITED|DONE))|ERROR|SUMMARY|Test unit written' \
    "$log" || true
  if [ $rc -ne 0 ]; then
    echo "$target: FAILED (exit $rc), full log: $log"
    status=1
  fi
done
exit $status
