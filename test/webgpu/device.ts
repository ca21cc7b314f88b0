// Run by test/webgpu.test.ts in Deno (`deno run -A --unstable-sloppy-imports`): the webgpu
// device as a user opens it (getDevice("webgpu")), in both subnormal modes, against the js
// device on the same inputs: every kernel it has, on views at odd offsets of buffers with
// more data around them (every element of every buffer compared, so a pass that writes
// outside its view fails), elementwise calls of several runs, products of every
// transposition with and without bias, arrays that share a buffer (in place, optimizer
// state), fill and copy; and its boundary: get() throws SyncReadError, read() resolves.
// Prints one JSON report (deviceReport(): test/browser/webgpu.test.ts runs it in Chromium).
import { getDevice, DeviceArray, SyncReadError, Random, availableDevices, type Device } from "../../src/index.js";
import { DEFINITIONS, type ElementwiseName } from "../../src/kernels/index.js";
import { allArrays } from "../../src/kernels/vocabulary.js";
import { kernel, type KernelName, type MatmulShape } from "../../src/runtime/Device.js";
import { JsDevice } from "../../src/devices/js/index.js";
import { WebGPUDevice } from "../../src/devices/webgpu/index.js";

const failures: string[] = [];
const checks: string[] = [];

const seeded = new Random(20261203);
/** A uniform number in [0, 1), seeded. */
const random = () => seeded.uniform();
const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1.4e-45, 1.1754942e-38, 3.4028235e38, 1, -1, 0.5, 88.72];

function values(size: number, specials = true): Float32Array {
  return Float32Array.from({ length: size }, () => {
    if (specials && random() < 0.1) return SPECIALS[Math.floor(random() * SPECIALS.length)];
    return (random() < 0.4 ? -1 : 1) * 10 ** (random() * 4 - 2) * (0.5 + random());
  });
}

/** One array on each device: a view at `offset` of a buffer `offset + size + 2` long, the same values on both. */
class Pair {
  readonly whole: [DeviceArray, DeviceArray];
  readonly view: [DeviceArray, DeviceArray];
  constructor(devices: [Device, Device], shape: number[], offset = 1 + Math.floor(random() * 5), specials = true) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = values(offset + size + 2, specials);
    this.whole = devices.map((d) => {
      const a = DeviceArray.allocate(d, [data.length]);
      a.set(data);
      return a;
    }) as [DeviceArray, DeviceArray];
    this.view = this.whole.map((a) => a.view(offset, shape)) as [DeviceArray, DeviceArray];
  }
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Every element of every pair's whole buffer, webgpu against js. */
async function compare(what: string, pairs: Pair[]): Promise<void> {
  checks.push(what);
  for (const [index, pair] of pairs.entries()) {
    const got = await pair.whole[0].read();
    const want = pair.whole[1].get();
    const g = bits(got), w = bits(want);
    for (let i = 0; i < w.length; i++) {
      if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
        failures.push(`${what}, array ${index}, element ${i}: ${got[i]} (0x${g[i].toString(16)}), expected ${want[i]} ` +
          `(0x${w[i].toString(16)})`);
        break;
      }
    }
  }
  pairs.forEach((p) => p.whole.forEach((a) => a.dispose()));
}

function call<K extends KernelName>(devices: [Device, Device], name: K, args: (side: 0 | 1) => Parameters<Extract<
  import("../../src/runtime/Device.js").KernelTable[K], (...a: never[]) => unknown>>): void {
  for (const side of [0, 1] as const) (kernel(devices[side], name) as (...a: unknown[]) => unknown)(...args(side));
}

