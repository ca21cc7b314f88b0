// WebAssembly threads: the same bits for 1, 2, 3 and 4 threads (kernels at odd sizes and
// views, and training a net whose products and update are big enough to be split), the
// option's checks, and a pool whose workers fail, hang, end or are disposed.
import { describe, it, expect } from "vitest";
import {
  availableDevices, getDevice, init, DeviceArray, randn, gpuarray, Sequential, Linear, Activation, relu, tanh,
  RMSPropGraves, MSE, InvalidArgumentError, WorkerError, type Device,
} from "../src/index.js";
import { WasmDevice } from "../src/devices/wasm/index.js";
import { kernel, runElementwise } from "../src/runtime/kernels.js";
import { convForwardCalls, convInputGradCalls } from "../src/modules/Conv2D.js";
import { ThreadPool } from "../src/workers/pool.js";
import {
  controlViews, jobStores, jobTag, runNextPart, spinWhile, CONTROL_BYTES, ARGS, DONE, FAILED, MAX_ARGS, NEXT, PARTS, SPIN_MS,
  THREADS,
} from "../src/workers/control.js";
import { runtimeParallelism } from "../src/workers/spawn.js";
import { expectSameBits } from "./helpers.js";

const COUNTS = [1, 2, 3, 4];
const f = Math.fround;

