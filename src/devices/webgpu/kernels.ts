import type { ChannelSum, ElementwiseKernel, KernelTable, PoolMode, WindowShape } from "../../runtime/Device.js";
import { DeviceArray } from "../../runtime/DeviceArray.js";
import { FINGERPRINT_CHUNK } from "../../kernels/fingerprint.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { allArrays, writtenArrays, type ElementwiseDefinition } from "../../kernels/vocabulary.js";
import type { GPUArrayBuffer, WebGPUDevice } from "./index.js";

/**
 * An elementwise kernel rendered to wgsl/generated/: one dispatch per run, each array
 * bound whole with its offset (plus the run's start) as a parameter, the run's scalars
 * as their float32 bits; an invocation computes four elements.
 */
function elementwise(device: WebGPUDevice, definition: ElementwiseDefinition): ElementwiseKernel {
  const names = allArrays(definition);
  const written = new Set(writtenArrays(definition));
  return (arrays, runs) => {
    let start = 0;
    for (const { end, scalars } of runs) {
      const count = end - start;
      const bindings = names.map((n) => ({ array: arrays[n].view(start, [count]), written: written.has(n) }));
      const values = scalars.map(floatBits);
      device.dispatch(definition.name, bindings, { count, values, invocations: Math.ceil(count / 4), guarded: true });
      start = end;
    }
  };
}

/** The float32 bits of x (rounded to float32 first). */
function floatBits(x: number): number {
  return new Uint32Array(Float32Array.of(x).buffer)[0];
}

/** A WindowShape as window.wgsl reads it. */
function windowValues(s: WindowShape): number[] {
  return [s.n, s.maps, s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.dilationH,
    s.dilationW, s.outH, s.outW];
}

const POOL_MODES: Record<PoolMode, number> = { max: 0, avgWithPad: 1, avgNoPad: 2 };
const CHANNEL_SUMS: Record<ChannelSum, number> = { sum: 0, centeredSquares: 1, normalizedProducts: 2 };

/** Copies src into dst; through a temporary buffer where both are in one (WebGPU copies between two buffers only). */
function copy(device: WebGPUDevice, src: DeviceArray, dst: DeviceArray): void {
  if (src.size === 0) return;
  const encoder = device.commands();
  const from = (src.buffer as GPUArrayBuffer).gpu;
  const to = (dst.buffer as GPUArrayBuffer).gpu;
  if (from === to) {
    const staged = device.temporary(src.size);
    encoder.copyBufferToBuffer(from, src.offset * 4, staged, 0, src.size * 4);
    encoder.copyBufferToBuffer(staged, 0, to, dst.offset * 4, src.size * 4);
  } else {
    encoder.copyBufferToBuffer(from, src.offset * 4, to, dst.offset * 4, src.size * 4);
  }
}

