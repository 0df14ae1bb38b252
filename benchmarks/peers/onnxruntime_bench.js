// onnxruntime_bench.js — ONNX Runtime (npm onnxruntime-node, one intra-op thread) on a model
// exported by `softedge export-onnx`, timed like softedge_peers_bench: the Fashion-MNIST test
// images as uint8 pixels, softmax included (the exported graph ends in Softmax).
//   NODE_PATH=.../node_modules node onnxruntime_bench.js MODEL.onnx [DATA_DIR] [ROUNDS]
// Prints, per round, one image (ns per inference over the first 1,000 images, each run
// alone) and all 10,000 images in one call (images/s); then the medians. A call from node
// costs some microseconds of its own (argument conversion): the one-image figure is an upper
// bound for what ONNX Runtime needs from C.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const ort = require('onnxruntime-node');

function readImages(dir) {
  const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  if (bytes.readUInt32BE(0) !== 0x803) throw new Error(`${file}: not an IDX image file`);
  const count = bytes.readUInt32BE(4);
  const rows = bytes.readUInt32BE(8);
  const cols = bytes.readUInt32BE(12);
  return { count, rows, cols, pixels: new Uint8Array(bytes.buffer, bytes.byteOffset + 16) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const [modelPath, dataDir = '/usr/share/datasets/fashion-mnist', roundsText = '5'] =
    process.argv.slice(2);
  if (!modelPath) throw new Error('usage: node onnxruntime_bench.js MODEL.onnx [DATA_DIR] [ROUNDS]');
  const images = readImages(dataDir);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const inputName = session.inputNames[0];
  const perImage = images.rows * images.cols;
  const one = (i) =>
    new ort.Tensor('uint8', images.pixels.subarray(i * perImage, (i + 1) * perImage),
                   [1, 1, images.rows, images.cols]);
  const all = new ort.Tensor('uint8', images.pixels.subarray(0, images.count * perImage),
                             [images.count, 1, images.rows, images.cols]);
  const singles = 1000;
  const oneImage = [], throughput = [];
  await session.run({ [inputName]: one(0) });  // warm-up
  for (let r = 0; r < Number(roundsText); ++r) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < singles; ++i) await session.run({ [inputName]: one(i) });
    const ns = Number(process.hrtime.bigint() - start) / singles;
    start = process.hrtime.bigint();
    await session.run({ [inputName]: all });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    oneImage.push(ns);
    throughput.push(images.count / seconds);
    console.log(`round ${r}: one image ${ns.toFixed(0)} ns, ${images.count} images ` +
                `${(images.count / seconds / 1e6).toFixed(4)} M/s`);
  }
  console.log(`onnxruntime ${ort.env.versions ? JSON.stringify(ort.env.versions) : ''} ` +
              `median: one image ${median(oneImage).toFixed(0)} ns, ` +
              `all ${(median(throughput) / 1e6).toFixed(4)} M images/s`);
}

main().catch((e) => {
  console.error(`onnxruntime_bench.js: ${e.message}`);
  process.exit(1);
});
