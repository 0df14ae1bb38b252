// onnx_run_ort.js — runs an exported softedge ONNX model in ONNX Runtime (onnxruntime-node,
// installed by the test into its build directory and found through NODE_PATH).
//   node onnx_run_ort.js MODEL.onnx PIXELS.bin CHANNELS HEIGHT WIDTH
// PIXELS.bin holds N images of uint8 pixels back to back; prints the N x classes
// probabilities as one JSON array.
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, pixelsPath, c, h, w] = process.argv.slice(2);
  const pixels = new Uint8Array(fs.readFileSync(pixelsPath));
  const perImage = Number(c) * Number(h) * Number(w);
  const images = pixels.length / perImage;
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
  const input = new ort.Tensor('uint8', pixels, [images, Number(c), Number(h), Number(w)]);
  const result = await session.run({ pixels: input });
  console.log(JSON.stringify(Array.from(result.probabilities.data)));
}

main().catch((e) => {
  console.error(`onnx_run_ort.js: ${e.message}`);
  process.exit(1);
});
