// Run by test/webgpu.test.ts in Deno (`deno run -A --unstable-sloppy-imports`): training runs
// on webgpu as a user writes them (queryError: false and readError(), read() for the
// weights), against the same runs on js, in both subnormal modes: an MLP with every
// optimizer (global state, and per-variable state with learnRate/momRate multipliers for
// one), a CNN (Conv2D, BatchNorm2D, MaxPool2D, AvgPool2D, Dropout, CrossEntropy with class
// weights); every error, weight and state element compared bit for bit, and each run's
// trace (its fingerprints and errors read back asynchronously) identical to js's. Then the async
// boundary: a step with a NaN gradient is skipped on the device and the next read() throws a
// NonFiniteGradientError naming the variable; nonFinite "skip", compute() with
// queryError, validate() and a node's optimizer are refused with typed errors, validateAsync() works, labels
// given as a DeviceArray are checked without a read-back (readError() names an invalid one);
// reproducibilityReport() has a webgpu column of zeros. Prints one JSON report (trainingReport():
// test/browser/webgpu.test.ts runs it in Chromium).
import {
  init, gpuarray, randn, Sequential, Linear, Activation, relu, tanh, sigmoid, MSE, CrossEntropy, Conv2D, BatchNorm2D,
  MaxPool2D, AvgPool2D, Dropout, Flatten, RMSPropGraves, SGD, MomentumSGD, NesterovSGD, RMSProp, Adam, AdaGrad, AdaDelta,
  SMORMS3, NonFiniteGradientError, SyncReadError, InvalidArgumentError, InvalidLabelError, ShapeMismatchError, reproducibilityReport, formatReport, DeviceArray,
  compareTraces, type TraceFile, type Module, type Optimizer, type DeviceName,
} from "../../src/index.js";
import { NodeInfo } from "../../src/workers/nodeinfo.js";

const failures: string[] = [];
const runs: string[] = [];

type Run = { errors: number[]; arrays: Map<string, Float32Array>; trace: TraceFile };

const OPTIMIZERS: [string, () => Optimizer][] = [
  ["RMSPropGraves", () => new RMSPropGraves({ learnRate: 0.01 })], ["SGD", () => new SGD({ learnRate: 0.1 })],
  ["MomentumSGD", () => new MomentumSGD({ learnRate: 0.05 })], ["NesterovSGD", () => new NesterovSGD({ learnRate: 0.05 })],
  ["RMSProp", () => new RMSProp({ learnRate: 0.01 })], ["Adam", () => new Adam({ alpha: 0.01 })],
  ["AdaGrad", () => new AdaGrad({ learnRate: 0.05 })], ["AdaDelta", () => new AdaDelta()], ["SMORMS3", () => new SMORMS3({ learnRate: 0.01 })],
];

function mlp(): Module {
  return new Sequential([
    new Linear(24, 16, { seed: 21 }), new Activation(tanh), new Linear(16, 12, { useBias: false, seed: 22 }),
    new Activation(relu), new Linear(12, 8, { seed: 23 }), new Activation(sigmoid), new Linear(8, 5, { seed: 24 }),
  ]);
}

function cnn(): Module {
  return new Sequential([
    new Conv2D(2, 4, 3, { pad: 1, seed: 1 }), new BatchNorm2D(4, { seed: 2 }), new Activation(relu), new MaxPool2D(2, 2),
    new Conv2D(4, 6, [3, 2], { stride: [1, 2], seed: 3 }), new AvgPool2D(2, 1, 1, { includePad: false }), new Flatten(),
    new Dropout({ p: 0.25, seed: 4 }), new Linear(6 * 3 * 3, 3, { seed: 5 }),
  ]);
}

/** Every variable's data and every optimizer state array, read back. */
async function arrays(net: Module, optimizer: Optimizer): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [variable, [name]] of net.getVarTable()) {
    out.set(name, await variable.data.read());
    for (const [key, array] of Object.entries(optimizer.getState(name))) out.set(`${name}.${key}`, await array.read());
  }
  return out;
}

/**
 * `steps` steps as a user writes them on webgpu (the error kept on the device, read back
 * after each step), then every weight and state array; everything is disposed.
 */
