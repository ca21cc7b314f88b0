// Convolutional nets' kernels and layers: im2row/row2im, transpose, the pools, BatchNorm2D's
// channel kernels on every device and subnormal mode against the js reference bit for bit
// (odd sizes, strides, pads and dilations around the edges); the js Conv2D against a float64
// convolution; shape errors; PuzzleLib's trainHardTest net with every optimizer to the js
// device's bits.
import { describe, it, expect } from "vitest";
import {
  AvgPool2D, BatchNorm2D, Conv2D, DeviceArray, Flatten, getDevice, init, InvalidArgumentError, MaxPool2D, MSE, Random,
  Reshape, Sequential, ShapeMismatchError, Activation, relu, gpuarray, randn, type Device, type Optimizer,
} from "../src/index.js";
import { kernel } from "../src/runtime/kernels.js";
import { convForwardCalls, convInputGradCalls } from "../src/modules/Conv2D.js";
import type { ChannelSum, PoolMode, WindowShape } from "../src/runtime/Device.js";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";
import { computeCost, devicesUnderTest, expectSameBits, flushesSubnormals, repetitions } from "./helpers.js";

type Window = [n: number, maps: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number,
  ph: number, pw: number, dh: number, dw: number];
const WINDOWS: Window[] = [
  [2, 3, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1],
  [1, 2, 11, 10, 5, 3, 2, 3, 2, 1, 1, 2],
  [3, 1, 6, 6, 2, 2, 2, 2, 0, 0, 1, 1],
  [2, 5, 9, 8, 3, 2, 2, 1, 1, 0, 2, 1],
  // Runs of 4 and more neighbouring columns (wasm-simd copies and adds them four at a time, whole rows of
  // the window as overlapping vectors), cut by the padding.
  [2, 2, 9, 13, 5, 9, 1, 2, 2, 4, 1, 1],
  [1, 3, 8, 8, 4, 4, 1, 1, 1, 2, 1, 1],
];

