// npm run bench:threads: how the training steps scale with threads on wasm-simd (the
// MLPs, the Fashion-MNIST classifier and CNN at 1, 2 and 4 threads, five interleaved
// rounds, each round's ratio and their median; npm run bench prints this table too), then
// where the time of the big MLP's and the CNN's steps goes, per kernel, on 1 and 2
// threads: each kernel's time per step (medians of five interleaved rounds), its parts per
// call, and the time the calling thread waits for the workers after its own parts
// (ThreadPool's waitForParts); last, what the update of the big MLP's first layer costs on
// 1 and 2 threads after each way a product can read its weights (see updateAfterTable).
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { currentDevice, gpuarray, init, type DeviceArray, type DeviceName } from "../src/index.js";
import { WasmDevice } from "../src/devices/wasm/index.js";
import type { ThreadPool } from "../src/workers/pool.js";
import { measureRounds, median, ms, table, type Contender } from "./harness.ts";
import { NETS, oursClassifierStep, oursTrainStep, oursCnnStep, type ClassifierBatch } from "./ours.ts";
import { fashionMnistBatch } from "./cnn.ts";

interface Tally { ms: number; calls: number; parts: number; waitMs: number }

/** Times every runParts() call of the current wasm device by kernel name while `run` runs `steps` times. */
function profile(device: WasmDevice, run: () => void, steps: number): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  const original = device.runParts;
  const pool = (device as unknown as { pool: ThreadPool | null }).pool;
  const waitOriginal = pool ? (pool as unknown as { waitForParts(n: number): void }).waitForParts : null;
  let waited = 0;
  if (pool && waitOriginal) {
    (pool as unknown as { waitForParts(n: number): void }).waitForParts = function (n: number) {
      const start = performance.now();
      waitOriginal.call(this, n);
      waited += performance.now() - start;
    };
  }
  device.runParts = function (exported, parts) {
    // A product split along k (matmulShare) is a product.
    const name = exported.replace("matmulShare", "matmul");
    const before = waited;
    const start = performance.now();
    const result = original.call(this, exported, parts);
    const tally = tallies.get(name) ?? { ms: 0, calls: 0, parts: 0, waitMs: 0 };
    tally.ms += performance.now() - start;
    tally.calls++;
    tally.parts += parts.length;
    tally.waitMs += waited - before;
    tallies.set(name, tally);
    return result;
  };
  try {
    for (let i = 0; i < steps; i++) run();
  } finally {
    device.runParts = original;
    if (pool && waitOriginal) (pool as unknown as { waitForParts(n: number): void }).waitForParts = waitOriginal;
  }
  for (const tally of tallies.values()) {
    tally.ms /= steps;
    tally.calls /= steps;
    tally.parts /= steps;
    tally.waitMs /= steps;
  }
  return tallies;
}

type Make = (threads: number) => Promise<{ run(): void }>;

async function kernelTable(title: string, make: Make, steps: number) {
  console.log(`\n${title}: per kernel, ms per step (1 thread | 2 threads; parts per call and caller's wait on 2)\n`);
  const runs = new Map<number, Map<string, Tally>[]>([[1, []], [2, []]]);
  const totals = new Map<number, number[]>([[1, []], [2, []]]);
  const contenders = new Map<number, { run(): void; device: WasmDevice }>();
  for (const threads of [1, 2]) {
    const step = await make(threads);
    contenders.set(threads, { run: step.run, device: currentDevice() as WasmDevice });
  }
  for (let round = 0; round < 5; round++) {
    for (const threads of [1, 2]) {
      const { run, device } = contenders.get(threads)!;
      run();
      const start = performance.now();
      runs.get(threads)!.push(profile(device, run, steps));
      totals.get(threads)!.push((performance.now() - start) / steps);
    }
  }
  const names = [...new Set([...runs.values()].flat().flatMap((m) => [...m.keys()]))];
  const rows = [["kernel", "1 thread", "2 threads", "2 / 1 speed-up", "parts per call", "calls", "wait on 2"]];
  const stat = (threads: number, name: string, key: keyof Tally) => median(runs.get(threads)!.map((m) => m.get(name)?.[key] ?? 0));
  names.sort((a, b) => stat(1, b, "ms") - stat(1, a, "ms"));
  for (const name of names) {
    const one = stat(1, name, "ms"), two = stat(2, name, "ms"), calls = stat(2, name, "calls");
    rows.push([name, one.toFixed(3), two.toFixed(3), `${(one / two).toFixed(2)}x`, (stat(2, name, "parts") / calls).toFixed(1),
      calls.toFixed(0), stat(2, name, "waitMs").toFixed(3)]);
  }
  const [one, two] = [median(totals.get(1)!), median(totals.get(2)!)];
  rows.push(["whole step", one.toFixed(3), two.toFixed(3), `${(one / two).toFixed(2)}x`, "", "", ""]);
  console.log(table(rows));
}