async function trainLoop(net: Module, optimizer: Optimizer, loss: MSE | CrossEntropy, data: DeviceArray,
  target: DeviceArray | number[], steps: number): Promise<Run> {
  const errors: number[] = [];
  const trace = optimizer.trace();
  for (let i = 0; i < steps; i++) {
    const [, grad] = loss instanceof MSE ? loss.compute(net.forward(data), target as DeviceArray, { queryError: false })
      : loss.compute(net.forward(data), target as number[], { queryError: false });
    optimizer.zeroGradParams();
    net.backward(grad);
    trace.error(loss.readError());
    optimizer.update();
    errors.push(await loss.readError());
  }
  const result = { errors, arrays: await arrays(net, optimizer), trace: (await trace.ready()).toJSON() };
  for (const thing of [data, ...(target instanceof DeviceArray ? [target] : []), loss, optimizer, net]) thing.dispose();
  return result;
}

async function trainMlp(device: DeviceName, mode: "keep" | "flush", makeOptimizer: () => Optimizer, globalState: boolean,
  steps: number): Promise<Run> {
  await init({ device, subnormals: mode });
  const data = gpuarray.toGpu(randn([10, 24], 31), [10, 24]);
  const target = gpuarray.toGpu(randn([10, 5], 32).map((v) => 1 / (1 + Math.exp(-v))), [10, 5]);
  const net = mlp();
  const optimizer = makeOptimizer();
  if (!globalState) {
    net.getVar("0.W").learnRate = 0.5;
    net.getVar("2.W").momRate = 0.25;
  }
  optimizer.setupOn(net, { useGlobalState: globalState });
  return trainLoop(net, optimizer, new MSE(), data, target, steps);
}