/** The webgpu device's kernel table: every elementwise definition and the hand-written kernels it has so far. */
export function webgpuKernels(device: WebGPUDevice): Partial<KernelTable> {
  const rendered = Object.fromEntries(Object.keys(DEFINITIONS).map((name) =>
    [name, elementwise(device, DEFINITIONS[name as ElementwiseName])])) as Record<ElementwiseName, ElementwiseKernel>;
  return {
    ...rendered,
    matmul: (a, b, out, bias, { m, k, n, aRow, aCol, bRow, bCol }) => device.dispatch("matmul",
      [{ array: a }, { array: b }, { array: bias }, { array: out, written: true }],
      { values: [m, k, n, aRow, aCol, bRow, bCol], invocations: Math.ceil(m / 4) * Math.ceil(n / 4), constants: { HAS_BIAS: bias ? 1 : 0 } }),
    columnSums: (a, out, rows, cols) => device.dispatch("columnSums", [{ array: a }, { array: out, written: true }],
      { values: [rows, cols], invocations: Math.ceil(cols / 4) }),
    transpose: (x, y, bias, batches, rows, cols) => device.dispatch("transpose",
      [{ array: x }, { array: bias }, { array: y, written: true }],
      { values: [batches, rows, cols], invocations: Math.ceil(x.size / 4), constants: { HAS_BIAS: bias ? 1 : 0 } }),
    // One invocation sums in element order.
    mseError: (pred, target, out) => device.dispatch("mseError",
      [{ array: pred }, { array: target }, { array: out, written: true }],
      { count: pred.size, values: [floatBits(pred.size)], invocations: 1 }),
    softmax: (x, y, { classes, positions }) => device.dispatch("softmax",
      [{ array: x }, { array: null }, { array: null }, { array: y, written: true }],
      { values: [classes, positions, x.size, 0], invocations: x.size }),
    crossEntropy: (x, labels, weights, grad, losses, { n, classes, positions }) => {
      const inputs = [{ array: x }, { array: labels }, { array: weights }];
      for (const [mode, out] of [[1, grad], [2, losses]] as const) {
        device.dispatch("softmax", [...inputs, { array: out, written: true }], {
          values: [classes, positions, out.size, floatBits(n)], invocations: out.size,
          constants: { MODE: mode, WEIGHTED: weights ? 1 : 0 },
        });
      }
    },
    dropout: (x, y, { first, key0, key1, threshold, keep }) => device.dispatch("dropout",
      [{ array: x }, { array: y, written: true }],
      { count: x.size, values: [first, key0, key1, threshold, floatBits(keep)], invocations: x.size }),
    fingerprint: (a, out) => device.dispatch("fingerprint", [{ array: a }, { array: out, written: true }],
      { count: a.size, values: [FINGERPRINT_CHUNK], invocations: Math.ceil(a.size / FINGERPRINT_CHUNK) }),
    im2row: (x, cols, shape) => device.dispatch("im2row", [{ array: x }, { array: cols, written: true }],
      { count: cols.size, values: windowValues(shape), invocations: cols.size }),
    row2im: (cols, x, shape) => device.dispatch("row2im", [{ array: cols }, { array: x, written: true }],
      { count: x.size, values: windowValues(shape), invocations: x.size }),
    pool: (x, y, indices, shape, mode) => device.dispatch("pool",
      [{ array: x }, { array: y, written: true }, { array: indices, written: true }],
      { count: y.size, values: windowValues(shape), invocations: y.size, constants: { MODE: POOL_MODES[mode] } }),
    poolBackward: (dy, dx, indices, shape, mode) => device.dispatch("poolBackward",
      [{ array: dy }, { array: indices }, { array: dx, written: true }],
      { count: dx.size, values: windowValues(shape), invocations: dx.size, constants: { MODE: POOL_MODES[mode] } }),
    channelSums: (a, b, mean, invStd, out, { n, channels, positions }, sum) => device.dispatch("channelSums",
      [{ array: a }, { array: b }, { array: mean }, { array: invStd }, { array: out, written: true }],
      { values: [n, channels, positions], invocations: channels, constants: { SUM: CHANNEL_SUMS[sum] } }),
    batchNorm: (x, mean, invStd, scale, bias, y, { channels, positions }) => device.dispatch("batchNorm",
      [{ array: x }, { array: mean }, { array: invStd }, { array: scale }, { array: bias }, { array: y, written: true }],
      { count: x.size, values: [channels, positions], invocations: x.size }),
    batchNormBackward: (x, dy, mean, invStd, scale, dscale, dbias, dx, { n, channels, positions }) => {
      const factors = device.scratch("batchNormFactors", 3 * channels);
      device.dispatch("batchNormFactors",
        [{ array: scale }, { array: invStd }, { array: dscale }, { array: dbias }, { array: factors, written: true }],
        { values: [channels, floatBits(n * positions)], invocations: channels });
      device.dispatch("batchNormBackward",
        [{ array: x }, { array: mean }, { array: invStd }, { array: dy }, { array: factors }, { array: dx, written: true }],
        { count: x.size, values: [channels, positions], invocations: x.size });
    },
    fill: (a, value) => {
      if (Object.is(value, 0)) {
        if (a.size > 0) device.commands().clearBuffer((a.buffer as GPUArrayBuffer).gpu, a.offset * 4, a.size * 4);
      } else {
        a.set(new Float32Array(a.size).fill(value));
      }
    },
    copy: (src, dst) => copy(device, src, dst),
  };
}
