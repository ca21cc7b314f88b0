// npm run bench: the Graves update, the matrix products and whole training steps (MLPs and
// the Fashion-MNIST CNN, bench/cnn.ts), on 1, 2 and all threads (and how each step scales
// with threads, bench/threads.ts), against TensorFlow.js
// (wasm and cpu backends), jax-js (wasm), a plain JavaScript loop, the memory-bandwidth
// floor and a native C product, measured side by side in this run. Prints tables, writes
// bench/results.json.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { randn } from "../src/index.js";
import { measure, table, ms, ratio, weightsDiff, type Contender } from "./harness.ts";
import { NETS, oursClassifierStep, copyFloor, oursMatmul, oursOptimizerUpdate, oursTrainStep, oursTrainedWeights, oursUpdate } from "./ours.ts";
import { TFJS_OPTIMIZERS, onBackend, tfjsClassifierStep, tfjsOptimizerUpdate, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";
import { Adam, SGD } from "../src/index.js";
import { jaxClassifierStep, jaxDevice, jaxTrainStep } from "./jaxjs.ts";
import { cnnBenchmarks, fashionMnistBatch } from "./cnn.ts";
import { scalingTable } from "./threads.ts";

/** State arrays per parameter of each optimizer: the bytes its step moves are (3 + 2 * states) floats. */
const STATES: Record<OptimizerName, number> = {
  SGD: 0, MomentumSGD: 1, NesterovSGD: 1, RMSProp: 1, Adam: 2, AdaGrad: 1, AdaDelta: 2, SMORMS3: 3, RMSPropGraves: 3,
};
import { compileNative, nativeGflops } from "./native.ts";
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
const SIZES = [4096, 65536, 1 << 20, 1 << 24];
const label = (n: number) => (n >= 1 << 20 ? `${n / (1 << 20)}M` : `${n / 1024}K`);

/** What someone would write by hand: one loop, double arithmetic, no rounding control. */
function plainLoop(size: number): Contender {
  const [w, g, mg, ms2, d] = [0, 1, 2, 3, 4].map((i) => (i < 2 ? randn([size], i + 1) : new Float32Array(size)));
  const [lr, alpha, mom, eps] = [0.01, 0.95, 0.9, 1e-4];
  return {
    name: "plain JS loop",
    run: () => {
      for (let i = 0; i < size; i++) {
        const gi = g[i];
        mg[i] = alpha * mg[i] + (1 - alpha) * gi;
        ms2[i] = alpha * ms2[i] + (1 - alpha) * gi * gi;
        d[i] = mom * d[i] - (lr * gi) / Math.sqrt(ms2[i] - mg[i] * mg[i] + eps);
        w[i] += d[i];
      }
    },
  };
}

const results: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, Node ${process.version}` };
/** Thread counts measured: 1, 2 and all the machine has (init()'s default: at most 8). */
const ALL = Math.min(8, availableParallelism());
const THREADS = [...new Set([1, 2, ALL])];

console.log("Graves update, ms per step (medians of interleaved rounds) and ratios\n");
const updateRows = [["params", "wasm-simd", `wasm-simd, ${ALL} threads`, "wasm", "js", "plain JS", "TF.js wasm", "TF.js cpu",
  "copy floor", "simd vs TF.js wasm", "simd vs wasm", "simd / floor", `${ALL} threads / 1`]];
const update: Record<string, Record<string, number>> = {};
for (const size of SIZES) {
  const big = size >= 1 << 24;
  const contenders: (Contender & { dispose?(): void })[] = [
    await oursUpdate("wasm-simd", size), await oursUpdate("wasm-simd", size, "keep", ALL), await oursUpdate("wasm", size),
    await copyFloor("wasm-simd", size),
    await onBackend("wasm", () => tfjsUpdate(size)),
  ];
  // The slow ones cost seconds per step at 16M: measured at 1M and below only.
  if (!big) {
    contenders.push(await oursUpdate("js", size), plainLoop(size), await onBackend("cpu", () => tfjsUpdate(size)));
  }
  const t = await measure(contenders, { rounds: big ? 5 : 7 });
  contenders.forEach((c) => c.dispose?.());
  const get = (k: string) => t.get(k);
  update[label(size)] = Object.fromEntries(t);
  const threaded = get(`wasm-simd, ${ALL} threads`);
  updateRows.push([label(size), ms(get("wasm-simd")), ms(threaded), ms(get("wasm")), ms(get("js")),
    ms(get("plain JS loop")), ms(get("TF.js wasm")), ms(get("TF.js cpu")), ms(get("copy floor")),
    ratio(get("TF.js wasm"), get("wasm-simd")), ratio(get("wasm"), get("wasm-simd")), ratio(get("wasm-simd"), get("copy floor")),
    ratio(get("wasm-simd"), threaded)]);
}
console.log(table(updateRows));
console.log();
results.update = update;

console.log("The update at 1M as bench/update-script.mjs measures it (20 calls and a read-back, TF.js between rounds)\n");
const script = new URL("update-script.mjs", import.meta.url).pathname;
results.updateScript = Object.fromEntries(THREADS.map((threads) => {
  const line = execFileSync(process.execPath, [script, String(threads)], { encoding: "utf8" }).trim();
  console.log(`${threads} thread${threads > 1 ? "s" : ""}: ${line}`);
  return [threads, line];
}));
console.log();

console.log("The optimizer family at 1M parameters, ms per update() on wasm-simd, against TF.js wasm's version and " +
  "the copy floor (the bytes the step moves, one thread)\n");
const familyRows = [["optimizer", "ours", `ours, ${ALL} threads`, "TF.js wasm", "copy floor", "ours vs TF.js wasm", "ours / floor",
  `${ALL} threads / floor`]];
const family: Record<string, Record<string, number>> = {};
const RATES: Record<OptimizerName, Record<string, number>> = {
  SGD: { learnRate: 0.01 }, MomentumSGD: { learnRate: 0.01 }, NesterovSGD: { learnRate: 0.01 }, RMSProp: { learnRate: 0.01 },
  Adam: { alpha: 0.01 }, AdaGrad: { learnRate: 0.01 }, AdaDelta: {}, SMORMS3: { learnRate: 0.01 }, RMSPropGraves: { learnRate: 0.01 },
};
for (const name of Object.keys(OPTIMIZERS) as OptimizerName[]) {
  const states = STATES[name];
  const contenders: (Contender & { dispose?(): void })[] = [await oursOptimizerUpdate(name, RATES[name]),
    await oursOptimizerUpdate(name, RATES[name], ALL), await copyFloor("wasm-simd", 1 << 20, (3 + 2 * states) / 2)];
  if (TFJS_OPTIMIZERS[name]) contenders.push(await onBackend("wasm", () => tfjsOptimizerUpdate(name, 1 << 20)));
  const t = await measure(contenders, { rounds: 7 });
  contenders.forEach((c) => c.dispose?.());
  family[name] = Object.fromEntries(t);
  const threaded = t.get(`ours, ${ALL} threads`);
  familyRows.push([name, ms(t.get("ours")), ms(threaded), ms(t.get("TF.js wasm")), ms(t.get("copy floor")),
    ratio(t.get("TF.js wasm"), t.get("ours")), ratio(t.get("ours"), t.get("copy floor")), ratio(threaded, t.get("copy floor"))]);
}
console.log(table(familyRows));
console.log("(SMORMS3 has no TF.js version; TF.js's NesterovSGD is its momentum with useNesterov, its RMSPropGraves " +
  "the centered rmsprop with -epsilon)\n");
results.family = family;

const NATIVE = compileNative();
console.log("Matrix products of the 784-512-512-10 net at batch 64, GFLOP/s, and the native C reference " +
  "(bench/native/matmul.c: the same summation order, 128-bit vectors, -O3 -ffp-contract=off)\n");
if ("skipped" in NATIVE) console.log(`(${NATIVE.skipped})\n`);
const matmulRows = [["product", "wasm-simd", ...THREADS.slice(1).map((t) => `${t} threads`), "native C", "wasm-simd / native"]];
const matmul: Record<string, Record<string, number>> = {};
for (const [what, shape, form] of [["xW + b, 64x784 · 784x512", [64, 784, 512], "xW"],
  ["xᵀ·dy, 784x64 · 64x512", [784, 64, 512], "xTdy"], ["dy·Wᵀ, 64x512 · 512x784", [64, 512, 784], "dyWT"]] as const) {
  const contenders = [];
  for (const threads of THREADS) contenders.push(await oursMatmul("wasm-simd", [...shape], form, threads));
  const t = await measure(contenders, { rounds: 9 });
  contenders.forEach((c) => c.dispose());
  const gflops = (name: string) => (2 * shape[0] * shape[1] * shape[2]) / t.get(name)! / 1e6;
  const native = "binary" in NATIVE && form !== "dyWT" ? nativeGflops(NATIVE.binary, [...shape], form) : undefined;
  matmul[what] = { ...Object.fromEntries(contenders.map((c) => [c.name, gflops(c.name)])), ...(native ? { native } : {}) };
  matmulRows.push([what, ...contenders.map((c) => gflops(c.name).toFixed(1)), native?.toFixed(1) ?? "-",
    native ? `${(gflops("wasm-simd") / native).toFixed(2)}x` : "-"]);
}
console.log(table(matmulRows));
console.log();
results.matmul = matmul;

console.log("One training step (forward, MSE, backward, update), ms, and TF.js's time over ours\n");
const threadNames = THREADS.slice(1).map((t) => `wasm-simd, ${t} threads`);
const stepRows = [["net", "wasm-simd", ...THREADS.slice(1).map((t) => `${t} threads`), "wasm", "js", "TF.js wasm",
  "TF.js cpu", "TF.js wasm / simd", ...THREADS.slice(1).map((t) => `${t} threads / 1`), "TF.js cpu / js"]];
const steps: Record<string, Record<string, number>> = {};
for (const [name, sizes, batch] of NETS) {
  const contenders: Contender[] = [];
  for (const threads of THREADS) contenders.push(await oursTrainStep("wasm-simd", sizes, batch, "keep", threads));
  for (const device of ["wasm", "js"] as const) contenders.push(await oursTrainStep(device, sizes, batch));
  for (const backend of ["wasm", "cpu"]) contenders.push(await onBackend(backend, () => tfjsTrainStep(sizes, batch)));
  const t = await measure(contenders, { rounds: 7 });
  steps[name] = Object.fromEntries(t);
  const one = t.get("wasm-simd");
  stepRows.push([name, ms(one), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("wasm")), ms(t.get("js")),
    ms(t.get("TF.js wasm")), ms(t.get("TF.js cpu")), ratio(t.get("TF.js wasm"), one),
    ...threadNames.map((n) => ratio(one, t.get(n))), ratio(t.get("TF.js cpu"), t.get("js"))]);
}
console.log(table(stepRows));
results.trainingStep = steps;

console.log("\nThe Fashion-MNIST example's step (784-256-10 relu, Dropout 0.2, softmax cross-entropy, RMSPropGraves, " +
  "batch 64 of real images uploaded per step; TF.js: the same net, its dropout, softmaxCrossEntropy and centered " +
  "rmsprop), ms\n");
const classifierBatch = await fashionMnistBatch();
{
  const batch = classifierBatch;
  const contenders: Contender[] = [];
  for (const threads of THREADS) contenders.push(await oursClassifierStep("wasm-simd", batch, "keep", threads));
  for (const device of ["wasm", "js"] as const) contenders.push(await oursClassifierStep(device, batch));
  for (const backend of ["wasm", "cpu"]) contenders.push(await onBackend(backend, () => tfjsClassifierStep(batch.images, batch.labels)));
  const t = await measure(contenders, { rounds: 7 });
  results.classifierStep = Object.fromEntries(t);
  const one = t.get("wasm-simd");
  console.log(table([
    ["wasm-simd", ...threadNames, "wasm", "js", "TF.js wasm", "TF.js cpu", "TF.js wasm / simd", ...threadNames.map((n) => `${n} / 1`)],
    [ms(one), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("wasm")), ms(t.get("js")), ms(t.get("TF.js wasm")),
      ms(t.get("TF.js cpu")), ratio(t.get("TF.js wasm"), one), ...threadNames.map((n) => ratio(one, t.get(n)))],
  ]));
}

console.log("\nTraining steps against jax-js (0.1.25, its jit(valueAndGrad) step with the same optimizer in its ops, " +
  "on its wasm device: one thread in Node, which has no global Worker), ms\n");
const jaxRows = [["net, optimizer", "wasm-simd", ...THREADS.slice(1).map((t) => `${t} threads`), "jax-js wasm", "jax-js / simd",
  ...THREADS.slice(1).map((t) => `jax-js / ${t} threads`)]];
const jax: Record<string, Record<string, number>> = {};
await jaxDevice("wasm");
for (const [name, sizes, batch] of NETS) {
  for (const [label, ours, theirs] of [
    ["SGD", () => new SGD({ learnRate: 0.01 }), "sgd"], ["Adam", () => new Adam({ alpha: 0.001 }), "adam"],
  ] as const) {
    const contenders: Contender[] = [];
    for (const threads of THREADS) contenders.push(await oursTrainStep("wasm-simd", sizes, batch, "keep", threads, ours));
    const jaxStep = jaxTrainStep("wasm", sizes, batch, theirs, label === "SGD" ? 0.01 : 0.001);
    contenders.push({ name: "jax-js wasm", run: jaxStep.run, sync: jaxStep.sync });
    const t = await measure(contenders, { rounds: 7 });
    jax[`${name}, ${label}`] = Object.fromEntries(t);
    jaxRows.push([`${name}, ${label}`, ms(t.get("wasm-simd")), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("jax-js wasm")),
      ratio(t.get("jax-js wasm"), t.get("wasm-simd")), ...threadNames.map((n) => ratio(t.get("jax-js wasm"), t.get(n)))]);
  }
}
{
  // The Fashion-MNIST MLP with SGD and without Dropout on both sides (jax-js has no dropout layer to match ours).
  const name = "Fashion-MNIST MLP 784-256-10, CrossEntropy, batch 64";
  const sgd = { optimizer: () => new SGD({ learnRate: 0.01 }), dropout: false };
  const contenders: Contender[] = [];
  for (const threads of THREADS) contenders.push(await oursClassifierStep("wasm-simd", classifierBatch, "keep", threads, sgd));
  const jaxStep = jaxClassifierStep("wasm", classifierBatch.images, classifierBatch.labels, 0.01);
  contenders.push({ name: "jax-js wasm", run: jaxStep.run, sync: jaxStep.sync });
  const t = await measure(contenders, { rounds: 7 });
  jax[`${name}, SGD`] = Object.fromEntries(t);
  jaxRows.push([`${name}, SGD`, ms(t.get("wasm-simd")), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("jax-js wasm")),
    ratio(t.get("jax-js wasm"), t.get("wasm-simd")), ...threadNames.map((n) => ratio(t.get("jax-js wasm"), t.get(n)))]);
}
console.log(table(jaxRows));
results.jax = jax;

results.threads = await scalingTable(classifierBatch);

console.log();
Object.assign(results, await cnnBenchmarks(classifierBatch, THREADS));

console.log("\nThe same training run on two devices: 100 SGD steps of the 128-64-32-16 relu MLP, the first layer's " +
  "8,192 weights compared\n");
const runs: Record<string, Float32Array> = {};
for (const device of ["cpu", "wasm"] as const) {
  await jaxDevice(device);
  const run = jaxTrainStep(device, NETS[0][1], NETS[0][2], "sgd", 0.01);
  for (let i = 0; i < 100; i++) run.run();
  runs[`jax-js ${device}`] = await run.weights();
}
const oursRuns: Record<string, Float32Array> = {};
for (const device of ["wasm-simd", "js"] as const) oursRuns[device] = await oursTrainedWeights(device, NETS[0][1], NETS[0][2]);
console.log(table([["pair", "weights differing", "worst"],
  ["jax-js cpu vs jax-js wasm", ...weightsDiff(runs["jax-js cpu"], runs["jax-js wasm"])],
  ["ours js vs ours wasm-simd", ...weightsDiff(oursRuns.js, oursRuns["wasm-simd"])]]));

console.log('\nThe price of init({ subnormals: "flush" }) on wasm-simd, ms\n');
const flushRows = [["work", "keep", "flush", "flush / keep"]];
const flush: Record<string, Record<string, number>> = {};
const flushCases: [string, (mode: "keep" | "flush") => Promise<Contender & { dispose?(): void }>][] = [
  ["update, 64K", (mode) => oursUpdate("wasm-simd", 65536, mode)],
  ["update, 1M", (mode) => oursUpdate("wasm-simd", 1 << 20, mode)],
  ...NETS.map(([name, sizes, batch]): [string, (mode: "keep" | "flush") => Promise<Contender>] =>
    [`step, ${name}`, (mode) => oursTrainStep("wasm-simd", sizes, batch, mode)]),
];
for (const [work, make] of flushCases) {
  const contenders = [await make("keep"), await make("flush")];
  const t = await measure(contenders, { rounds: 7 });
  contenders.forEach((c) => c.dispose?.());
  flush[work] = Object.fromEntries(t);
  flushRows.push([work, ms(t.get("wasm-simd")), ms(t.get("wasm-simd flush")), ratio(t.get("wasm-simd flush"), t.get("wasm-simd"))]);
}
console.log(table(flushRows));
results.flush = flush;

mkdirSync(new URL(".", import.meta.url), { recursive: true });
const file = new URL("results.json", import.meta.url);
const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
writeFileSync(file, JSON.stringify({ ...previous, node: results }, null, 2) + "\n");
console.log(`\nwritten to bench/results.json`);