function shapeOf([n, maps, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW]: Window,
  pool = false): WindowShape {
  if (pool) [dilationH, dilationW] = [1, 1];
  const outH = Math.floor((height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  return { n, maps, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW };
}

/** Values with ties (a coarse grid), both zeros, subnormals and, with `nan`, a NaN now and then. */
function values(random: Random, size: number, exotic: boolean): Float32Array {
  return Float32Array.from({ length: size }, () => {
    const r = random.nextUint32() % 16;
    if (exotic && r === 0) return 2 ** -140 * (random.uniform() - 0.5);
    if (exotic && r === 1) return -0;
    return Math.round(8 * (random.uniform() - 0.5) * 4) / 4 + (r > 8 ? random.uniform() * 1e-3 : 0);
  });
}

const OFFSET = 3;

/** Runs `body` on device arrays holding `inputs` (at an offset inside larger arrays) and returns the outputs' values. */
async function run(device: Device, inputs: Float32Array[], outputs: number[],
  body: (arrays: DeviceArray[]) => void): Promise<Float32Array[]> {
  const wholes: DeviceArray[] = [];
  const place = (size: number, values?: Float32Array) => {
    const whole = DeviceArray.allocate(device, [size + OFFSET + 2]);
    wholes.push(whole);
    const view = whole.view(OFFSET, [size]);
    if (values) view.set(values);
    return view;
  };
  try {
    const ins = inputs.map((v) => place(v.length, v));
    const outs = outputs.map((size) => place(size));
    body([...ins, ...outs]);
    return await Promise.all(outs.map((a) => a.read()));
  } finally {
    wholes.forEach((a) => a.dispose());
  }
}

describe.each(devicesUnderTest().flatMap((name) => (["keep", "flush"] as const).map((mode) => [name, mode] as const)))(
  "the convolution kernels on %s, subnormals %s", (deviceName, subnormals) => {
  const compare = async (what: string, inputs: Float32Array[], outputs: number[], body: (device: Device, a: DeviceArray[]) => void) => {
    const device = await getDevice(deviceName, { subnormals });
    const js = await getDevice("js", { subnormals });
    const expected = await run(js, inputs, outputs, (a) => body(js, a));
    const actual = await run(device, inputs, outputs, (a) => body(device, a));
    expected.forEach((e, i) => expectSameBits(actual[i], e, `${what} output ${i}`, { flushesSubnormals: flushesSubnormals(device) }));
    return expected;
  };
  const exotic = subnormals === "flush" || deviceName !== "webgl2";

  it.each(WINDOWS.map((w, i) => [i, w] as const))("im2row, row2im and transpose, window %i", async (i, w) => {
    const s = shapeOf(w);
    const random = new Random(100 + i);
    const x = values(random, s.n * s.maps * s.height * s.width, exotic);
    const rows = s.n * s.outH * s.outW;
    const k = s.maps * s.kernelH * s.kernelW;
    const [cols] = await compare("im2row", [x], [rows * k], (d, [xa, c]) => kernel(d, "im2row")(xa, c, s));
    expect(cols.some((v) => v !== 0)).toBe(true);
    const dcols = values(random, rows * k, exotic);
    await compare("row2im", [dcols], [x.length], (d, [c, xa]) => kernel(d, "row2im")(c, xa, s));
    const bias = values(random, k, exotic);
    await compare("transpose", [dcols, bias], [dcols.length, dcols.length], (d, [t, b, y, z]) => {
      kernel(d, "transpose")(t, y, b, s.n, s.outH * s.outW, k);
      kernel(d, "transpose")(t, z, null, s.n, s.outH * s.outW, k);
    });
  });

  it.each(WINDOWS.map((w, i) => [i, w] as const))("Conv2D's fused passes, window %i: convForward and convInputGrad give the calls' bits", async (i, w) => {
    const s = shapeOf(w);
    const random = new Random(300 + i);
    const outmaps = 5;
    const rows = s.n * s.outH * s.outW;
    const k = s.maps * s.kernelH * s.kernelW;
    const x = values(random, s.n * s.maps * s.height * s.width, exotic);
    const [W, bias, dy] = [outmaps * k, outmaps, rows * outmaps].map((size) => values(random, size, exotic));
    const device = await getDevice(deviceName, { subnormals });
    // The WebAssembly devices fuse them; the others make the calls Conv2D makes for them.
    for (const fused of ["convForward", "convInputGrad"] as const) {
      expect(Boolean(device.kernels[fused]), fused).toBe(deviceName.startsWith("wasm"));
    }
    const [cols, y] = await compare("convForward", [x, W, bias, new Float32Array(rows * outmaps)], [rows * k, rows * outmaps],
      (d, [xa, wa, b, t, c, out]) => {
        if (d.kernels.convForward) d.kernels.convForward(xa, wa, b, c, out, outmaps, s);
        else convForwardCalls(xa, wa, b, c, t, out, outmaps, s);
      });
    const [dx] = await compare("convInputGrad", [dy, W, new Float32Array(rows * outmaps), new Float32Array(rows * k)],
      [x.length], (d, [g, wa, gT, dcols, out]) => {
        if (d.kernels.convInputGrad) return d.kernels.convInputGrad(g, wa, out, outmaps, s);
        kernel(d, "transpose")(g, gT, null, s.n, outmaps, s.outH * s.outW);
        convInputGradCalls(gT, wa, dcols, out, outmaps, s);
      });
    expect([cols, y, dx].every((a) => a.some((v) => v !== 0))).toBe(true);
  });

  it.each(WINDOWS.flatMap((w, i) => (["max", "avgWithPad", "avgNoPad"] as const).map((mode) => [i, mode, w] as const)))(
    "pool and poolBackward, window %i, %s", async (i, mode: PoolMode, w) => {
    const s = shapeOf(w, true);
    if (s.padH >= s.kernelH || s.padW >= s.kernelW) return;
    const random = new Random(200 + i);
    const x = values(random, s.n * s.maps * s.height * s.width, exotic);
    if (mode === "max" && exotic) x[5] = NaN;
    const out = s.n * s.maps * s.outH * s.outW;
    const [y, indices] = await compare("pool", [x], [out, out], (d, [xa, ya, ia]) => kernel(d, "pool")(xa, ya, mode === "max" ? ia : null, s, mode));
    expect(y.some((v) => v !== 0)).toBe(true);
    const dy = values(random, out, exotic);
    await compare("poolBackward", [dy, indices], [x.length], (d, [g, ia, dx]) =>
      kernel(d, "poolBackward")(g, dx, mode === "max" ? ia : null, s, mode));
  });

  it("channelSums and batchNorm forward and backward", async () => {
    const random = new Random(300);
    const shape = { n: 3, channels: 5, positions: 37 };
    const size = shape.n * shape.channels * shape.positions;
    const x = values(random, size, exotic);
    const dy = values(random, size, exotic);
    const mean = values(random, 5, exotic);
    const invStd = Float32Array.from({ length: 5 }, () => 0.5 + random.uniform());
    const scale = values(random, 5, exotic);
    const bias = values(random, 5, exotic);
    for (const sum of ["sum", "centeredSquares", "normalizedProducts"] as ChannelSum[]) {
      await compare(`channelSums ${sum}`, [x, dy, mean, invStd], [5], (d, [a, b, m, v, out]) =>
        kernel(d, "channelSums")(a, sum === "normalizedProducts" ? b : null, sum === "sum" ? null : m,
          sum === "normalizedProducts" ? v : null, out, shape, sum));
    }
    await compare("batchNorm", [x, dy, mean, invStd, scale, bias], [size, size], (d, [xa, g, m, v, sc, b, y, dx]) => {
      kernel(d, "batchNorm")(xa, m, v, sc, b, y, shape);
      kernel(d, "batchNormBackward")(xa, g, m, v, sc, b, sc, dx, shape);
    });
  });
});

describe("Conv2D against float64", () => {
  it("the js reference is within a few ULP of a float64 convolution, and the layers' gradients match finite sums", async () => {
    await init({ device: "js" });
    const conv = new Conv2D(3, 4, [3, 2], { stride: [2, 1], pad: [1, 0], dilation: [1, 2], seed: 5 });
    const xValues = randn([2, 3, 7, 6], 9);
    const x = gpuarray.toGpu(xValues, [2, 3, 7, 6]);
    const y = (await conv.forward(x).read());
    const W = (await conv.getVar("W").data.read());
    expect(conv.forward(x).shape).toEqual([2, 4, 4, 4]);
    let worst = 0;
    for (let i = 0; i < 2; i++) for (let o = 0; o < 4; o++) for (let oh = 0; oh < 4; oh++) for (let ow = 0; ow < 4; ow++) {
      let exact = 0;
      let magnitude = 0;
      for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) for (let q = 0; q < 2; q++) {
        const h = oh * 2 - 1 + r;
        const w = ow + q * 2;
        if (h < 0 || h >= 7 || w >= 6) continue;
        const term = xValues[((i * 3 + c) * 7 + h) * 6 + w] * W[((o * 3 + c) * 3 + r) * 2 + q];
        exact += term;
        magnitude += Math.abs(term);
      }
      const got = y[((i * 4 + o) * 4 + oh) * 4 + ow];
      worst = Math.max(worst, Math.abs(got - exact) / (magnitude * 2 ** -24));
    }
    // 18 terms: each rounding adds at most half an ULP of the running magnitude.
    expect(worst).toBeLessThan(18);
    conv.dispose();
    x.dispose();
  });

  it("refuses bad shapes and options with the layer, the expected and the received shape", async () => {
    await init({ device: "js" });
    const conv = new Conv2D(1, 8, 5);
    expect(() => conv.forward(gpuarray.zeros([64, 28, 28]))).toThrow(ShapeMismatchError);
    expect(() => conv.forward(gpuarray.zeros([64, 28, 28]))).toThrow(
      "Conv2D(1→8, 5×5): input [64, 28, 28] has 3 dimensions, expected [N, 1, H, W]");
    expect(() => conv.forward(gpuarray.zeros([2, 3, 28, 28]))).toThrow(/has 3 maps, expected \[N, 1, H, W\]/);
    expect(() => conv.forward(gpuarray.zeros([2, 1, 4, 28]))).toThrow(/output of 0×24/);
    expect(() => new Conv2D(1, 8, 0)).toThrow(InvalidArgumentError);
    expect(() => new Conv2D(1, 8, 3, { stride: [1, 0] })).toThrow(/stride is \[1, 0\]/);
    expect(() => new MaxPool2D(2, 2, 2)).toThrow(/pad is 2; expected less than the size 2/);
    expect(() => new BatchNorm2D(4).forward(gpuarray.zeros([2, 3, 4, 4]))).toThrow(/expected \[N, 4, H, W\]/);
    expect(() => new Reshape([3, -1]).forward(gpuarray.zeros([4, 5]))).toThrow(/do not fit/);
    expect(new Flatten().forward(gpuarray.zeros([4, 2, 3, 5])).shape).toEqual([4, 30]);
    expect(() => conv.backward(gpuarray.zeros([1]))).toThrow(/before forward/);
  });

  it("BatchNorm2D normalizes each map in training, uses and saves its running statistics", async () => {
    await init({ device: "js" });
    const bn = new BatchNorm2D(3, { sscale: 0 });
    const x = gpuarray.toGpu(randn([4, 3, 5, 5], 3).map((v, i) => v * 3 + (Math.floor(i / 25) % 3)), [4, 3, 5, 5]);
    const y = (await bn.forward(x).read());
    for (let c = 0; c < 3; c++) {
      const map = [...y].filter((_, i) => Math.floor(i / 25) % 3 === c);
      const mean = map.reduce((a, b) => a + b, 0) / map.length;
      const variance = map.reduce((a, b) => a + (b - mean) ** 2, 0) / map.length;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-3);
    }
    const saved = bn.save();
    const other = new BatchNorm2D(3);
    other.load(saved);
    expect([...(await other.getAttrTable().get("mean")!.read())]).toEqual([...(await bn.getAttrTable().get("mean")!.read())]);
    other.evalMode();
    expect(other.forward(x).shape).toEqual([4, 3, 5, 5]);
  });
});

