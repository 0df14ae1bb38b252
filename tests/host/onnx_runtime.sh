#!/usr/bin/env bash
# ONNX Runtime on softedge's exported models: installs onnxruntime-node@1.20.1 from npm into the
# build directory (once; --ignore-scripts: its install script only fetches a GPU build), then
# runs onnx_round_trip.py with --ort, which compares ONNX Runtime's probabilities with the
# runtime's. Exits 77 (ctest: skipped) when npm is missing or cannot reach the registry.
# usage: onnx_runtime.sh SOFTEDGE WORKDIR
set -euo pipefail
softedge=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
npm_dir=$work/npm
mkdir -p "$work"
if [ ! -f "$npm_dir/node_modules/onnxruntime-node/package.json" ]; then
  if ! command -v npm > /dev/null || ! command -v node > /dev/null; then
    echo "SKIP: node and npm are needed to install onnxruntime-node"
    exit 77
  fi
  mkdir -p "$npm_dir"
  if ! timeout 300 npm install onnxruntime-node@1.20.1 --ignore-scripts --no-audit --no-fund \
         --prefix "$npm_dir" > "$work/npm.log" 2>&1; then
    tail -n 5 "$work/npm.log"
    echo "SKIP: npm could not install onnxruntime-node@1.20.1 (registry unreachable?)"
    exit 77
  fi
fi
exec /usr/bin/python3 "$here/onnx_round_trip.py" "$softedge" "$work/round-trip" \
  --ort "$npm_dir/node_modules"
