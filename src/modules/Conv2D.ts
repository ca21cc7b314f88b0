import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { WindowShape } from "../runtime/Device.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { toGpu, zeros } from "../gpuarray.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Random } from "../random.js";
import { Variable } from "../Variable.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";
import { pair, showPair, windowShape, type Pair, type Window } from "./window.js";

/** Options of `new Conv2D(inmaps, outmaps, size, options)`; sizes are a number or [height, width]. */
export interface Conv2DOptions {
  /** Default 1. */
  stride?: Pair;
  /** Zero padding on each side, default 0. */
  pad?: Pair;
  /** Default 1. */
  dilation?: Pair;
  /** Add the bias `b` (default true). */
  useBias?: boolean;
  /** Seed of the weights' initialization; by default 1, 2, 3, ... in construction order. */
  seed?: number;
}

let nextSeed = 1;

/**
 * Conv2D's forward pass as separate kernel calls, what devices without a fused
 * convForward run: im2row(x, cols), t = cols · Wᵀ, y = t transposed per sample + bias.
 */
export function convForwardCalls(x: DeviceArray, W: DeviceArray, bias: DeviceArray | null, cols: DeviceArray, t: DeviceArray,
  y: DeviceArray, outmaps: number, s: WindowShape): void {
  const rows = s.n * s.outH * s.outW;
  const k = s.maps * s.kernelH * s.kernelW;
  kernel(x.device, "im2row")(x, cols, s);
  kernel(x.device, "matmul")(cols, W, t, null, { m: rows, k, n: outmaps, aRow: k, aCol: 1, bRow: 1, bCol: k });
  kernel(x.device, "transpose")(t, y, bias, s.n, s.outH * s.outW, outmaps);
}

/**
 * Conv2D's input gradient as separate kernel calls, what devices without a fused
 * convInputGrad run: dcols = dyT · W (dyT: dy as [n·outH·outW, outmaps]), then row2im.
 */
export function convInputGradCalls(dyT: DeviceArray, W: DeviceArray, dcols: DeviceArray, dx: DeviceArray, outmaps: number,
  s: WindowShape): void {
  const rows = s.n * s.outH * s.outW;
  const k = s.maps * s.kernelH * s.kernelW;
  kernel(dyT.device, "matmul")(dyT, W, dcols, null, { m: rows, k: outmaps, n: k, aRow: outmaps, aCol: 1, bRow: k, bCol: 1 });
  kernel(dyT.device, "row2im")(dcols, dx, s);
}

/**
 * PuzzleLib's Conv2D on NCHW arrays: x [N, inmaps, H, W] to y [N, outmaps, outH, outW]
 * with W of shape [outmaps, inmaps, kh, kw] (initialized uniformly in
 * ±sqrt(6 / ((inmaps + outmaps) * kh * kw)), Glorot) and b of shape [1, outmaps, 1, 1]
 * (zeros); outH = floor((H + 2*pad - dilation*(kh - 1) - 1) / stride) + 1.
 *
 * Summation orders, the same on every device: each output from +0 over input map, then
 * kernel row, then kernel column, bias last; the weights' and bias's gradients from +0
 * over samples, then output rows, then output columns; the input's gradient, for each
 * kernel position the sum over output maps from +0, then those from +0 over kernel
 * positions in row-major order. (The products run as im2row into matmul: the patches of
 * all samples as rows, [N*outH*outW, inmaps*kh*kw], kept for backward.)
 */
export class Conv2D extends Module {
  private readonly window: Window;
  private input: DeviceArray | null = null;
  private shape: WindowShape | null = null;
  /** The input's patches, from forward. */
  private cols: DeviceArray | null = null;