async function trainCnn(device: DeviceName, mode: "keep" | "flush", steps: number): Promise<Run> {
  await init({ device, subnormals: mode });
  const net = cnn();
  const optimizer = new Adam({ alpha: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  return trainLoop(net, optimizer, new CrossEntropy({ weights: [1, 0.5, 2] }),
    gpuarray.toGpu(randn([4, 2, 8, 8], 51), [4, 2, 8, 8]), [0, 2, 1, 2], steps);
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

async function compare(what: string, gpu: Run, js: Run): Promise<void> {
  runs.push(what);
  const traces = await compareTraces(gpu.trace, js.trace);
  if (!traces.identical || traces.steps !== js.errors.length) failures.push(`${what}: the traces: ${traces.message}`);
  const errors = [Float32Array.from(gpu.errors), Float32Array.from(js.errors)];
  const pairs: [string, Float32Array, Float32Array][] = [["errors", errors[0], errors[1]],
    ...[...js.arrays].map(([name, want]): [string, Float32Array, Float32Array] => [name, gpu.arrays.get(name) ?? new Float32Array(), want])];
  for (const [name, got, want] of pairs) {
    if (got.length !== want.length) {
      failures.push(`${what}: ${name} has ${got.length} elements, expected ${want.length}`);
      continue;
    }
    const g = bits(got), w = bits(want);
    const i = w.findIndex((b, k) => b !== g[k] && !(Number.isNaN(got[k]) && Number.isNaN(want[k])));
    if (i >= 0) failures.push(`${what}: ${name}[${i}] is ${got[i]}, expected ${want[i]}`);
  }
  if (!(js.errors.at(-1)! < js.errors[0])) failures.push(`${what}: the error did not fall (${js.errors[0]} -> ${js.errors.at(-1)})`);
}

/** The runs in `modes` (those the adapter opens in); Deno runs this file as a script, the browser suite imports it. */
export async function trainingReport(modes: readonly ("keep" | "flush")[] = ["keep", "flush"]) {
  failures.length = 0;
  runs.length = 0;
  for (const mode of modes) {
    for (const [name, make] of OPTIMIZERS) {
      await compare(`${mode} MLP ${name}`, await trainMlp("webgpu", mode, make, true, 12), await trainMlp("js", mode, make, true, 12));
    }
    const make = OPTIMIZERS[0][1];
    await compare(`${mode} MLP RMSPropGraves, per-variable state and multipliers`, await trainMlp("webgpu", mode, make, false, 12),
      await trainMlp("js", mode, make, false, 12));
    await compare(`${mode} CNN Adam`, await trainCnn("webgpu", mode, 6), await trainCnn("js", mode, 6));
  }

  // The async boundary.
  await init({ device: "webgpu", subnormals: modes[0] });
  const net = new Sequential([new Linear(3, 2, { seed: 7 })]);
  const optimizer = new SGD({ learnRate: 0.1 });
  optimizer.setupOn(net, { useGlobalState: true });
  const W = net.getVar("0.W");
  const before = await W.data.read();
  optimizer.zeroGradParams();
  W.grad.set([1, NaN, 2, 3, 4, 5]);
  const returned = optimizer.update();
  let thrown: unknown = null;
  try {
    await W.data.read();
  } catch (error) {
    thrown = error;
  }
  if (returned !== true) failures.push(`update() with a NaN gradient returned ${returned}; expected true (the device decides)`);
  if (!(thrown instanceof NonFiniteGradientError) || !thrown.variables.includes("0.W") || !/skipped that step/.test(thrown.message)) {
    failures.push(`the read after a NaN gradient threw ${thrown}; expected a NonFiniteGradientError naming 0.W`);
  }
  const after = await W.data.read();
  if (bits(after).some((b, i) => b !== bits(before)[i])) failures.push("the step with a NaN gradient changed the weights");
  optimizer.zeroGradParams();
  W.grad.set([1, 1, 1, 1, 1, 1]);
  optimizer.update();
  const stepped = await W.data.read();
  if (!stepped.every((v, i) => v === Math.fround(before[i] - Math.fround(0.1)))) failures.push("a finite step after the skipped one did not run");
  runs.push("a NaN gradient: the step skipped, the next read throws, the next step runs");

  const expectThrow = (what: string, type: new (...a: never[]) => Error, pattern: RegExp, run: () => unknown) => {
    try {
      run();
      failures.push(`${what} did not throw`);
    } catch (error) {
      if (!(error instanceof type) || !pattern.test((error as Error).message)) failures.push(`${what} threw ${error}`);
    }
    runs.push(what);
  };
  expectThrow('nonFinite "skip" on webgpu', InvalidArgumentError, /"skip".*asynchronously/, () => {
    optimizer.nonFinite = "skip";
    optimizer.update();
  });
  optimizer.nonFinite = "throw";
  // A node's optimizer exchanges arrays through the host synchronously: refused on webgpu.
  const nodeinfo = new NodeInfo(0, 1, new SharedArrayBuffer(0), new SharedArrayBuffer(4096), 1000, null, () => {});
  expectThrow("setupOn() with a nodeinfo on webgpu", InvalidArgumentError, /nodeinfo on webgpu.*a node on another device/,
    () => new RMSPropGraves({ nodeinfo }).setupOn(net));
  const x = gpuarray.toGpu([1, 2, 3], [1, 3]);
  expectThrow("MSE.compute with queryError on webgpu", SyncReadError, /queryError: false.*readError/,
    () => new MSE().compute(net.forward(x), gpuarray.zeros([1, 2])));
  expectThrow("CrossEntropy.compute with queryError on webgpu", SyncReadError, /readError/,
    () => new CrossEntropy().compute(net.forward(x), [1]));
  const scores = gpuarray.toGpu([1, 2, 0, 3, 5, -1], [3, 2]);
  expectThrow("CrossEntropy.validate on webgpu", SyncReadError, /await validateAsync\(scores, labels\)/,
    () => new CrossEntropy().validate(scores, [1, 1, 1]));
  const rates = [await new CrossEntropy().validateAsync(scores, [1, 1, 1]),
    await new CrossEntropy().validateAsync(scores, gpuarray.toGpu([1, 1, 0], [3]))];
  if (rates[0] !== 1 / 3 || rates[1] !== 0) failures.push(`validateAsync() on webgpu gave ${rates}; expected ${[1 / 3, 0]}`);
  runs.push("validateAsync() on webgpu");
  // Labels as a DeviceArray: compute() does not read them back; the gradient and the error
  // are the host labels' bits; an invalid label's rows are NaN and readError() names it.
  const hostLabels = new CrossEntropy();
  const [, hostGrad] = hostLabels.compute(scores, [1, 0, 0], { queryError: false });
  const deviceLabels = new CrossEntropy();
  const [, deviceGrad] = deviceLabels.compute(scores, gpuarray.toGpu([1, 0, 0], [3]), { queryError: false });
  const [want, got] = [await hostGrad.read(), await deviceGrad.read()];
  if (bits(got).some((b, i) => b !== bits(want)[i])) failures.push(`DeviceArray labels gave the gradient ${got}; host labels ${want}`);
  const [wantError, gotError] = [await hostLabels.readError(), await deviceLabels.readError()];
  if (gotError !== wantError) failures.push(`DeviceArray labels gave the error ${gotError}; host labels ${wantError}`);
  const invalid = new CrossEntropy();
  const [, invalidGrad] = invalid.compute(scores, gpuarray.toGpu([1, 2, 0.5], [3]), { queryError: false });
  const rows = await invalidGrad.read();
  if (!(rows[0] === want[0] && rows[1] === want[1] && rows.subarray(2).every(Number.isNaN))) {
    failures.push(`invalid DeviceArray labels gave the gradient ${rows}; expected the first row's and NaN for the others`);
  }
  let labelError: unknown = null;
  await invalid.readError().catch((error: unknown) => { labelError = error; });
  if (!(labelError instanceof InvalidLabelError) || !/labels\[1\] is 2; expected an integer class index in \[0, 1\]/.test(labelError.message)) {
    failures.push(`readError() after invalid DeviceArray labels threw ${labelError}; expected an InvalidLabelError naming labels[1]`);
  }
  runs.push("CrossEntropy.compute with DeviceArray labels on webgpu: the host labels' bits; an invalid one's rows NaN, readError() names it");
  expectThrow("CrossEntropy.compute with 2 DeviceArray labels for 3 rows", ShapeMismatchError, /2 labels for 3 rows/,
    () => new CrossEntropy().compute(scores, gpuarray.toGpu([1, 0], [2]), { queryError: false }));
  expectThrow("Module.save() on webgpu", SyncReadError, /await saveAsync\(\)/, () => net.save());
  expectThrow("Optimizer.save() on webgpu", SyncReadError, /await saveAsync\(\)/, () => optimizer.save());
  // saveAsync() writes the weights and state that load on js and save the same bytes there.
  const [weights, state, values] = [await net.saveAsync(), await optimizer.saveAsync(), await W.data.read()];
  await init({ device: "js" });
  const jsNet = new Sequential([new Linear(3, 2, { seed: 1 })]);
  const jsOptimizer = new SGD({ learnRate: 0.1 });
  jsOptimizer.setupOn(jsNet, { useGlobalState: true });
  jsNet.load(weights);
  jsOptimizer.load(state);
  if (bits(jsNet.getVar("0.W").data.get()).some((b, i) => b !== bits(values)[i])) failures.push("saveAsync()'s weights loaded on js differ");
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (!same(jsNet.save(), weights) || !same(jsOptimizer.save(), state)) failures.push("js's save() of what saveAsync() wrote differs");
  runs.push("save() refused on webgpu; saveAsync() loads on js");
  // reproducibilityReport() has a webgpu column, every element at 0 ULP, in each mode.
  for (const mode of modes) {
    const report = await reproducibilityReport({ subnormals: mode });
    const rows = report.rows.filter((row) => row.device === "webgpu");
    if (rows.length < 30) failures.push(`reproducibilityReport() has ${rows.length} webgpu rows; expected every check's`);
    for (const row of rows.filter((r) => r.differing > 0)) {
      failures.push(`reproducibilityReport() (${mode}): ${row.check} | ${row.array} differs on webgpu in ${row.differing} ` +
        `elements, ${row.maxUlp} ULP`);
    }
    if (!/webgpu: /.test(formatReport(report))) failures.push("formatReport() does not name the WebGPU adapter");
    runs.push(`reproducibilityReport() (${mode}), ${rows.length} webgpu rows`);
  }
  return { runs: [...runs], failures: [...failures] };
}

if ((import.meta as { main?: boolean }).main) console.log(JSON.stringify(await trainingReport()));
