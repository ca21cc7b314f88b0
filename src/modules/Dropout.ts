import type { DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import type { DropoutDraw } from "../runtime/Device.js";
import { dropoutKeys, keepThreshold } from "../kernels/random.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/** Options of `new Dropout(options)`. */
export interface DropoutOptions {
  /** The probability of dropping an element (default 0.5), in [0, 1). */
  p?: number;
  /** Seed of the masks; by default 1, 2, 3, ... in construction order. */
  seed?: number;
}

let nextSeed = 1;

/**
 * PuzzleLib's Dropout: in training mode each element is dropped (set to +0) with
 * probability p and the others are divided by 1 - p; in evaluation mode the input passes
 * through. The mask of forward call `step` is a hash of each element's index, the seed
 * and the step (src/kernels/random.ts), drawn on the device: every device draws the same
 * mask, and backward draws it again instead of keeping it.
 */
export class Dropout extends Module {
  /** The probability of dropping an element. */
  readonly p: number;
  /** The seed of the masks (with the forward call's step). */
  readonly seed: number;
  /** Forward calls in training mode so far: the next one draws the mask of this step. */
  step = 0;
  private draw: DropoutDraw | null = null;
  private shape: readonly number[] = [];

  constructor({ p = 0.5, seed }: DropoutOptions = {}) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p < 1)) {
      throw new InvalidArgumentError(`Dropout p is ${describe(p)}; expected a probability in [0, 1)`);
    }
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
      throw new InvalidArgumentError(`Dropout seed is ${describe(seed)}; expected a non-negative integer`);
    }
    this.p = p;
    this.seed = seed ?? nextSeed++;
  }

  /** In train mode, each element zeroed with probability p and the rest scaled by 1 / (1 - p); in eval mode, the data unchanged. */
  forward(data: DeviceArray): DeviceArray {
    const [x] = checkArrays("Dropout.forward", { data });
    if (!this.train) {
      this.draw = null;
      return x;
    }
    const { key0, key1 } = dropoutKeys(this.seed, this.step++);
    this.draw = { first: 0, key0, key1, threshold: keepThreshold(this.p), keep: Math.fround(1 - this.p) };
    this.shape = x.shape;
    const y = this.output("y", x.device, x.shape);
    kernel(x.device, "dropout")(x, y, this.draw);
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf("Dropout.backward", options);
    const [dy] = checkArrays("Dropout.backward", { grad });
    if (!updGrad) return null;
    if (!this.train) return dy;
    if (!this.draw) throw new NotReadyError("Dropout.backward before forward in training mode: there is no mask to apply");
    checkShape("Dropout.backward", "grad", dy.shape, this.shape);
    const dx = this.output("dx", dy.device, dy.shape);
    kernel(dy.device, "dropout")(dy, dx, this.draw);
    return dx;
  }
}
