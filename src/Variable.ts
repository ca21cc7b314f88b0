import { DeviceArray } from "./runtime/DeviceArray.js";
import { InvalidArgumentError, describe } from "./errors.js";

/**
 * A trainable array and its gradient (PuzzleLib's Variable). `learnRate` and
 * `momRate` multiply the optimizer's own for this variable; `wc` multiplies the
 * rate of a WeightDecay hook (Linear sets it to 0 for its bias).
 */
export class Variable {
  /** The values the optimizer updates. */
  data: DeviceArray;
  /** dE/d(data), written by the module's backward(). */
  grad: DeviceArray;
  /** Multiplies the optimizer's learning rate for this variable. */
  learnRate = 1;
  /** Multiplies the optimizer's momentum rate for this variable. */
  momRate = 1;
  /** Multiplies weight decay for this variable (0 for biases). */
  wc = 1;

  constructor(data: DeviceArray) {
    if (!(data instanceof DeviceArray)) {
      throw new InvalidArgumentError(`Variable data is ${describe(data)}; expected a DeviceArray`);
    }
    data.assertAlive();
    this.data = data;
    this.grad = DeviceArray.allocate(data.device, data.shape);
  }

  /** The data's shape. */
  get shape(): readonly number[] {
    return this.data.shape;
  }

  /** Frees the data and gradient arrays. */
  dispose(): void {
    this.data.dispose();
    this.grad.dispose();
  }
}
