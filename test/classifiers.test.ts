// The classifier's kernels and layers: softmax and softmax cross-entropy rows (with and
// without class weights, [n, classes] and [n, classes, positions]) and Dropout's on-device
// mask, on every device and subnormal mode against the js reference bit for bit; the js
// reference against float64; CrossEntropy's and Dropout's semantics and errors; a small
// classifier with Dropout trained to the same bits on every device.
import { describe, it, expect } from "vitest";
import {
  CrossEntropy, DeviceArray, Dropout, getDevice, init, InvalidLabelError, Linear, Activation, relu, Random,
  RMSPropGraves, Sequential, ShapeMismatchError, SoftMax, InvalidArgumentError, gpuarray, randn, type Device,
  type DeviceName,
} from "../src/index.js";
import { kernel } from "../src/runtime/kernels.js";
import type { RowShape } from "../src/runtime/Device.js";
import { draw, dropoutKeys, keepThreshold } from "../src/kernels/random.js";
import { computeCost, devicesUnderTest, expectSameBits, flushesSubnormals } from "./helpers.js";

const OFFSET = 3;

/** Scores with the hard cases: ties, rows of huge and tiny magnitudes, -Infinity, a NaN row, subnormals. */
function scores(random: Random, size: number, classes: number, exotic: boolean): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => {
    const r = random.nextUint32();
    const row = Math.floor(i / classes);
    if (!exotic) return 8 * (random.uniform() - 0.5);
    switch (row % 7) {
      case 0: return 3; // all equal
      case 1: return 1e30 * (random.uniform() - 0.5);
      case 2: return r % 5 === 0 ? -Infinity : random.uniform();
      case 3: return r % 9 === 0 ? NaN : random.uniform() * 50;
      case 4: return 2 ** -149 * (r % 1000) * (r & 1 ? 1 : -1);
      default: return 20 * (random.uniform() - 0.5);
    }
  });
}

/** A fresh array of `values` at OFFSET in a larger one, and its view. */
function place(device: Device, values: Float32Array, shape: number[]): [DeviceArray, DeviceArray] {
  const whole = DeviceArray.allocate(device, [values.length + OFFSET + 5]);
  const view = whole.view(OFFSET, shape);
  view.set(values);
  return [whole, view];
}

type RowCase = { shape: RowShape; weighted: boolean };
const CASES: RowCase[] = [
  { shape: { n: 37, classes: 10, positions: 1 }, weighted: false },
  { shape: { n: 21, classes: 7, positions: 3 }, weighted: true },
  { shape: { n: 5, classes: 1, positions: 2 }, weighted: false },
];

async function runRows(device: Device, { shape, weighted }: RowCase, x: Float32Array, labels: Float32Array, weights: Float32Array) {
  const dims = shape.positions > 1 ? [shape.n, shape.classes, shape.positions] : [shape.n, shape.classes];
  const made: DeviceArray[] = [];
  const array = (values: Float32Array, dimensions: number[]) => {
    const [whole, view] = place(device, values, dimensions);
    made.push(whole);
    return view;
  };
  try {
    const input = array(x, dims);
    const y = array(new Float32Array(x.length), dims);
    const grad = array(new Float32Array(x.length), dims);
    const losses = array(new Float32Array(labels.length), [labels.length]);
    kernel(device, "softmax")(input, y, shape);
    kernel(device, "crossEntropy")(input, array(labels, [labels.length]), weighted ? array(weights, [weights.length]) : null,
      grad, losses, shape);
    const [yValues, gradValues, lossValues] = await Promise.all([y.read(), grad.read(), losses.read()]);
    return { y: yValues, grad: gradValues, losses: lossValues };
  } finally {
    made.forEach((a) => a.dispose());
  }
}

