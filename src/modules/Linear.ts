import type { DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { toGpu, zeros } from "../gpuarray.js";
import { InvalidArgumentError, NotReadyError, ShapeMismatchError, describe } from "../errors.js";
import { Random } from "../random.js";
import { Variable } from "../Variable.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/** Options of `new Linear(insize, outsize, options)`. */
export interface LinearOptions {
  /** Add the bias `b` (default true). */
  useBias?: boolean;
  /** Seed of the weights' initialization; by default 1, 2, 3, ... in construction order. */
  seed?: number;
}

let nextSeed = 1;

/**
 * y = x·W + b for x of shape [batch, insize]; W has shape [insize, outsize] and is
 * initialized uniformly in ±sqrt(6 / (insize + outsize)) (Glorot), b with zeros.
 */
export class Linear extends Module {
  private input: DeviceArray | null = null;

  constructor(
    /** Input features. */
    readonly insize: number,
    /** Output features. */
    readonly outsize: number, { useBias = true, seed }: LinearOptions = {}) {
    super();
    for (const [name, value] of [["insize", insize], ["outsize", outsize]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new InvalidArgumentError(`Linear ${name} is ${describe(value)}; expected a positive integer`);
      }
    }
    const random = new Random(seed ?? nextSeed++);
    const bound = Math.sqrt(6 / (insize + outsize));
    const weights = new Float32Array(insize * outsize);
    for (let i = 0; i < weights.length; i++) weights[i] = (2 * random.uniform() - 1) * bound;
    this.vars.set("W", new Variable(toGpu(weights, [insize, outsize])));
    if (useBias) {
      const bias = new Variable(zeros([outsize]));
      bias.wc = 0; // weight decay leaves biases alone
      this.vars.set("b", bias);
    }
  }

  /** data · W + b for data of shape [batch, insize]: [batch, outsize]. */
  forward(data: DeviceArray): DeviceArray {
    const W = this.vars.get("W")!.data;
    const b = this.vars.get("b")?.data ?? null;
    const [x] = checkArrays("Linear.forward", { data, W, ...(b ? { b } : {}) });
    if (x.shape.length !== 2) {
      throw new ShapeMismatchError(`Linear.forward: data has shape ${describe([...x.shape])}; expected ` +
        `[batch, ${this.insize}], a batch of rows of ${this.insize} (for one sample, [1, ${this.insize}])`);
    }
    const batch = x.shape[0];
    checkShape("Linear.forward", "data", x.shape, [batch, this.insize]);
    const y = this.output("y", x.device, [batch, this.outsize]);
    kernel(x.device, "matmul")(x, W, y, b, { m: batch, k: this.insize, n: this.outsize, aRow: this.insize, aCol: 1, bRow: this.outsize, bCol: 1 });
    this.input = x;
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf("Linear.backward", options);
    if (!this.input) throw new NotReadyError("Linear.backward before forward: there is no input to differentiate at");
    const W = this.vars.get("W")!;
    const b = this.vars.get("b");
    const [dy] = checkArrays("Linear.backward", {
      grad, data: this.input, W: W.data, Wgrad: W.grad, ...(b ? { bgrad: b.grad } : {}) });
    const x = this.input;
    const batch = x.shape[0];
    checkShape("Linear.backward", "grad", dy.shape, [batch, this.outsize]);
    const { insize, outsize } = this;
    const device = dy.device;
    kernel(device, "matmul")(x, dy, W.grad, null, { m: insize, k: batch, n: outsize, aRow: 1, aCol: insize, bRow: outsize, bCol: 1 });
    if (b) kernel(device, "columnSums")(dy, b.grad, batch, outsize);
    if (!updGrad) return null;
    const dx = this.output("dx", device, [batch, insize]);
    kernel(device, "matmul")(dy, W.data, dx, null, { m: batch, k: outsize, n: insize, aRow: outsize, aCol: 1, bRow: 1, bCol: outsize });
    return dx;
  }
}
