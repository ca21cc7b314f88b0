import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { PoolMode, WindowShape } from "../runtime/Device.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";
import { pair, showPair, windowShape, type Pair, type Window } from "./window.js";

/**
 * PuzzleLib's Pool2D: windows of `size` every `stride` over each map of an NCHW array,
 * with `pad` cells of padding on each side (less than the size, so that every window
 * holds an input cell); outH = floor((H + 2*pad - size) / stride) + 1.
 */
abstract class Pool2D extends Module {
  /** @internal */
  protected readonly window: Window;
  private shape: WindowShape | null = null;
  private inputShape: readonly number[] = [];
  /** MaxPool2D's maxima indices, from forward. */
  private indices: DeviceArray | null = null;

  /** @internal MaxPool2D and AvgPool2D choose the mode. */
  constructor(private readonly mode: PoolMode, size: Pair, stride: Pair, pad: Pair) {
    super();
    const name = this.constructor.name;
    this.window = {
      kernel: pair(name, "size", size, 1), stride: pair(name, "stride", stride, 1), pad: pair(name, "pad", pad, 0),
      dilation: [1, 1],
    };
    const { kernel: [kh, kw], pad: [ph, pw] } = this.window;
    if (ph >= kh || pw >= kw) {
      throw new InvalidArgumentError(`${name} pad is ${describe(pad)}; expected less than the size ${describe(size)} ` +
        "(a window of padding only has nothing to pool)");
    }
  }

  override toString(): string {
    return `${this.constructor.name}(${showPair(this.window.kernel)})`;
  }

  /** The pooled maps of an [N, C, H, W] array: [N, C, outH, outW]. */
  forward(data: DeviceArray): DeviceArray {
    const [x] = checkArrays(`${this}.forward`, { data });
    const s = windowShape(String(this), x, this.window, null);
    const y = this.output("y", x.device, [s.n, s.maps, s.outH, s.outW]);
    this.indices = this.mode === "max" ? this.output("indices", x.device, y.shape) : null;
    kernel(x.device, "pool")(x, y, this.indices, s, this.mode);
    this.shape = s;
    this.inputShape = x.shape;
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf(`${this}.backward`, options);
    const s = this.shape;
    if (!s) throw new NotReadyError(`${this}.backward before forward: there is no input to differentiate at`);
    const [dy] = checkArrays(`${this}.backward`, { grad });
    checkShape(`${this}.backward`, "grad", dy.shape, [s.n, s.maps, s.outH, s.outW]);
    if (!updGrad) return null;
    const dx = this.output("dx", dy.device, this.inputShape);
    kernel(dy.device, "poolBackward")(dy, dx, this.indices, s, this.mode);
    return dx;
  }
}

/**
 * The largest element of each window (PuzzleLib's MaxPool2D): the first NaN if the
 * window has one, else the first of its largest elements in row-major window order
 * (so +0 and -0 tie, and the earlier wins); the gradient goes to that element. Where
 * windows overlap, an element's gradient sums from +0 over kernel positions in row-major order.
 */
export class MaxPool2D extends Pool2D {
  constructor(size: Pair = 2, stride: Pair = 2, pad: Pair = 0) {
    super("max", size, stride, pad);
  }
}

/** Options of `new AvgPool2D(size, stride, pad, options)`. */
export interface AvgPool2DOptions {
  /** Count the padding in the divisor (default true, PuzzleLib's and cuDNN's avgWithPad). */
  includePad?: boolean;
}

/**
 * The mean of each window (PuzzleLib's AvgPool2D): its sum from +0 in row-major order
 * (padding adds nothing) divided by size*size, or with `includePad: false` by the
 * window's cells inside the input; the gradient of each element sums from +0 over
 * kernel positions in row-major order the window's dy divided alike.
 */
export class AvgPool2D extends Pool2D {
  constructor(size: Pair = 2, stride: Pair = 2, pad: Pair = 0, { includePad = true }: AvgPool2DOptions = {}) {
    if (typeof includePad !== "boolean") {
      throw new InvalidArgumentError(`AvgPool2D includePad is ${describe(includePad)}; expected true or false`);
    }
    super(includePad ? "avgWithPad" : "avgNoPad", size, stride, pad);
  }
}