/** Every kernel on `device` at sizes above the split thresholds, odd, on views at odd offsets. */
function runKernels(device: Device): Map<string, Float32Array | number> {
  const results = new Map<string, Float32Array | number>();
  const view = (size: number, seed: number, offset = 3) => {
    const whole = DeviceArray.allocate(device, [size + offset + 5]);
    whole.set(randn([size + offset + 5], seed));
    return { whole, view: whole.view(offset, [size]) };
  };
  const n = 300_007;
  const arrays = [1, 2, 3, 4, 5].map((seed) => view(n, seed, seed));
  arrays[2].view.set(randn([n], 9).map((v) => Math.abs(v) * 0.1)); // ms >= mg²-ish: finite roots mostly
  const [w, g, mg, ms, d] = arrays.map((a) => a.view);
  const scalars = { learnRate: f(0.01), alpha: f(0.95), b: f(1 - f(0.95)), momRate: f(0.9), epsilon: f(1e-4) };
  runElementwise("rmspropGraves", { param: w, grad: g, mg, ms, delta: d }, [{ end: 100_003, scalars },
    { end: n, scalars: { ...scalars, learnRate: f(0.02), momRate: f(0.5) } }]);
  arrays.forEach((a, i) => results.set(`update ${i}`, a.whole.get()));
  // The same over matrices end to end (the optimizer's layout): the wasm devices split each by
  // rows between the threads, a run's end (100_003) inside a matrix.
  const segments = [{ end: 40_000, rows: 1 }, { end: 40_000 + 313 * 517, rows: 313 }, { end: 201_821 + 14 * 7013, rows: 14 },
    { end: n, rows: 1 }];
  runElementwise("rmspropGraves", { param: w, grad: g, mg, ms, delta: d }, [{ end: 100_003, scalars },
    { end: n, scalars: { ...scalars, learnRate: f(0.03), momRate: f(0.25) } }], "rmspropGraves", segments);
  arrays.forEach((a, i) => results.set(`update by rows ${i}`, a.whole.get()));
  runElementwise("tanh", { x: g, y: mg });
  results.set("tanh forward", mg.get());
  runElementwise("sigmoidBackward", { y: g, dy: ms, dx: d });
  results.set("sigmoid backward", d.get());
  runElementwise("addScaled", { x: g, y: w }, { scale: f(0.3) });
  results.set("addScaled", w.get());
  g.view(1000, [7]).set([NaN, Infinity, NaN, -Infinity, 1, NaN, 2]);
  results.set("countNonFinite", kernel(device, "countNonFinite")(g));
  results.set("countNonFinite by rows", kernel(device, "countNonFinite")(g, segments));
  kernel(device, "fill")(ms, 2.5);
  results.set("fill", arrays[3].whole.get());
  kernel(device, "fill")(d, -1.5, segments);
  results.set("fill by rows", arrays[4].whole.get());
  arrays.forEach((a) => a.whole.dispose());
  // Products split along k (xW: m < n), by columns (m < n: the strided Wᵀ copied first, or read
  // in place where m <= 4) and by rows.
  for (const [m, k, nn, form] of [[97, 301, 255, "xW"], [301, 97, 255, "xTdy"], [97, 255, 301, "dyWT"],
    [4, 301, 2003, "dyWT"]] as const) {
    const strides = { xW: { aRow: k, aCol: 1, bRow: nn, bCol: 1 }, xTdy: { aRow: 1, aCol: m, bRow: nn, bCol: 1 },
      dyWT: { aRow: k, aCol: 1, bRow: 1, bCol: k } }[form];
    const [a, b, bias] = [view(m * k, 11), view(k * nn, 12), view(nn, 13)];
    const out = DeviceArray.allocate(device, [m, nn]);
    kernel(device, "matmul")(a.view, b.view, out, form === "xW" ? bias.view : null, { m, k, n: nn, ...strides });
    results.set(`matmul ${form}`, out.get());
    [a.whole, b.whole, bias.whole, out].forEach((x) => x.dispose());
  }
  // The sliding-window and per-channel kernels at a window with every field odd or uneven,
  // sized so that each splits into parts (and takes more arguments than the other kernels).
  const [maps, height, width] = [6, 37, 29];
  const conv = { n: 16, maps, height, width, kernelH: 3, kernelW: 4, strideH: 2, strideW: 1, padH: 1, padW: 2,
    dilationH: 1, dilationW: 2, outH: 19, outW: 27 };
  const pooled = { ...conv, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, dilationW: 1, outH: 19, outW: 15 };
  const x = view(16 * maps * height * width, 21);
  const cols = DeviceArray.allocate(device, [16 * 19 * 27, maps * 12]);
  kernel(device, "im2row")(x.view, cols, conv);
  results.set("im2row", cols.get());
  const dx = DeviceArray.allocate(device, x.view.shape);
  kernel(device, "row2im")(cols, dx, conv);
  results.set("row2im", dx.get());
  const t = DeviceArray.allocate(device, cols.shape);
  kernel(device, "transpose")(cols, t, null, 16, 19 * 27, maps * 12);
  results.set("transpose", t.get());
  // Conv2D's fused passes (the WebAssembly devices'), against the calls they fuse on js.
  const [outmaps, k, rows] = [5, maps * 12, 16 * 19 * 27];
  const [W, bias] = [view(outmaps * k, 23), view(outmaps, 24)];
  const [forward, patches, sampleProducts] = [[16, outmaps, 19, 27], cols.shape, [rows, outmaps]].map((shape) =>
    DeviceArray.allocate(device, shape));
  if (device.kernels.convForward) device.kernels.convForward(x.view, W.view, bias.view, patches, forward, outmaps, conv);
  else convForwardCalls(x.view, W.view, bias.view, patches, sampleProducts, forward, outmaps, conv);
  results.set("convForward", forward.get());
  results.set("convForward's patches", patches.get());
  if (device.kernels.convInputGrad) device.kernels.convInputGrad(forward, W.view, dx, outmaps, conv);
  else {
    kernel(device, "transpose")(forward, sampleProducts, null, 16, outmaps, 19 * 27);
    convInputGradCalls(sampleProducts, W.view, patches, dx, outmaps, conv);
  }
  results.set("convInputGrad", dx.get());
  [W.whole, bias.whole, forward, patches, sampleProducts].forEach((a) => a.dispose());
  const y = DeviceArray.allocate(device, [16, maps, 19, 15]);
  const indices = DeviceArray.allocate(device, y.shape);
  for (const mode of ["max", "avgNoPad"] as const) {
    kernel(device, "pool")(x.view, y, mode === "max" ? indices : null, pooled, mode);
    results.set(`pool ${mode}`, y.get());
    kernel(device, "poolBackward")(y, dx, mode === "max" ? indices : null, pooled, mode);
    results.set(`poolBackward ${mode}`, dx.get());
  }
  const channels = { n: 16, channels: maps, positions: height * width };
  const stats = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [maps]));
  const [mean, invStd, scale, sums, products] = stats;
  kernel(device, "channelSums")(x.view, null, null, null, mean, channels, "sum");
  kernel(device, "channelSums")(x.view, null, mean, null, invStd, channels, "centeredSquares");
  kernel(device, "channelSums")(x.view, dx, mean, invStd, products, channels, "normalizedProducts");
  kernel(device, "channelSums")(dx, null, null, null, sums, channels, "sum");
  stats.forEach((a, i) => results.set(`channelSums ${i}`, a.get()));
  scale.set(randn([maps], 22));
  kernel(device, "batchNorm")(x.view, mean, invStd, scale, sums, dx, channels);
  results.set("batchNorm", dx.get());
  kernel(device, "batchNormBackward")(x.view, dx, mean, invStd, scale, products, sums, t.view(0, x.view.shape), channels);
  results.set("batchNormBackward", t.get());
  [x.whole, cols, dx, t, y, indices, ...stats].forEach((a) => a.dispose());
  return results;
}