  constructor(
    /** Input maps. */
    readonly inmaps: number,
    /** Output maps. */
    readonly outmaps: number, size: Pair,
    { stride = 1, pad = 0, dilation = 1, useBias = true, seed }: Conv2DOptions = {}) {
    super();
    for (const [name, value] of [["inmaps", inmaps], ["outmaps", outmaps]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new InvalidArgumentError(`Conv2D ${name} is ${describe(value)}; expected a positive integer`);
      }
    }
    this.window = {
      kernel: pair("Conv2D", "size", size, 1), stride: pair("Conv2D", "stride", stride, 1),
      pad: pair("Conv2D", "pad", pad, 0), dilation: pair("Conv2D", "dilation", dilation, 1),
    };
    const [kh, kw] = this.window.kernel;
    const random = new Random(seed ?? nextSeed++);
    const bound = Math.sqrt(6 / ((inmaps + outmaps) * kh * kw));
    const weights = new Float32Array(outmaps * inmaps * kh * kw);
    for (let i = 0; i < weights.length; i++) weights[i] = (2 * random.uniform() - 1) * bound;
    this.vars.set("W", new Variable(toGpu(weights, [outmaps, inmaps, kh, kw])));
    if (useBias) {
      const bias = new Variable(zeros([1, outmaps, 1, 1]));
      bias.wc = 0; // weight decay leaves biases alone
      this.vars.set("b", bias);
    }
  }

  /** "Conv2D(1→8, 5×5)", as errors name the layer. */
  override toString(): string {
    return `Conv2D(${this.inmaps}→${this.outmaps}, ${showPair(this.window.kernel)})`;
  }

  /** The convolution of an [N, inmaps, H, W] array: [N, outmaps, outH, outW]. */
  forward(data: DeviceArray): DeviceArray {
    const W = this.vars.get("W")!.data;
    const b = this.vars.get("b")?.data ?? null;
    const [x] = checkArrays(`${this}.forward`, { data, W, ...(b ? { b } : {}) });
    const s = windowShape(String(this), x, this.window, this.inmaps);
    const rows = s.n * s.outH * s.outW;
    const k = this.inmaps * s.kernelH * s.kernelW;
    const cols = this.output("cols", x.device, [rows, k]);
    const y = this.output("y", x.device, [s.n, this.outmaps, s.outH, s.outW]);
    if (x.device.kernels.convForward) x.device.kernels.convForward(x, W, b, cols, y, this.outmaps, s);
    else convForwardCalls(x, W, b, cols, this.output("t", x.device, [rows, this.outmaps]), y, this.outmaps, s);
    this.input = x;
    this.shape = s;
    this.cols = cols;
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf(`${this}.backward`, options);
    const { shape: s, cols } = this;
    if (!this.input || !s || !cols) throw new NotReadyError(`${this}.backward before forward: there is no input to differentiate at`);
    const W = this.vars.get("W")!;
    const b = this.vars.get("b");
    const [dy] = checkArrays(`${this}.backward`, { grad, data: this.input, W: W.data, Wgrad: W.grad, ...(b ? { bgrad: b.grad } : {}) });
    checkShape(`${this}.backward`, "grad", dy.shape, [s.n, this.outmaps, s.outH, s.outW]);
    const device = dy.device;
    const rows = s.n * s.outH * s.outW;
    const k = this.inmaps * s.kernelH * s.kernelW;
    const oc = this.outmaps;
    const dyT = this.output("dyT", device, [rows, oc]);
    const dWT = this.output("dWT", device, [k, oc]);
    kernel(device, "transpose")(dy, dyT, null, s.n, oc, s.outH * s.outW);
    kernel(device, "matmul")(cols, dyT, dWT, null, { m: k, k: rows, n: oc, aRow: 1, aCol: k, bRow: oc, bCol: 1 });
    kernel(device, "transpose")(dWT, W.grad, null, 1, k, oc);
    if (b) kernel(device, "columnSums")(dyT, b.grad, rows, oc);
    if (!updGrad) return null;
    const dx = this.output("dx", device, this.input.shape);
    if (device.kernels.convInputGrad) device.kernels.convInputGrad(dy, W.data, dx, oc, s);
    else convInputGradCalls(dyT, W.data, this.output("dcols", device, [rows, k]), dx, oc, s);
    return dx;
  }
}
