// The update at 1M parameters the way a user measures it from the docs: 20 calls, one read-back, TF.js
// between rounds. node bench/update-script.mjs [threads]   (npm run bench runs it; docs/benchmarks.md)
import { init, gpuarray, randn, rmspropGravesKer } from "portable-optim";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
const n = 1 << 20, steps = 20, rounds = 9;
await init({ device: "wasm-simd", threads: Number(process.argv[2] ?? 1) });
const [w, g, mg, ms, d] = [1, 2, 0, 0, 0].map((seed) => (seed ? gpuarray.toGpu(randn([n], seed)) : gpuarray.zeros([n])));
await tf.setBackend("wasm");
const variable = tf.variable(tf.randomNormal([n])), grad = tf.randomNormal([n]);
const optimizer = tf.train.rmsprop(0.01, 0.95, 0.9, -1e-4, true);
const time = (run, sync) => { const t = performance.now(); for (let i = 0; i < steps; i++) run(); sync(); return (performance.now() - t) / steps; };
const ours = [], theirs = [];
for (let r = 0; r < rounds; r++) {
  ours.push(time(() => rmspropGravesKer(w, g, mg, ms, d, { learnRate: 0.01 }), () => w.get()));
  theirs.push(time(() => optimizer.applyGradients([{ name: variable.name, tensor: grad }]), () => variable.dataSync()));
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const [a, b] = [median(ours), median(theirs)];
console.log(`update, 1M: wasm-simd ${a.toFixed(3)} ms, TF.js wasm ${b.toFixed(3)} ms, ${(b / a).toFixed(1)}x`);