/**
 * Runs `run` with `device`'s threads polling as if each had a core (on a machine with fewer
 * cores than threads they block instead, and products are not split along k): so that
 * every split is tested at every count.
 */
function polling<T>(device: Device, run: () => T): T {
  const pool = (device as unknown as { pool: ThreadPool | null }).pool;
  const before = pool?.spinMs ?? 0;
  if (pool) pool.spinMs = SPIN_MS;
  // The device keeps the pool's polling in a field: it must follow the pool's spinMs.
  const haveCores = () => (device as unknown as { threadsHaveCores: boolean }).threadsHaveCores;
  expect(haveCores(), "threadsHaveCores while polling").toBe(device.threads > 1);
  try {
    return run();
  } finally {
    if (pool) pool.spinMs = before;
    expect(haveCores(), "threadsHaveCores after").toBe(device.threads > 1 && before > 0);
  }
}

/** Trains a 200-256-256-9 net (products and update large enough to split) for 5 steps. */
async function trainNet(name: "wasm-simd" | "wasm", threads: number): Promise<Float32Array[]> {
  await init({ device: name, threads });
  const data = gpuarray.toGpu(randn([66, 200], 1), [66, 200]);
  const target = gpuarray.toGpu(randn([66, 9], 2), [66, 9]);
  const net = new Sequential([new Linear(200, 256, { seed: 1 }), new Activation(tanh), new Linear(256, 256, { seed: 2 }),
    new Activation(relu), new Linear(256, 9, { seed: 3 })]);
  const optimizer = new RMSPropGraves({ learnRate: 0.001 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  const errors: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [error, grad] = loss.compute(net.forward(data), target);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
    errors.push(error!);
  }
  const result = [Float32Array.from(errors), ...[...net.getVarTable().keys()].map((v) => v.data.get())];
  [data, target].forEach((a) => a.dispose());
  [net, optimizer, loss].forEach((x) => x.dispose());
  return result;
}

describe.each(["wasm-simd", "wasm"] as const)("threads on %s", (name) => {
  it("every kernel gives the same bits on 1, 2, 3 and 4 threads, in both subnormal modes, and the js bits", async () => {
    for (const subnormals of ["keep", "flush"] as const) {
      const js = runKernels(await getDevice("js", { subnormals }));
      for (const threads of COUNTS) {
        const device = await getDevice(name, { subnormals, threads });
        expect(device.threads, `${threads} threads`).toBe(threads);
        for (const [what, got] of polling(device, () => runKernels(device))) {
          const want = js.get(what)!;
          if (typeof got === "number") expect(got, `${subnormals}, ${threads} threads: ${what}`).toBe(want);
          else expectSameBits(got, want as Float32Array, `${subnormals}, ${threads} threads: ${what}`);
        }
      }
    }
  });

  it("training gives the same errors and weights on 1, 2, 3 and 4 threads", async () => {
    const runs: Float32Array[][] = [];
    for (const threads of COUNTS) runs.push(await trainNet(name, threads));
    const [reference, ...others] = runs;
    for (const [i, run] of others.entries()) {
      run.forEach((array, j) => expectSameBits(array, reference[j], `${COUNTS[i + 1]} threads, array ${j}`));
    }
  });
});

describe("init({ threads })", () => {
  it.each([0, -1, 1.5, NaN, Infinity, 65, "2", null])("refuses %s, naming the value and what is accepted", async (threads) => {
    await init({ device: "js" });
    const error = await init({ device: "wasm-simd", threads: threads as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(`threads is ${typeof threads === "string" ? `"${threads}"` : String(threads)}`);
    expect((error as Error).message).toContain("expected an integer from 1 to 64");
  });

  it("availableDevices() reports the threads of wasm-simd and wasm", async () => {
    const statuses = await availableDevices();
    for (const status of statuses.filter((s) => s.name.startsWith("wasm"))) {
      expect(status.threads, status.name).toBeGreaterThanOrEqual(1);
      expect(status.threadsReason, status.name).toBeUndefined(); // Node has shared memory
    }
  });
});

describe("the pool's scheduling", () => {
  it("a thread runs its own run of consecutive parts first, then the others' in turn", () => {
    const views = controlViews(new SharedArrayBuffer(CONTROL_BYTES));
    const { ints, args } = views;
    const [job, threads, parts] = [41, 3, 8];
    ints[THREADS] = threads;
    ints[PARTS] = parts;
    ints[ARGS] = 1;
    for (let part = 0; part < parts; part++) args[part * MAX_ARGS] = part;
    for (let t = 0; t < threads; t++) ints[NEXT + t] = jobTag(job);
    const ran: number[] = [];
    // A late thread of an earlier job claims nothing.
    expect(runNextPart(views, job - 1, 1, (part) => ran.push(part))).toBe(false);
    // Thread 1 of 3 owns parts 2, 3 and 4 (of 0..7); then thread 2's (5..7), then thread 0's (0, 1).
    while (runNextPart(views, job, 1, (part) => ran.push(part)));
    expect(ran).toEqual([2, 3, 4, 5, 6, 7, 0, 1]);
    expect(ints[DONE]).toBe(parts);
  });

  it("a thread still in the job before claims no part while the next job is posted, whatever the part counts", () => {
    const views = controlViews(new SharedArrayBuffer(CONTROL_BYTES));
    const { ints } = views;
    const threads = 2;
    ints[THREADS] = threads;
    // Job 7 had `before` parts, all run; job 8 gets `after`, posted one store at a time.
    for (const [before, after] of [[2, 16], [1, 8], [5, 6], [16, 2], [3, 3]]) {
      for (const [index, value] of jobStores(7, 0, 1, before, threads)) ints[index] = value;
      while (runNextPart(views, 7, 0, () => 0));
      expect(ints[DONE]).toBe(before);
      for (const [index, value] of jobStores(8, 1, 3, after, threads)) {
        ints[index] = value;
        for (let t = 0; t < threads; t++) {
          expect(runNextPart(views, 7, t, () => 0), `${before} then ${after} parts: thread ${t} after [${index}] = ${value}`)
            .toBe(false);
        }
      }
      expect(ints[FAILED]).toBe(0);
      let ran = 0;
      while (runNextPart(views, 8, 1, () => ran++));
      expect([ran, ints[DONE]]).toEqual([after, after]);
    }
  });

  it("a failed part's error reaches the caller's WorkerError, the first one's message kept", async () => {
    // (module (func (export "part") (param i32) (result i32)
    //   (if (i32.ge_u (local.get 0) (i32.const 2)) (then unreachable)) (local.get 0)))
    const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0,
      7, 8, 1, 4, 112, 97, 114, 116, 0, 0, 10, 15, 1, 13, 0, 32, 0, 65, 2, 79, 4, 64, 0, 11, 32, 0, 11]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const pool = await ThreadPool.start(2, bytes, memory, ["part"]);
    if (!(pool instanceof ThreadPool)) throw new Error(`the pool did not start: ${pool}`);
    const { instance } = await WebAssembly.instantiate(bytes);
    const part = instance.exports.part as (i: number) => number;
    try {
      const parts = Array.from({ length: 64 }, (_, i) => [i % 4]);
      // The trap's message is the engine's: "unreachable" (V8), "unreachable executed" (SpiderMonkey).
      expect(() => pool.run(part, "part", parts)).toThrow(
        /^part failed in 32 part\(s\) \(part \d+: RuntimeError: unreachable( executed)?\)$/);
      // The next call starts clean.
      expect(pool.run(part, "part", [[0], [1], [1], [0]])).toEqual([0, 1, 1, 0]);
    } finally {
      pool.dispose();
    }
  });

  it.each([2, 3])("ranges() on %i threads: aligned, covering, at least minItems each, the big ones shrinking", async (threads) => {
    const device = await getDevice("wasm", { threads }) as WasmDevice;
    for (const [count, align, minItems] of [[64, 4, 4], [784, 4, 2], [669_706, 4, 1 << 16], [669_706, 4, 1 << 14],
      [300_007, 4, 1 << 14], [97, 4, 1], [10, 4, 1], [3, 4, 1], [0, 4, 1], [1_000_003, 1, 1000]]) {
      const ranges = device.ranges(count, align, minItems);
      const what = `${count} items, align ${align}, at least ${minItems}: ${JSON.stringify(ranges)}`;
      expect(ranges[0][0], what).toBe(0);
      expect(ranges.at(-1)![1], what).toBe(count);
      ranges.forEach(([start, end], i) => {
        if (i > 0) expect(start, what).toBe(ranges[i - 1][1]);
        expect(start % align, what).toBe(0);
        if (ranges.length > 1) expect(end - start, what).toBeGreaterThanOrEqual(Math.min(minItems, count));
      });
      expect(ranges.length, what).toBeLessThanOrEqual(threads * 4);
      if (count >= threads * 10 * Math.max(minItems, align)) {
        // Each thread's four parts shrink, so that the end of a call waits for a short one.
        for (let t = 0; t < threads; t++) {
          const sizes = ranges.slice(4 * t, 4 * t + 4).map(([start, end]) => end - start);
          expect(sizes[0], what).toBeGreaterThan(sizes[3]);
          sizes.slice(1).forEach((size, i) => expect(size, what).toBeLessThanOrEqual(sizes[i]));
        }
      }
    }
  });

  it("spinWhile() polls until the condition turns false or the time is up", () => {
    let polls = 0;
    expect(spinWhile(() => ++polls < 1000, 10_000)).toBe(true);
    expect(polls).toBe(1000);
    const start = performance.now();
    expect(spinWhile(() => true, 5)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(5);
    expect(spinWhile(() => false, 0)).toBe(true);
    expect(spinWhile(() => true, 0)).toBe(false);
  });

  it("threads poll between jobs only where each has a core of its own", async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    for (const threads of [2, runtimeParallelism() + 1]) {
      const pool = await ThreadPool.start(threads, MARK, memory, ["mark"]);
      if (!(pool instanceof ThreadPool)) throw new Error(`the pool did not start: ${pool}`);
      expect(pool.spinMs, `${threads} threads on ${runtimeParallelism()} cores`).toBe(threads <= runtimeParallelism() ? SPIN_MS : 0);
      pool.dispose();
    }
  });

  it("a small net's step (128-64-32-16, batch 16) hands no call to the workers, on 2 threads or 4: threads cost it nothing", async () => {
    for (const threads of [2, 4]) {
      const device = await init({ device: "wasm-simd", threads });
      const pool = (device as unknown as { pool: ThreadPool }).pool;
      expect(pool, `${threads} threads`).toBeInstanceOf(ThreadPool);
      const net = new Sequential([new Linear(128, 64, { seed: 1 }), new Activation(relu), new Linear(64, 32, { seed: 2 }),
        new Activation(relu), new Linear(32, 16, { seed: 3 })]);
      const optimizer = new RMSPropGraves({ learnRate: 0.001 });
      optimizer.setupOn(net, { useGlobalState: true });
      const [data, target, loss] = [gpuarray.toGpu(randn([16, 128], 4), [16, 128]), gpuarray.toGpu(randn([16, 16], 5), [16, 16]), new MSE()];
      const original = pool.run;
      let jobs = 0;
      pool.run = function (...args) {
        jobs++;
        return original.apply(this, args);
      };
      try {
        const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
        optimizer.zeroGradParams();
        net.backward(grad, { updGrad: false });
        optimizer.update();
      } finally {
        pool.run = original;
      }
      expect(jobs, `pool jobs in one step on ${threads} threads`).toBe(0);
      for (const thing of [data, target, loss, optimizer, net]) thing.dispose();
    }
  });

  it.each([["polling", SPIN_MS], ["blocked", 0]])("a %s worker starts with its own first part; every part runs once",
    async (_, spinMs) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      const marks = new Int32Array(memory.buffer);
      const pool = await ThreadPool.start(2, MARK, memory, ["mark"]);
      if (!(pool instanceof ThreadPool)) throw new Error(`the pool did not start: ${pool}`);
      pool.spinMs = spinMs;
      for (let round = 0; round < 20; round++) {
        marks.fill(0);
        await new Promise((resolve) => setTimeout(resolve, round % 2 ? 0 : 5)); // the worker polling, or asleep
        // This thread's part 0, if it claims it, waits until the worker has marked a part: so
        // this thread cannot take the worker's parts (4 to 7) before the worker starts. The
        // worker must start with its own part 4 (it may then take what is left of 0 to 3).
        const until = performance.now() + 10_000;
        pool.run((address) => {
          if (address === 0) while (!marks.subarray(0, 8).some((m) => m > 0) && performance.now() < until);
          marks[address / 4] = -(Atomics.add(marks, SEQUENCE, 1) + 1);
        }, "mark", Array.from({ length: 8 }, (_, part) => [part * 4]));
        const parts = Array.from(marks.subarray(0, 8));
        expect(parts.every((m) => m !== 0), `round ${round}: every part ran: ${parts}`).toBe(true);
        expect(marks[SEQUENCE], `round ${round}: parts run`).toBe(8);
        const workers = parts.filter((m) => m > 0);
        expect(Math.min(...workers), `round ${round}: the worker's first part was part 4: ${parts}`).toBe(parts[4]);
      }
      pool.dispose();
    });
});

describe("a thread's rows of a weight", () => {
  /** The parts of one kernel call on `device`, by thread (ThreadPool's own runs of consecutive parts). */
  function partsByThread(device: WasmDevice, call: () => void, kernelName: string): number[][][] {
    const original = device.runParts;
    let seen: number[][] = [];
    device.runParts = function (name, parts) {
      if (name === kernelName) seen = parts.map((p) => [...p]);
      return original.call(this, name, parts);
    };
    try {
      call();
    } finally {
      device.runParts = original;
    }
    const { threads } = device;
    return Array.from({ length: threads }, (_, t) =>
      seen.slice(Math.floor((t * seen.length) / threads), Math.floor(((t + 1) * seen.length) / threads)));
  }

  it("are the rows its share of every product reads or writes and the rows it updates, zeroes and checks", async () => {
    for (const threads of [2, 3, 4]) {
      const device = (await init({ device: "wasm-simd", threads })) as WasmDevice;
      polling(device, () => theRowsAgree(device));
    }
  });

  function theRowsAgree(device: WasmDevice): void {
    const { threads } = device;
    const [batch, insize, outsize] = [64, 784, 512];
    const x = gpuarray.toGpu(randn([batch, insize], 1), [batch, insize]);
    const W = gpuarray.toGpu(randn([insize, outsize], 2), [insize, outsize]);
    const dy = gpuarray.toGpu(randn([batch, outsize], 3), [batch, outsize]);
    const [y, dW, dx] = [gpuarray.zeros([batch, outsize]), gpuarray.zeros([insize, outsize]), gpuarray.zeros([batch, insize])];
    const matmul = kernel(device, "matmul");
    const rows = (t: number) => [device.firstRow(insize, t), device.firstRow(insize, t + 1)];
    const [pW, pdW] = [device.ptr(W), device.ptr(dW)];
    // y = x·W: thread t sums the terms of W's rows [k0, k1) (arguments 5 and 6 of matmulShare).
    const forward = partsByThread(device, () => matmul(x, W, y, null,
      { m: batch, k: insize, n: outsize, aRow: insize, aCol: 1, bRow: outsize, bCol: 1 }), "matmulShare");
    forward.forEach((parts, t) => expect(parts.map((p) => [p[5], p[6]]), `${threads} threads, y = xW, thread ${t}`)
      .toEqual([rows(t)]));
    // dW = xᵀ·dy: thread t writes dW's rows (argument 2: the part's first output address).
    const weightGrad = partsByThread(device, () => matmul(x, dy, dW, null,
      { m: insize, k: batch, n: outsize, aRow: 1, aCol: insize, bRow: outsize, bCol: 1 }), "matmul");
    weightGrad.forEach((parts, t) => expect([(parts[0][2] - pdW) / 4 / outsize, (parts.at(-1)![2] - pdW) / 4 / outsize +
      parts.at(-1)![4]], `${threads} threads, dW = xᵀdy, thread ${t}`).toEqual(rows(t)));
    // dx = dy·Wᵀ: thread t copies, then multiplies, the columns of Wᵀ that are W's rows (argument 1:
    // where they start in W; argument 2: where they go in dx).
    const input = partsByThread(device, () => matmul(dy, W, dx, null,
      { m: batch, k: outsize, n: insize, aRow: outsize, aCol: 1, bRow: 1, bCol: outsize }), "matmulPacked");
    input.forEach((parts, t) => {
      for (const p of parts) expect((p[1] - pW) / 4 / outsize, `${threads} threads, dx = dyWᵀ`).toBe((p[2] - device.ptr(dx)) / 4);
      expect([(parts[0][1] - pW) / 4 / outsize, (parts.at(-1)![1] - pW) / 4 / outsize + parts.at(-1)![6]],
        `${threads} threads, dx = dyWᵀ, thread ${t}`).toEqual(rows(t));
    });
    // The update, the zeroing and the check of a global array holding W (then a bias and padding).
    const segments = [{ end: insize * outsize, rows: insize }, { end: insize * outsize + outsize, rows: 1 },
      { end: insize * outsize + outsize + 4, rows: 1 }];
    const owned = device.ownedRanges(segments, [100_000, insize * outsize + 4]);
    expect(owned, `${threads} threads: ranges`).not.toBeNull();
    const perThread = owned!.length / threads;
    expect(Number.isInteger(perThread), `${threads} threads: equal counts`).toBe(true);
    const covered = new Uint8Array(segments.at(-1)!.end);
    for (let t = 0; t < threads; t++) {
      const mine = owned!.slice(t * perThread, (t + 1) * perThread).filter(([a, b]) => b > a);
      for (const [a, b] of mine) covered.fill(1 + (covered[a] ? 9 : 0), a, b); // twice: 10
      const inW = mine.filter(([a]) => a < insize * outsize);
      expect([inW[0][0] / outsize, inW.at(-1)![1] / outsize], `${threads} threads, update, thread ${t}`).toEqual(rows(t));
      expect(mine.some(([a, b]) => a < 100_000 && b > 100_000), `${threads} threads: cut at the run's end`).toBe(false);
    }
    expect(covered.every((c) => c === 1), `${threads} threads: every element once`).toBe(true);
    for (const a of [x, W, dy, y, dW, dx]) a.dispose();
  }
});

describe("a product split along k", () => {
  it("gives matmul's bits whichever thread runs a block's first and last stage (a free thread takes them)", async () => {
    const [m, k, n] = [64, 301, 517];
    const x = randn([m, k], 31), w = randn([k, n], 32), bias = randn([n], 33);
    const one = await getDevice("wasm-simd", { threads: 1 });
    const expected = DeviceArray.allocate(one, [m, n]);
    const shape = { m, k, n, aRow: k, aCol: 1, bRow: n, bCol: 1 };
    const upload = (device: Device, data: Float32Array, shape: number[]) => {
      const array = DeviceArray.allocate(device, shape);
      array.set(data);
      return array;
    };
    kernel(one, "matmul")(upload(one, x, [m, k]), upload(one, w, [k, n]), expected, upload(one, bias, [n]), shape);
    const device = (await init({ device: "wasm-simd", threads: 2 })) as WasmDevice;
    const [a, b, c] = [upload(device, x, [m, k]), upload(device, w, [k, n]), upload(device, bias, [n])];
    const out = DeviceArray.allocate(device, [m, n]);
    let shares: number[][] = [];
    const original = device.runParts;
    device.runParts = function (name, parts) {
      if (name === "matmulShare") shares = parts.map((p) => [...p]);
      return original.call(this, name, parts);
    };
    try {
      polling(device, () => kernel(device, "matmul")(a, b, out, c, shape));
    } finally {
      device.runParts = original;
    }
    expect(shares.length, "split along k between the two threads").toBe(2);
    expectSameBits(out.get(), expected.get(), "both threads");
    // The claim words (the last stages', the first stages'): every block claimed once.
    const blocks = Math.ceil(n / shares[0][14]);
    const claims = new Int32Array(device.exports.memory.buffer, shares[0][18], 2);
    for (const word of claims) expect(word & 0xffff, "no block left unclaimed").toBe(word >>> 16);
    // The calling thread alone, share after share, in either order: the share run first
    // finds every block unclaimed and runs both stages of all of them (the first share takes
    // the last stages from the back, the second the first stages while it waits for them).
    const exported = device.exports as unknown as Record<string, (...args: number[]) => void>;
    for (const order of [[0, 1], [1, 0]]) {
      claims.fill(blocks << 16);
      out.set(new Float32Array(m * n).fill(NaN));
      exported.matmulShare(...shares[order[0]]);
      expect(Array.from(claims, (word) => [word & 0xffff, word >>> 16]), `share ${order[0]} claimed every block`)
        .toEqual(order[0] === 0 ? [[0, 0], [blocks, blocks]] : [[blocks, blocks], [0, 0]]);
      exported.matmulShare(...shares[order[1]]);
      expectSameBits(out.get(), expected.get(), `one thread, share ${order[0]} running every block`);
    }
    for (const array of [a, b, c, out]) array.dispose();
  });
});

/** Where MARK's sequence counter is (an index of Int32Array): the parts mark at addresses below. */
const SEQUENCE = 256;
/**
 * (module (import "env" "memory" (memory 1 1 shared))
 *   (func (export "mark") (param i32)
 *     (i32.store (local.get 0) (i32.add (i32.atomic.rmw.add (i32.const 1024) (i32.const 1)) (i32.const 1)))))
 * A worker's part marks its address with its place in the order parts ran, counted from 1.
 */
const MARK = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 1, 127, 0,
  2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3, 1, 1, 3, 2, 1, 0,
  7, 8, 1, 4, 109, 97, 114, 107, 0, 0,
  10, 21, 1, 19, 0, 32, 0, 65, 128, 8, 65, 1, 254, 30, 2, 0, 65, 1, 106, 54, 2, 0, 11]);