describe.each(devicesUnderTest().flatMap((name) => (["keep", "flush"] as const).map((mode) => [name, mode] as const)))(
  "the classifier's kernels on %s, subnormals %s", (deviceName, subnormals) => {
  it.each(CASES.map((c) => [`${c.shape.n}x${c.shape.classes}x${c.shape.positions}${c.weighted ? " weighted" : ""}`, c] as const))(
    "softmax and cross-entropy rows %s give the js reference's bits", async (_, c) => {
    const device = await getDevice(deviceName, { subnormals });
    const js = await getDevice("js", { subnormals });
    const random = new Random(c.shape.n * 31 + (subnormals === "flush" ? 1 : 0));
    const rows = c.shape.n * c.shape.positions;
    const x = scores(random, rows * c.shape.classes, c.shape.classes, subnormals === "flush" || !flushesSubnormals(device));
    const labels = Float32Array.from({ length: rows }, () => random.nextUint32() % c.shape.classes);
    const weights = Float32Array.from({ length: c.shape.classes }, () => 0.1 + random.uniform());
    const expected = await runRows(js, c, x, labels, weights);
    const actual = await runRows(device, c, x, labels, weights);
    for (const key of ["y", "grad", "losses"] as const) {
      expectSameBits(actual[key], expected[key], `${key}`, { flushesSubnormals: flushesSubnormals(device) });
    }
    if (c.shape.classes > 1) expect(expected.y.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it("dropout draws the js reference's mask and values, views and all", async () => {
    const device = await getDevice(deviceName, { subnormals });
    const js = await getDevice("js", { subnormals });
    const random = new Random(77);
    const values = Float32Array.from({ length: 4099 }, () => 10 ** (-3 + 6 * random.uniform()) * (random.uniform() - 0.5));
    for (const [p, step, first] of [[0.5, 0, 0], [0.1, 12345, 7], [0.9, 2 ** 31 + 5, 2 ** 32 - 3]] as const) {
      const keep = Math.fround(1 - p);
      const parameters = { first, ...dropoutKeys(99, step), threshold: keepThreshold(p), keep };
      const results = await Promise.all([js, device].map(async (d) => {
        const [wholeX, x] = place(d, values, [values.length]);
        const [wholeY, y] = place(d, new Float32Array(values.length), [values.length]);
        kernel(d, "dropout")(x, y, parameters);
        const out = await y.read();
        wholeX.dispose();
        wholeY.dispose();
        return out;
      }));
      expectSameBits(results[1], results[0], `dropout p=${p}`, { flushesSubnormals: flushesSubnormals(device) });
      const kept = results[0].filter((v) => v !== 0).length / values.length;
      expect(Math.abs(kept - (1 - p))).toBeLessThan(0.03);
    }
  });
});

describe("the js reference against float64", () => {
  // The loss log(s) - (x_label - m) inherits the relative rounding error of s (a float32
  // sum of ten terms, at least 1) as absolute error: up to about 10 * 2^-24, many ULP of a
  // small loss. PuzzleLib's float32 loss has the same.
  // Exact values of the float32 differences x - m (rounded once where Sterbenz's lemma
  // does not make them exact: float32 softmax cannot do better). Measured: 4.1 ULP at worst
  // (exp's 1 ULP, the ten-term sum's roundings, the division's half).
  it("softmax is within 6 ULP of the exact value, the loss within 4 ULP plus s's rounding", async () => {
    const js = await getDevice("js");
    const random = new Random(5);
    const shape = { n: 200, classes: 10, positions: 1 };
    const x = Float32Array.from({ length: 2000 }, () => 30 * (random.uniform() - 0.5));
    const labels = Float32Array.from({ length: 200 }, () => random.nextUint32() % 10);
    const { y, losses, grad } = await runRows(js, { shape, weighted: false }, x, labels, new Float32Array(10));
    let worst = 0;
    for (let i = 0; i < 200; i++) {
      const row = Array.from(x.subarray(i * 10, i * 10 + 10));
      const m = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(Math.fround(v - m)), 0);
      for (let j = 0; j < 10; j++) {
        const exact = Math.exp(Math.fround(row[j] - m)) / sum;
        worst = Math.max(worst, Math.abs(y[i * 10 + j] - exact) / ulp(exact));
        const exactGrad = (exact - (j === labels[i] ? 1 : 0)) / 200;
        expect(Math.abs(grad[i * 10 + j] - exactGrad)).toBeLessThanOrEqual(8 * ulp(exactGrad) + 2 ** -30);
      }
      const exactLoss = Math.log(sum) - (row[labels[i]] - m);
      expect(Math.abs(losses[i] - exactLoss)).toBeLessThanOrEqual(4 * ulp(exactLoss) + 10 * 2 ** -24);
    }
    expect(worst).toBeLessThanOrEqual(6);
  });
});

/** The spacing of float32s at |x|. */
function ulp(x: number): number {
  const a = Math.abs(Math.fround(x));
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

describe("CrossEntropy", () => {
  it("matches PuzzleLib's semantics: mean NLL, (softmax - onehot) / n, class weights, the error rate", async () => {
    await init({ device: "js" });
    const values = [[1, 2, 3], [0, 0, 0], [5, -1, 2], [0.5, 0.25, 4]];
    const scores = gpuarray.toGpu(values.flat(), [4, 3]);
    const labels = [2, 0, 1, 2];
    const [error, grad] = new CrossEntropy().compute(scores, labels);
    const softmax = values.map((row) => row.map((v) => Math.exp(v) / row.reduce((s, w) => s + Math.exp(w), 0)));
    const nll = softmax.reduce((s, row, i) => s - Math.log(row[labels[i]]), 0) / 4;
    expect(error).toBeCloseTo(nll, 6);
    const g = grad.get();
    softmax.forEach((row, i) => row.forEach((p, j) => expect(g[i * 3 + j]).toBeCloseTo((p - (j === labels[i] ? 1 : 0)) / 4, 6)));
    // argmax: rows 0 (2), 1 (tie: first, 0), 2 (0), 3 (2): one wrong of four.
    expect(new CrossEntropy().validate(scores, labels)).toBe(0.25);
    expect(await new CrossEntropy().validateAsync(scores, labels)).toBe(0.25);
    expect(await new CrossEntropy().validateAsync(scores, gpuarray.toGpu([2, 1, 1, 2], [4]))).toBe(0.5);
    await expect(new CrossEntropy().validateAsync(scores, [2, 0, 3, 2])).rejects.toThrow(/validateAsync: labels\[2\] is 3/);
    const weights = [0.5, 2, 1];
    const [weighted, wgrad] = new CrossEntropy({ weights }).compute(scores, Int32Array.from(labels));
    const wnll = softmax.reduce((s, row, i) => s - weights[labels[i]] * Math.log(row[labels[i]]), 0) / 4;
    expect(weighted).toBeCloseTo(wnll, 5);
    const wg = wgrad.get();
    softmax.forEach((row, i) => row.forEach((p, j) =>
      expect(wg[i * 3 + j]).toBeCloseTo(weights[j] * (p - (j === labels[i] ? 1 : 0)) / 4, 6)));
  });

  it("refuses bad labels with the first bad one and its index, computing nothing", async () => {
    await init({ device: "js" });
    const scores = gpuarray.toGpu(randn([4, 3], 3), [4, 3]);
    const loss = new CrossEntropy();
    const [, grad] = loss.compute(scores, [0, 1, 2, 0]);
    const before = grad.get();
    const bad: [unknown, RegExp][] = [
      [[0, 3, 1, 0], /labels\[1\] is 3; expected an integer class index in \[0, 2\]/],
      [[0, 1, -1, 0], /labels\[2\] is -1/],
      [[0, 1.5, 1, 0], /labels\[1\] is 1\.5/],
      [[0, 1, 2, NaN], /labels\[3\] is NaN/],
    ];
    for (const [labels, message] of bad) {
      const error = (() => { try { loss.compute(scores, labels as number[]); } catch (e) { return e; } })();
      expect(error).toBeInstanceOf(InvalidLabelError);
      expect((error as Error).message).toMatch(message);
    }
    expect(() => loss.compute(scores, [0, 1, 2])).toThrow(ShapeMismatchError);
    expect(() => loss.compute(scores, [0, 1, 2])).toThrow(/3 labels for 4 rows/);
    expect(() => loss.compute(gpuarray.toGpu([1, 2, 3], [3]), [0, 0, 0])).toThrow(/expected \[batch, classes\]/);
    expect(() => new CrossEntropy({ maxlabels: 5 }).compute(scores, [0, 1, 2, 0])).toThrow(/maxlabels = 5/);
    expect(() => new CrossEntropy({ weights: [1, 2] }).compute(scores, [0, 1, 2, 0])).toThrow(/2 class weights/);
    expect(() => new CrossEntropy({ weights: [1, NaN, 1] })).toThrow(/weights\[1\] is NaN/);
    expectSameBits(grad.get(), before, "the gradient after refused calls");
    const device = gpuarray.toGpu([0, 1, 7, 0], [4]);
    expect(() => loss.compute(scores, device)).toThrow(/labels\[2\] is 7/);
  });

  it("SoftMax gives the rows' softmax and refuses backward with the way to train", async () => {
    await init({ device: "js" });
    const x = gpuarray.toGpu([1, 2, 3, 4, 4, 4], [2, 3]);
    const y = new SoftMax().forward(x).get();
    expect(y[3]).toBeCloseTo(1 / 3, 7);
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 6);
    expect(() => new SoftMax().backward()).toThrow(/CrossEntropy/);
  });
});

describe("Dropout", () => {
  it("drops in training mode, passes through in evaluation mode, and backward applies the forward's mask", async () => {
    await init({ device: "js" });
    const values = Float32Array.from({ length: 1000 }, (_, i) => 1 + i);
    const x = gpuarray.toGpu(values, [10, 100]);
    const dropout = new Dropout({ p: 0.25, seed: 4 });
    const y = dropout.forward(x).get();
    const dx = dropout.backward(gpuarray.toGpu(new Float32Array(1000).fill(1), [10, 100]))!.get();
    const { key0, key1 } = dropoutKeys(4, 0);
    for (let i = 0; i < 1000; i++) {
      const kept = draw(i, key0, key1) < keepThreshold(0.25);
      expect(y[i]).toBe(kept ? Math.fround(values[i] / Math.fround(0.75)) : 0);
      expect(dx[i]).toBe(kept ? Math.fround(1 / Math.fround(0.75)) : 0);
    }
    const next = dropout.forward(x).get();
    expect(next.some((v, i) => (v === 0) !== (y[i] === 0))).toBe(true);
    expect(dropout.step).toBe(2);
    const net = new Sequential([dropout]).evalMode();
    expect(dropout.train).toBe(false);
    expect(net.forward(x)).toBe(x);
    net.trainMode();
    expect(dropout.train).toBe(true);
    for (const p of [-0.1, 1, NaN, "0.5"]) expect(() => new Dropout({ p: p as number })).toThrow(InvalidArgumentError);
    expect(() => new Dropout({ seed: -1 })).toThrow(/seed is -1/);
  });
});

/** A classifier with Dropout trained for `steps` on `device`: its weights and errors. */
async function trainClassifier(device: DeviceName, steps = 12) {
  await init({ device });
  const net = new Sequential([
    new Linear(20, 32, { seed: 41 }), new Activation(relu), new Dropout({ p: 0.3, seed: 42 }), new Linear(32, 5, { seed: 43 }),
  ]);
  const optimizer = new RMSPropGraves({ learnRate: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new CrossEntropy({ weights: [1, 0.5, 2, 1, 1.5] });
  const data = gpuarray.toGpu(randn([16, 20], 44), [16, 20]);
  const labels = Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 5);
  const errors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { grad, error } = computeCost(loss, net.forward(data), labels);
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
    errors.push(await error());
  }
  const weights: (readonly [string, Float32Array])[] = [];
  for (const [v, [name]] of net.getVarTable()) weights.push([name, await v.data.read()]);
  net.dispose();
  optimizer.dispose();
  loss.dispose();
  data.dispose();
  return { errors, weights };
}

describe.each(devicesUnderTest())("a classifier with Dropout and weighted CrossEntropy on %s", (deviceName) => {
  it("trains to the js reference's bits", async () => {
    const expected = await trainClassifier("js");
    const actual = await trainClassifier(deviceName);
    expect(actual.errors).toEqual(expected.errors);
    expect(expected.errors[expected.errors.length - 1]).toBeLessThan(expected.errors[0]);
    for (const [i, [name, values]] of actual.weights.entries()) expectSameBits(values, expected.weights[i][1], name);
  });
});
