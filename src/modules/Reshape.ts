import type { DeviceArray } from "../runtime/DeviceArray.js";
import { shapeSize } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { InvalidArgumentError, NotReadyError, ShapeMismatchError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/**
 * PuzzleLib's Reshape: the same elements in another shape (a view: nothing is copied).
 * One dimension may be -1, inferred from the size; 0 keeps the input's dimension there
 * (as the batch in `new Reshape([0, -1])`).
 */
export class Reshape extends Module {
  private inputShape: readonly number[] | null = null;

  constructor(
    /** The output shape: one -1 inferred, 0 keeps the input's dimension. */
    readonly shape: readonly number[]) {
    super();
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d < -1) ||
      shape.filter((d) => d === -1).length > 1) {
      throw new InvalidArgumentError(`${this.constructor.name} shape is ${describe(shape)}; expected dimensions that are ` +
        "positive integers, 0 (keep the input's) or one -1 (inferred)");
    }
  }

  /** The output shape for an input of shape `input`. */
  protected outputShape(input: readonly number[]): number[] {
    const dims = this.shape.map((d, i) => (d === 0 ? input[i] : d));
    const size = shapeSize(input);
    const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const inferred = dims.map((d) => (d === -1 ? size / known : d));
    if (dims.some((d) => d === undefined) || !inferred.every(Number.isSafeInteger) || shapeSize(inferred) !== size) {
      throw new ShapeMismatchError(`${this.constructor.name}(${describe([...this.shape])}): input ${describe([...input])} ` +
        `has ${size} elements, which do not fit that shape`);
    }
    return inferred;
  }

  /** A view of the data in the new shape (no copy). */
  forward(data: DeviceArray): DeviceArray {
    const [x] = checkArrays(`${this.constructor.name}.forward`, { data });
    this.inputShape = x.shape;
    return x.view(0, this.outputShape(x.shape));
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf(`${this.constructor.name}.backward`, options);
    const input = this.inputShape;
    if (!input) throw new NotReadyError(`${this.constructor.name}.backward before forward: there is no input shape to restore`);
    const [dy] = checkArrays(`${this.constructor.name}.backward`, { grad });
    checkShape(`${this.constructor.name}.backward`, "grad", dy.shape, this.outputShape(input));
    return updGrad ? dy.view(0, input) : null;
  }
}

/** PuzzleLib's Flatten: [N, ...] to [N, product of the rest], a view. */
export class Flatten extends Reshape {
  constructor() {
    super([0, -1]);
  }
}