async function suite(mode: "keep" | "flush"): Promise<void> {
  const gpu = await getDevice("webgpu", { subnormals: mode });
  if (!(gpu instanceof WebGPUDevice)) throw new Error(`getDevice("webgpu") gave ${gpu.name}`);
  const devices: [Device, Device] = [gpu, new JsDevice(mode)];

  for (const [name, definition] of Object.entries(DEFINITIONS)) {
    const names = allArrays(definition);
    const size = 37 + Math.floor(random() * 40);
    const pairs = names.map(() => new Pair(devices, [size]));
    const split = 1 + Math.floor(random() * (size - 2));
    const runs = [split, size].map((end) => ({ end, scalars: definition.scalars.map(() => Math.fround(random() * 2 - 0.5)) }));
    call(devices, name as ElementwiseName, (side) => [Object.fromEntries(names.map((n, i) => [n, pairs[i].view[side]])), runs]);
    await compare(`${mode} ${name}, two runs`, pairs);
  }

  // Arrays that share a buffer: relu in place, and an update whose state are views of one buffer.
  const inPlace = new Pair(devices, [50]);
  call(devices, "relu", (side) => [{ x: inPlace.view[side], y: inPlace.view[side] }, [{ end: 50, scalars: [] }]]);
  await compare(`${mode} relu in place`, [inPlace]);
  const graves = DEFINITIONS.rmspropGraves;
  const shared = new Pair(devices, [graves.arrays.length * 40], 3, false);
  call(devices, "rmspropGraves", (side) => [Object.fromEntries(allArrays(graves).map((n, i) =>
    [n, shared.view[side].view(i * 40, [40])])), [{ end: 40, scalars: graves.scalars.map(() => 0.1) }]]);
  await compare(`${mode} rmspropGraves on views of one buffer`, [shared]);

  const transposes: [string, (m: number, k: number, n: number) => [number, number, number, number]][] = [
    ["A·B", (_m, k, n) => [k, 1, n, 1]], ["Aᵀ·B", (m, _k, n) => [1, m, n, 1]],
    ["A·Bᵀ", (_m, k) => [k, 1, 1, k]], ["Aᵀ·Bᵀ", (m, k) => [1, m, 1, k]],
  ];
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 100, 30], [5, 200, 130]]) {
    for (const [label, strides] of transposes) {
      for (const withBias of [false, true]) {
        const [aRow, aCol, bRow, bCol] = strides(m, k, n);
        const shape: MatmulShape = { m, k, n, aRow, aCol, bRow, bCol };
        const [a, b, bias, out] = [new Pair(devices, [m * k], undefined, false), new Pair(devices, [k * n], undefined, false),
          new Pair(devices, [n]), new Pair(devices, [m * n])];
        call(devices, "matmul", (side) => [a.view[side], b.view[side], out.view[side], withBias ? bias.view[side] : null, shape]);
        await compare(`${mode} matmul ${label} ${m}x${k}x${n}${withBias ? " + bias" : ""}`, [a, b, bias, out]);
      }
    }
  }

  for (const size of [1, 7, 640]) {
    const [pred, target, error] = [new Pair(devices, [size]), new Pair(devices, [size]), new Pair(devices, [1])];
    call(devices, "mseError", (side) => [pred.view[side], target.view[side], error.view[side]]);
    await compare(`${mode} mseError of ${size}`, [pred, target, error]);
  }

  for (const [rows, cols] of [[1, 1], [7, 13], [64, 130]]) {
    const [a, out] = [new Pair(devices, [rows * cols]), new Pair(devices, [cols])];
    call(devices, "columnSums", (side) => [a.view[side], out.view[side], rows, cols]);
    await compare(`${mode} columnSums ${rows}x${cols}`, [a, out]);
    for (const withBias of [false, true]) {
      const [x, y, bias] = [new Pair(devices, [2 * rows * cols]), new Pair(devices, [2 * rows * cols]), new Pair(devices, [cols])];
      call(devices, "transpose", (side) => [x.view[side], y.view[side], withBias ? bias.view[side] : null, 2, rows, cols]);
      await compare(`${mode} transpose 2x${rows}x${cols}${withBias ? " + bias" : ""}`, [x, y, bias]);
    }
  }

  for (const [n, classes, positions] of [[3, 10, 1], [2, 4, 6], [1, 1, 1]]) {
    const rows = n * positions;
    for (const weighted of [false, true]) {
      const x = new Pair(devices, [n, classes, positions]);
      const y = new Pair(devices, [n * classes * positions]);
      const labels = new Pair(devices, [rows]);
      const weights = new Pair(devices, [classes], undefined, false);
      const grad = new Pair(devices, [n * classes * positions]);
      const losses = new Pair(devices, [rows]);
      const labelValues = Float32Array.from({ length: rows }, () => Math.floor(random() * classes));
      labels.view.forEach((a) => a.set(labelValues));
      const shape = { n, classes, positions };
      call(devices, "softmax", (side) => [x.view[side], y.view[side], shape]);
      call(devices, "crossEntropy", (side) => [x.view[side], labels.view[side], weighted ? weights.view[side] : null,
        grad.view[side], losses.view[side], shape]);
      await compare(`${mode} softmax and crossEntropy ${n}x${classes}x${positions}${weighted ? " weighted" : ""}`,
        [x, y, labels, weights, grad, losses]);
    }
  }

  for (const p of [0, 0.3, 1]) {
    const [x, y] = [new Pair(devices, [301]), new Pair(devices, [301])];
    const draw = { first: 17, key0: 0x9e3779b9, key1: 0xdeadbeef, threshold: Math.round((1 - p) * 2 ** 24), keep: Math.fround(1 - p) };
    call(devices, "dropout", (side) => [x.view[side], y.view[side], draw]);
    await compare(`${mode} dropout p = ${p}`, [x, y]);
  }

  for (const size of [1, 1023, 1024, 2500]) {
    const a = new Pair(devices, [size]);
    const out = new Pair(devices, [4 * Math.ceil(size / 1024)], 4);
    call(devices, "fingerprint", (side) => [a.view[side], out.view[side]]);
    await compare(`${mode} fingerprint of ${size}`, [a, out]);
  }

  const windows = [
    { n: 2, maps: 3, height: 7, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 2 },
    { n: 1, maps: 2, height: 5, width: 5, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 1, dilationH: 1, dilationW: 1 },
    { n: 3, maps: 1, height: 4, width: 9, kernelH: 3, kernelW: 3, strideH: 1, strideW: 3, padH: 2, padW: 1, dilationH: 1, dilationW: 1 },
  ].map((w) => ({
    ...w, outH: Math.floor((w.height + 2 * w.padH - w.dilationH * (w.kernelH - 1) - 1) / w.strideH) + 1,
    outW: Math.floor((w.width + 2 * w.padW - w.dilationW * (w.kernelW - 1) - 1) / w.strideW) + 1,
  }));
  for (const w of windows) {
    const label = `${w.n}x${w.maps}x${w.height}x${w.width} kernel ${w.kernelH}x${w.kernelW}`;
    const inputSize = w.n * w.maps * w.height * w.width;
    const colsSize = w.n * w.outH * w.outW * w.maps * w.kernelH * w.kernelW;
    const [x, cols, back] = [new Pair(devices, [inputSize]), new Pair(devices, [colsSize]), new Pair(devices, [inputSize])];
    call(devices, "im2row", (side) => [x.view[side], cols.view[side], w]);
    call(devices, "row2im", (side) => [cols.view[side], back.view[side], w]);
    await compare(`${mode} im2row and row2im ${label}`, [x, cols, back]);
    // The pools take no dilation.
    const p = { ...w, dilationH: 1, dilationW: 1, outH: Math.floor((w.height + 2 * w.padH - w.kernelH) / w.strideH) + 1,
      outW: Math.floor((w.width + 2 * w.padW - w.kernelW) / w.strideW) + 1 };
    if (p.padH * 2 > p.kernelH || p.padW * 2 > p.kernelW) continue;
    const outSize = p.n * p.maps * p.outH * p.outW;
    for (const poolMode of ["max", "avgWithPad", "avgNoPad"] as const) {
      const [px, y, indices, dy, dx] = [new Pair(devices, [inputSize]), new Pair(devices, [outSize]),
        new Pair(devices, [outSize]), new Pair(devices, [outSize]), new Pair(devices, [inputSize])];
      const ix = poolMode === "max" ? indices : null;
      call(devices, "pool", (side) => [px.view[side], y.view[side], ix && ix.view[side], p, poolMode]);
      call(devices, "poolBackward", (side) => [dy.view[side], dx.view[side], ix && ix.view[side], p, poolMode]);
      await compare(`${mode} pool and poolBackward ${poolMode} ${label}`, [px, y, indices, dy, dx]);
    }
  }

  for (const [n, channels, positions] of [[2, 3, 10], [4, 1, 1], [1, 5, 33]]) {
    const size = n * channels * positions;
    const label = `${n}x${channels}x${positions}`;
    const [a, b, mean, invStd] = [new Pair(devices, [size]), new Pair(devices, [size]), new Pair(devices, [channels]),
      new Pair(devices, [channels])];
    const sums = (["sum", "centeredSquares", "normalizedProducts"] as const).map((sum) => {
      const out = new Pair(devices, [channels]);
      call(devices, "channelSums", (side) => [a.view[side], sum === "normalizedProducts" ? b.view[side] : null,
        sum === "sum" ? null : mean.view[side], sum === "normalizedProducts" ? invStd.view[side] : null, out.view[side],
        { n, channels, positions }, sum]);
      return out;
    });
    const [scale, bias, dscale, dbias, y, dx] = [channels, channels, channels, channels, size, size].map((k) => new Pair(devices, [k]));
    call(devices, "batchNorm", (side) => [a.view[side], mean.view[side], invStd.view[side], scale.view[side], bias.view[side],
      y.view[side], { n, channels, positions }]);
    call(devices, "batchNormBackward", (side) => [a.view[side], b.view[side], mean.view[side], invStd.view[side],
      scale.view[side], dscale.view[side], dbias.view[side], dx.view[side], { n, channels, positions }]);
    await compare(`${mode} channelSums, batchNorm and batchNormBackward ${label}`,
      [a, b, mean, invStd, ...sums, scale, bias, dscale, dbias, y, dx]);
  }

  for (const value of [0, -0, 3.5, NaN, 1e-40]) {
    const a = new Pair(devices, [29]);
    call(devices, "fill", (side) => [a.view[side], value]);
    await compare(`${mode} fill ${Object.is(value, -0) ? "-0" : value}`, [a]);
  }
  const [src, dst] = [new Pair(devices, [33]), new Pair(devices, [33])];
  call(devices, "copy", (side) => [src.view[side], dst.view[side]]);
  const within = new Pair(devices, [80], 2);
  call(devices, "copy", (side) => [within.view[side].view(0, [40]), within.view[side].view(20, [40])]);
  await compare(`${mode} copy between buffers and within one (overlapping)`, [src, dst, within]);

  // The boundary: get() is a typed error that says what to use; read() resolves.
  const a = DeviceArray.allocate(gpu, [3]);
  a.set([1, 2, 3]);
  try {
    a.get();
    failures.push("get() on a webgpu array returned instead of throwing SyncReadError");
  } catch (error) {
    if (!(error instanceof SyncReadError) || !/read\(\)/.test(error.message)) failures.push(`get() threw ${error}`);
  }
  if ((await a.read()).join() !== "1,2,3") failures.push("read() did not give the values set");
  checks.push(`${mode} get() and read()`);
  a.dispose();
}

/**
 * The checks in `modes`, and whether the adapter flushes subnormals (where it does, "keep"
 * runs emulated). Deno runs this file as a script; the browser suite imports it.
 */
export async function deviceReport(modes: readonly ("keep" | "flush")[] = ["keep", "flush"]) {
  failures.length = 0;
  checks.length = 0;
  for (const mode of modes) await suite(mode);
  const gpu = await getDevice("webgpu", { subnormals: modes[0] }) as WebGPUDevice;
  // Every kernel of the js device but countNonFinite (a count read back synchronously: update() runs a guarded step instead).
  const missing = Object.keys(new JsDevice("keep").kernels).filter((name) => !(name in gpu.kernels));
  if (missing.join() !== "countNonFinite") failures.push(`the webgpu device lacks ${missing.join(", ")}; expected only countNonFinite`);
  const status = (await availableDevices()).find((s) => s.name === ("webgpu"));
  const flushes = (await getDevice("webgpu") as WebGPUDevice).flushesSubnormals;
  return { adapter: gpu.adapterDescription, software: gpu.software, flushes, status, checks: checks.length, failures: [...failures] };
}

if ((import.meta as { main?: boolean }).main) console.log(JSON.stringify(await deviceReport()));
