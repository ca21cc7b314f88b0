import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { ChannelShape, Device } from "../runtime/Device.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { toGpu, zeros } from "../gpuarray.js";
import { InvalidArgumentError, NotReadyError, ShapeMismatchError, describe } from "../errors.js";
import { Random } from "../random.js";
import { Variable } from "../Variable.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/** Options of `new BatchNorm2D(maps, options)`. */
export interface BatchNorm2DOptions {
  /** Added to the variance, default 1e-5. */
  epsilon?: number;
  /** PuzzleLib's running-average factor max(initFactor / step, minFactor): defaults 1 and 0.1. */
  initFactor?: number;
  /** The smallest running-average factor, default 0.1. */
  minFactor?: number;
  /** A fixed running-average factor instead (PyTorch's momentum). */
  momentum?: number;
  /** The standard deviation of the scale's initialization around 1, default 0.01. */
  sscale?: number;
  /** Seeds the scale's initialization. */
  seed?: number;
}

let nextSeed = 1;

/**
 * PuzzleLib's BatchNorm2D over the maps of an NCHW array: scale and bias of shape
 * [1, maps, 1, 1] (Variables), running mean and variance (attributes `mean`, `var`,
 * saved with the weights). Training: each map's mean and biased variance over the batch
 * (sums from +0 over samples, then positions), y = ((x - mean) * invStd) * scale + bias with
 * invStd = 1 / sqrt(var + epsilon), and the running statistics moved by the factor (the
 * variance unbiased). Evaluation: the running statistics.
 */
export class BatchNorm2D extends Module {
  /** Added to the variance. */
  readonly epsilon: number;
  /** Training forward calls so far (PuzzleLib's numOfProps). */
  step = 0;
  private readonly factors: { initFactor: number; minFactor: number; momentum: number | undefined };
  private saved: { x: DeviceArray; shape: ChannelShape } | null = null;

  constructor(
    /** The number of maps (channels). */
    readonly maps: number, { epsilon = 1e-5, initFactor = 1, minFactor = 0.1, momentum, sscale = 0.01, seed }:
    BatchNorm2DOptions = {}) {
    super();
    if (!Number.isSafeInteger(maps) || maps < 1) throw new InvalidArgumentError(`BatchNorm2D maps is ${describe(maps)}; expected a positive integer`);
    for (const [name, value] of Object.entries({ epsilon, initFactor, minFactor, sscale, ...(momentum !== undefined ? { momentum } : {}) })) {
      if (typeof value !== "number" || !(value >= 0 && Number.isFinite(value))) {
        throw new InvalidArgumentError(`BatchNorm2D ${name} is ${describe(value)}; expected a finite number of at least 0`);
      }
    }
    this.epsilon = epsilon;
    this.factors = { initFactor, minFactor, momentum };
    const random = new Random(seed ?? nextSeed++);
    const shape = [1, maps, 1, 1];
    this.vars.set("scale", new Variable(toGpu(Float32Array.from({ length: maps }, () => 1 + sscale * random.normal()), shape)));
    const bias = new Variable(zeros(shape));
    bias.wc = 0;
    this.vars.set("bias", bias);
    this.attrs.set("mean", zeros(shape));
    this.attrs.set("var", toGpu(new Float32Array(maps).fill(1), shape));
  }

  override toString(): string {
    return `BatchNorm2D(${this.maps})`;
  }

  /** Per-map scratch arrays. */
  private vector(slot: string, device: Device): DeviceArray {
    return this.output(slot, device, [this.maps]);
  }

  /** Normalizes each map of an [N, maps, H, W] array: by the batch's statistics in train mode (updating the running ones), by the running ones in eval mode. */
  forward(data: DeviceArray): DeviceArray {
    const scale = this.vars.get("scale")!.data;
    const bias = this.vars.get("bias")!.data;
    const [x] = checkArrays(`${this}.forward`, { data, scale, bias });
    if (x.shape.length !== 4 || x.shape[1] !== this.maps) {
      throw new ShapeMismatchError(`${this}: input ${describe([...x.shape])} has ${x.shape.length} dimensions` +
        `${x.shape.length === 4 ? ` and ${x.shape[1]} maps` : ""}, expected [N, ${this.maps}, H, W]`);
    }
    const [n, , h, w] = x.shape;
    const shape = { n, channels: this.maps, positions: h * w };
    const count = n * h * w;
    const device = x.device;
    const mean = this.vector("mean", device);
    const invStd = this.vector("invStd", device);
    const runMean = this.attrs.get("mean")!;
    const runVar = this.attrs.get("var")!;
    if (this.train) {
      if (count < 2) throw new ShapeMismatchError(`${this}: input ${describe([...x.shape])} has one value per map; training needs at least 2`);
      const sums = this.vector("sums", device);
      kernel(device, "channelSums")(x, null, null, null, sums, shape, "sum");
      kernel(device, "batchNormMean")({ sum: sums, mean }, [{ end: this.maps, scalars: [Math.fround(count)] }]);
      kernel(device, "channelSums")(x, null, mean, null, sums, shape, "centeredSquares");
      this.step++;
      const { initFactor, minFactor, momentum } = this.factors;
      const factor = momentum ?? Math.max(initFactor / this.step, minFactor);
      kernel(device, "batchNormStatistics")({ mean, squares: sums, runMean, runVar, invStd }, [{
        end: this.maps,
        scalars: [count, count - 1, this.epsilon, factor, 1 - factor].map(Math.fround),
      }]);
    } else {
      kernel(device, "copy")(runMean, mean);
      kernel(device, "batchNormInvStd")({ variance: runVar, invStd }, [{ end: this.maps, scalars: [Math.fround(this.epsilon)] }]);
    }
    const y = this.output("y", device, x.shape);
    kernel(device, "batchNorm")(x, mean, invStd, scale, bias, y, shape);
    this.saved = { x, shape };
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf(`${this}.backward`, options);
    if (!this.saved) throw new NotReadyError(`${this}.backward before forward: there is no input to differentiate at`);
    const { x, shape } = this.saved;
    const scale = this.vars.get("scale")!;
    const bias = this.vars.get("bias")!;
    const [dy] = checkArrays(`${this}.backward`, { grad, data: x, scale: scale.data, scaleGrad: scale.grad, biasGrad: bias.grad });
    checkShape(`${this}.backward`, "grad", dy.shape, x.shape);
    const device = dy.device;
    const mean = this.vector("mean", device);
    const invStd = this.vector("invStd", device);
    kernel(device, "channelSums")(dy, null, null, null, bias.grad, shape, "sum");
    kernel(device, "channelSums")(x, dy, mean, invStd, scale.grad, shape, "normalizedProducts");
    if (!updGrad) return null;
    const dx = this.output("dx", device, x.shape);
    kernel(device, "batchNormBackward")(x, dy, mean, invStd, scale.data, scale.grad, bias.grad, dx, shape);
    return dx;
  }
}