/** Thread counts of the scaling table: 1, 2, 4 (more than this machine's cores, if it has 2) and all of them. */
const COUNTS = [...new Set([1, 2, 4, Math.min(8, availableParallelism())])].sort((a, b) => a - b);

/**
 * Each step at every count of COUNTS, interleaved, five rounds of at least 800 ms per
 * sample, each round's samples cut into 32 slices run in turn, each slice starting with
 * the next count (see measureRounds): the medians, each round's ratio of 1 thread's time to 2 threads', and the
 * median of those ratios and of the other counts'.
 */
export async function scalingTable(batch: ClassifierBatch): Promise<Record<string, Record<string, number>>> {
  console.log("\nThe training steps on wasm-simd by thread count, ms (medians of five interleaved rounds, each alternating " +
    "the counts in 32 slices, each slice starting with the next count), and the " +
    "ratio of one thread's time to the others' (each round's, then their median)\n");
  const steps: [string, (threads: number) => Promise<Contender>][] = [
    ...NETS.map(([name, sizes, n]): [string, (threads: number) => Promise<Contender>] =>
      [`MLP ${name}`, (threads) => oursTrainStep("wasm-simd", sizes, n, "keep", threads)]),
    ["Fashion-MNIST MLP 784-256-10, batch 64", (threads) => oursClassifierStep("wasm-simd", batch, "keep", threads)],
    ["Fashion-MNIST CNN, batch 64", (threads) => oursCnnStep("wasm-simd", batch, "keep", threads)],
  ];
  const others = COUNTS.slice(1);
  const rows = [["step", ...COUNTS.map((t) => `${t} thread${t > 1 ? "s" : ""}`), "2 / 1, each round",
    ...others.map((t) => `${t} / 1, median`)]];
  const results: Record<string, Record<string, number>> = {};
  for (const [name, make] of steps) {
    const contenders: Contender[] = [];
    for (const threads of COUNTS) contenders.push({ ...(await make(threads)), name: String(threads) });
    const samples = await measureRounds(contenders, { rounds: 5, minMs: 800, slices: 32, rotate: true });
    const times = (t: number) => samples.get(String(t))!;
    const ratios = new Map(others.map((t) => [t, times(t).map((x, round) => times(1)[round] / x)]));
    const [medians, medianRatios] = [COUNTS.map((t) => median(times(t))), others.map((t) => median(ratios.get(t)!))];
    results[name] = Object.fromEntries([...COUNTS.map((t, i) => [`${t} threads`, medians[i]]),
      ...others.map((t, i) => [`${t} / 1`, medianRatios[i]])]);
    rows.push([name, ...medians.map(ms), ratios.get(2)!.map((r) => r.toFixed(2)).join(" "),
      ...medianRatios.map((r) => `${r.toFixed(2)}x`)]);
  }
  console.log(table(rows));
  return results;
}

/**
 * Why the products split along k (matmulShare): RMSPropGraves on arrays the size of the
 * 784-512 layer's weights, each thread its rows (as the optimizer's layout has the device
 * split them), timed on 1 and 2 threads right after each way a forward product (64×784 ·
 * 784×512) can read the weights. Split along k, as the device runs it, each thread reads
 * the rows it then updates. Split by columns (the device's split before), each thread reads
 * a band of every row, so the update writes lines that the other core holds; split by the
 * rows of x, both read every line.
 */
