import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { RowShape } from "../runtime/Device.js";
import { checkArrays } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { InvalidArgumentError, ShapeMismatchError, describe } from "../errors.js";
import { Module } from "./Module.js";

/** The rows of softmax over axis 1 of `shape` ([n, classes, ...]); `what` names the caller in the error. */
export function rowShape(what: string, name: string, shape: readonly number[]): RowShape {
  if (shape.length < 2) {
    throw new ShapeMismatchError(`${what}: ${name} has shape ${describe([...shape])}; expected [batch, classes] ` +
      "or [batch, classes, ...positions]");
  }
  const [n, classes, ...rest] = shape;
  return { n, classes, positions: rest.reduce((a, b) => a * b, 1) };
}

/**
 * PuzzleLib's SoftMax over axis 1, for a net's outputs at inference: y = e^(x - max) /
 * sum, the sum in class order (HandWrittenKernels.softmax). To train a classifier, give
 * the scores before it to CrossEntropy, which applies softmax itself.
 */
export class SoftMax extends Module {
  /** The softmax of each row of a [batch, classes] array. */
  forward(data: DeviceArray): DeviceArray {
    const [x] = checkArrays("SoftMax.forward", { data });
    const y = this.output("y", x.device, x.shape);
    kernel(x.device, "softmax")(x, y, rowShape("SoftMax.forward", "data", x.shape));
    return y;
  }

  backward(): never {
    throw new InvalidArgumentError("SoftMax.backward: SoftMax is for inference outputs; to train, give the scores to " +
      "CrossEntropy, which applies softmax itself and returns their gradient");
  }
}
