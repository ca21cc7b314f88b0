// npm run bench: the Graves update and whole training steps, against TensorFlow.js
// (wasm and cpu backends), a plain JavaScript loop and the memory-bandwidth floor,
// measured side by side in this process. Prints tables, writes bench/results.json.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  getDevice, init, DeviceArray, randn, rmspropGravesKer, gpuarray, Sequential, Linear, Activation, relu, RMSPropGraves,
  MSE, type DeviceName,
} from "portable-optim";
import { measure, table, ms, ratio, type Contender } from "./harness.ts";
import { tf, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";

setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
const SIZES = [4096, 65536, 1 << 20, 1 << 24];
const label = (n: number) => (n >= 1 << 20 ? `${n / (1 << 20)}M` : `${n / 1024}K`);

async function ours(name: DeviceName, size: number): Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name);
  const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
  arrays[0].set(randn([size], 1));
  arrays[1].set(randn([size], 2));
  const [w, g, mg, ms2, d] = arrays;
  return {
    name, run: () => rmspropGravesKer(w, g, mg, ms2, d, { learnRate: 0.01 }),
    dispose: () => arrays.forEach((a) => a.dispose()),
  };
}

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

/**
 * The floor: memory.copy of the bytes one update moves (five float32 reads and four
 * writes per parameter: 36 bytes, as a copy of 4.5 floats per parameter).
 */
async function copyFloor(size: number): Promise<Contender & { dispose(): void }> {
  const device = await getDevice("wasm-simd");
  const n = Math.ceil(size * 4.5);
  const [src, dst] = [DeviceArray.allocate(device, [n]), DeviceArray.allocate(device, [n])];
  return { name: "copy floor", run: () => device.copy(src, dst), dispose: () => [src, dst].forEach((a) => a.dispose()) };
}

async function tfjs(backend: "wasm" | "cpu", size: number) {
  await tf.setBackend(backend);
  await tf.ready();
  return { name: `TF.js ${backend}`, ...tfjsUpdate(size) };
}

const results: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, Node ${process.version}` };

console.log("Graves update, ms per step (medians of interleaved rounds) and ratios\n");
const updateRows = [["params", "wasm-simd", "wasm", "js", "plain JS", "TF.js wasm", "TF.js cpu", "copy floor",
  "simd vs TF.js wasm", "simd vs wasm", "simd / floor"]];
const update: Record<string, Record<string, number>> = {};
for (const size of SIZES) {
  const big = size >= 1 << 24;
  const contenders: (Contender & { dispose?(): void })[] = [
    await ours("wasm-simd", size), await ours("wasm", size), await copyFloor(size), await tfjs("wasm", size),
  ];
  // The slow ones cost seconds per step at 16M: measured at 1M and below only.
  if (!big) contenders.push(await ours("js", size), plainLoop(size), await tfjs("cpu", size));
  // TF.js switches backend per contender: each TF.js run happens with its own backend active.
  const wrapped = contenders.map((c) => c.name.startsWith("TF.js") ? {
    ...c,
    run: async () => {
      if (tf.getBackend() !== c.name.slice(6)) await tf.setBackend(c.name.slice(6));
      return c.run();
    },
  } : c);
  const t = await measure(wrapped, { rounds: big ? 5 : 7 });
  contenders.forEach((c) => c.dispose?.());
  const get = (k: string) => t.get(k);
  update[label(size)] = Object.fromEntries(t);
  updateRows.push([label(size), ms(get("wasm-simd")), ms(get("wasm")), ms(get("js")), ms(get("plain JS loop")),
    ms(get("TF.js wasm")), ms(get("TF.js cpu")), ms(get("copy floor")),
    ratio(get("TF.js wasm"), get("wasm-simd")), ratio(get("wasm"), get("wasm-simd")), ratio(get("wasm-simd"), get("copy floor"))]);
}
console.log(table(updateRows));
console.log();
results.update = update;

console.log("One training step (forward, MSE, backward, update), ms, and TF.js's time over ours\n");
const nets: [string, number[], number][] = [["128-64-32-16, batch 16", [128, 64, 32, 16], 16],
  ["784-512-512-10, batch 64", [784, 512, 512, 10], 64]];
const stepRows = [["net", "wasm-simd", "wasm", "js", "TF.js wasm", "TF.js cpu", "TF.js wasm / simd", "TF.js cpu / js"]];
const steps: Record<string, Record<string, number>> = {};
for (const [name, sizes, batch] of nets) {
  const contenders: Contender[] = [];
  for (const device of ["wasm-simd", "wasm", "js"] as const) {
    await init({ device });
    const data = gpuarray.toGpu(randn([batch, sizes[0]], 1), [batch, sizes[0]]);
    const target = gpuarray.toGpu(randn([batch, sizes.at(-1)!], 2), [batch, sizes.at(-1)!]);
    const layers = sizes.slice(1).flatMap((out, i) => [new Linear(sizes[i], out, { seed: i + 1 }), new Activation(relu)]);
    const net = new Sequential(layers.slice(0, -1));
    const optimizer = new RMSPropGraves({ learnRate: 0.001 });
    optimizer.setupOn(net, { useGlobalState: true });
    const loss = new MSE();
    contenders.push({
      name: device, run: () => {
        const [, grad] = loss.compute(net.forward(data), target);
        optimizer.zeroGradParams();
        net.backward(grad);
        optimizer.update();
      },
    });
  }
  for (const backend of ["wasm", "cpu"] as const) {
    await tf.setBackend(backend);
    await tf.ready();
    const step = tfjsTrainStep(sizes, batch);
    contenders.push({
      name: `TF.js ${backend}`,
      run: async () => {
        if (tf.getBackend() !== backend) await tf.setBackend(backend);
        step.run();
      },
      sync: step.sync,
    });
  }
  const t = await measure(contenders, { rounds: 5 });
  steps[name] = Object.fromEntries(t);
  stepRows.push([name, ms(t.get("wasm-simd")), ms(t.get("wasm")), ms(t.get("js")), ms(t.get("TF.js wasm")),
    ms(t.get("TF.js cpu")), ratio(t.get("TF.js wasm"), t.get("wasm-simd")), ratio(t.get("TF.js cpu"), t.get("js"))]);
}
console.log(table(stepRows));
results.trainingStep = steps;

mkdirSync(new URL(".", import.meta.url), { recursive: true });
const file = new URL("results.json", import.meta.url);
const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
writeFileSync(file, JSON.stringify({ ...previous, node: results }, null, 2) + "\n");
console.log(`\nwritten to bench/results.json`);