const SETTINGS: Record<OptimizerName, Record<string, number>> = {
  SGD: { learnRate: 0.01 }, MomentumSGD: { learnRate: 0.01, momRate: 0.9 }, NesterovSGD: { learnRate: 0.01, momRate: 0.9 },
  RMSProp: { learnRate: 0.001 }, Adam: { alpha: 0.001 }, AdaGrad: { learnRate: 0.01 }, AdaDelta: {},
  SMORMS3: { learnRate: 0.001 }, RMSPropGraves: { learnRate: 0.001 },
};

/** PuzzleLib's trainHardTest: Conv2D 4→8 5×5 pad 1, BatchNorm2D, relu, Conv2D 8→16 5×5 pad 1, MSE, `steps` steps. */
async function trainHard(device: string, name: OptimizerName, steps: number) {
  await init({ device: device as never });
  const net = new Sequential([
    new Conv2D(4, 8, 5, { pad: 1, seed: 1 }), new BatchNorm2D(8, { seed: 2 }), new Activation(relu),
    new Conv2D(8, 16, 5, { pad: 1, seed: 3 }), new MaxPool2D(1, 1), new AvgPool2D(1, 1),
  ]);
  const optimizer = new OPTIMIZERS[name](SETTINGS[name]) as Optimizer;
  optimizer.setupOn(net, { useGlobalState: true });
  const data = gpuarray.toGpu(randn([4, 4, 5, 5], 11), [4, 4, 5, 5]);
  const target = gpuarray.toGpu(randn([4, 16, 1, 1], 12), [4, 16, 1, 1]);
  const mse = new MSE();
  const errors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { grad, error } = computeCost(mse, net.forward(data), target);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
    errors.push(await error());
  }
  const weights: number[] = [];
  for (const variable of net.getVarTable().keys()) {
    const values = await variable.data.read();
    weights.push(...new Uint32Array(values.buffer, values.byteOffset, values.length));
  }
  for (const a of [data, target]) a.dispose();
  optimizer.dispose();
  net.dispose();
  return { errors, weights };
}

describe.each(devicesUnderTest().filter((d) => d !== "js"))("PuzzleLib's trainHardTest on %s", (device) => {
  // 200 steps as PuzzleLib runs it; the GPUs run 40 (webgl2 8 on softpipe) to keep the browser suite short.
  const steps = repetitions(device === "webgl2" || device === "webgpu" ? 40 : 200, device);
  it.each(Object.keys(OPTIMIZERS) as OptimizerName[])(`%s: ${steps} steps give the js device's bits`, async (name) => {
    const expected = await trainHard("js", name, steps);
    const actual = await trainHard(device, name, steps);
    expect(actual.errors).toEqual(expected.errors);
    expect(actual.weights.length).toBe(expected.weights.length);
    expect(actual.weights.every((bits, i) => bits === expected.weights[i]), "the weights' bits").toBe(true);
    if (name !== "AdaDelta") expect(expected.errors.at(-1)!).toBeLessThan(expected.errors[0]);
  });
});