describe("a pool whose workers fail", () => {
  it("falls back to one thread, with the reason, when a worker cannot start", async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 10, shared: true });
    const pool = await ThreadPool.start(3, new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]), memory, []);
    expect(pool).toMatch(/^pool worker 1 failed: /);
  });

  it("throws a WorkerError, never hangs, when a worker does not finish a part it claimed", async () => {
    // (module (import "env" "memory" (memory 1 1 shared))
    //   (func (export "spin") (i32.store (i32.const 0) (i32.const 1)) (loop (br 0))))
    const spinForever = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0,
      2, 16, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3, 1, 1, 3, 2, 1, 0,
      7, 8, 1, 4, 115, 112, 105, 110, 0, 0, 10, 16, 1, 14, 0, 65, 0, 65, 1, 54, 2, 0, 3, 64, 12, 0, 11, 11]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const pool = await ThreadPool.start(2, spinForever, memory, ["spin"]);
    if (!(pool instanceof ThreadPool)) throw new Error(`the pool did not start: ${pool}`);
    pool.partTimeoutMs = 300;
    // This thread's parts wait until the worker is inside a part of its own, which never returns.
    const claimed = new Int32Array(memory.buffer, 0, 1);
    const until = performance.now() + 10_000;
    const slowly = () => {
      while (Atomics.load(claimed, 0) === 0 && performance.now() < until);
    };
    expect(() => pool.run(slowly, "spin", Array.from({ length: 50 }, () => []))).toThrow(WorkerError);
    expect(pool.threads).toBe(1);
    expect(pool.brokenReason).toBe("a pool worker did not finish its part within 0.3 s");
  });

  it("finishes every call with the right bits when a worker ends, then runs on one thread and says why", async () => {
    const device = await getDevice("wasm-simd", { threads: 3, subnormals: "flush" });
    const reference = runKernels(await getDevice("js", { subnormals: "flush" }));
    // Ends a worker as a crash would, between calls (the next calls may still find it "running").
    const { pool } = device as unknown as { pool: { workers: { terminate(): void }[] } };
    pool.workers[0].terminate();
    for (const [what, got] of runKernels(device)) {
      if (typeof got === "number") expect(got, what).toBe(reference.get(what));
      else expectSameBits(got, reference.get(what) as Float32Array, what);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(device.threads).toBe(1);
    expect((device as WasmDevice).threadsReason).toMatch(/^pool worker 1 (was terminated|exited with code)/);
  });

  it("dispose() ends the workers; the device keeps working on one thread", async () => {
    const device = await getDevice("wasm", { threads: 2, subnormals: "flush" }) as WasmDevice;
    expect(device.threads).toBe(2);
    device.dispose();
    expect(device.threads).toBe(1);
    expect(device.threadsReason).toBe("the device was disposed");
    const reference = runKernels(await getDevice("js", { subnormals: "flush" }));
    for (const [what, got] of runKernels(device)) {
      if (typeof got === "number") expect(got, what).toBe(reference.get(what));
      else expectSameBits(got, reference.get(what) as Float32Array, what);
    }
  });
});
