import { reuseArray, type DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel, runElementwise } from "../runtime/kernels.js";

/**
 * PuzzleLib's mean squared error: error = sum((pred - target)^2) / (2 * size),
 * grad = (pred - target) / size, the sum taken in element order on every device.
 */
export class MSE {
  private grad: DeviceArray | null = null;

  /**
   * Returns [error, dE/dpred]; the gradient array is reused by the next call of the
   * same shape. With `{ queryError: false }` (PuzzleLib's queryError=False) the error
   * is not computed and is null: on webgl2 this keeps the loop from waiting on the GPU.
   */
  compute(pred: DeviceArray, target: DeviceArray): [number, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, options: { queryError: true }): [number, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, options: { queryError: boolean }): [number | null, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, { queryError = true } = {}): [number | null, DeviceArray] {
    const [p, t] = checkArrays("MSE.compute", { pred, target });
    checkShape("MSE.compute", "target", t.shape, p.shape);
    this.grad = reuseArray(this.grad, p.device, p.shape);
    runElementwise("mseGradient", { pred: p, target: t, grad: this.grad }, { size: p.size });
    return [queryError !== false ? kernel(p.device, "mseError")(p, t) : null, this.grad];
  }

  /** Frees the gradient array this cost keeps between calls. */
  dispose(): void {
    this.grad?.dispose();
    this.grad = null;
  }
}