async function updateAfterTable() {
  const [m, k, n] = [64, 784, 512];
  const product = { m, k, n, aRow: k, aCol: 1, bRow: n, bCol: 1 };
  const before: [string, (d: WasmDevice, x: DeviceArray, w: DeviceArray, other: DeviceArray, y: DeviceArray) => void][] = [
    ["nothing", () => {}],
    ["the product of other weights", (d, x, _w, other, y) => d.kernels.matmul(x, other, y, null, product)],
    ["the product, split along k (as run)", (d, x, w, _o, y) => d.kernels.matmul(x, w, y, null, product)],
    ["the product, split by columns", (d, x, w, _o, y) => d.runParts(d.kernelName("matmul"),
      d.ranges(n, 8, 16).map(([j0, j1]) => [d.ptr(x), d.ptr(w) + j0 * 4, d.ptr(y) + j0 * 4, 0, m, k, j1 - j0, k, 1, n, 1, n]))],
    ["the product, split by the rows of x", (d, x, w, _o, y) => d.runParts(d.kernelName("matmul"),
      d.ranges(m, 4, 1).map(([i0, i1]) => [d.ptr(x) + i0 * k * 4, d.ptr(w), d.ptr(y) + i0 * n * 4, 0, i1 - i0, k, n, k, 1, n, 1, n]))],
  ];
  const runs = new Map<number, Map<string, number[]>>();
  const values = (length: number, seed: number) => Float32Array.from({ length }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.05);
  for (const threads of [1, 2]) {
    await init({ device: "wasm-simd", threads });
    const d = currentDevice() as WasmDevice;
    const [x, other, y] = [gpuarray.toGpu(values(m * k, 1), [m, k]), gpuarray.toGpu(values(k * n, 2), [k, n]), gpuarray.zeros([m, n])];
    const arrays = Object.fromEntries(["param", "grad", "mg", "ms", "delta"].map((name, i) =>
      [name, gpuarray.toGpu(name === "ms" ? new Float32Array(k * n).fill(1) : values(k * n, i + 3), [k * n])]));
    const times = new Map<string, number[]>();
    for (let round = 0; round < 5; round++) {
      for (const [name, read] of before) {
        let total = 0;
        for (let i = 0; i < 60; i++) {
          read(d, x, arrays.param, other, y);
          const start = performance.now();
          d.kernels.rmspropGraves(arrays, [{ end: k * n, scalars: [1e-6, 0.95, 0.05, 0.9, 1e-4] }], [{ end: k * n, rows: k }]);
          if (i >= 10) total += performance.now() - start;
        }
        times.set(name, [...(times.get(name) ?? []), total / 50]);
      }
    }
    runs.set(threads, times);
    for (const a of [x, other, y, ...Object.values(arrays)]) a.dispose();
  }
  console.log("\nRMSPropGraves on 784×512 weights right after the forward product reads them (or not): ms per update " +
    "(medians of five rounds)\n");
  const rows = [["before the update", "1 thread", "2 threads", "2 / 1 speed-up"]];
  for (const [name] of before) {
    const [one, two] = [median(runs.get(1)!.get(name)!), median(runs.get(2)!.get(name)!)];
    rows.push([name, one.toFixed(3), two.toFixed(3), `${(one / two).toFixed(2)}x`]);
  }
  console.log(table(rows));
}

export async function threadBenchmarks(batch: ClassifierBatch) {
  await scalingTable(batch);
  const [, sizes, n] = NETS[1];
  const device: DeviceName = "wasm-simd";
  await kernelTable(`The ${NETS[1][0]} step (MSE, RMSPropGraves)`, (threads) => oursTrainStep(device, sizes, n, "keep", threads), 20);
  await kernelTable("The Fashion-MNIST CNN step, batch 64 (RMSPropGraves)", (threads) => oursCnnStep(device, batch, "keep", threads), 3);
  await updateAfterTable();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await threadBenchmarks(await fashionMnistBatch());
