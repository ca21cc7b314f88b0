import { reuseArray, type DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel, runElementwise } from "../runtime/kernels.js";
import { NotReadyError } from "../errors.js";
import { asyncOnly } from "../runtime/asyncOnly.js";

/**
 * PuzzleLib's mean squared error: error = sum((pred - target)^2) / (2 * size),
 * grad = (pred - target) / size, the sum taken in element order on every device.
 */
export class MSE {
  private grad: DeviceArray | null = null;
  private error: DeviceArray | null = null;

  /**
   * Returns [error, dE/dpred]; the gradient array is reused by the next call of the
   * same shape. The error is computed on the device; with `{ queryError: false }`
   * (PuzzleLib's queryError=False) it is not read back and is null: on webgl2 this keeps
   * the loop from waiting on the GPU, and on webgpu, which reads back only asynchronously,
   * it is required (readError() gives the error later).
   */
  compute(pred: DeviceArray, target: DeviceArray): [number, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, options: { queryError: true }): [number, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, options: { queryError: boolean }): [number | null, DeviceArray];
  compute(pred: DeviceArray, target: DeviceArray, { queryError = true } = {}): [number | null, DeviceArray] {
    const [p, t] = checkArrays("MSE.compute", { pred, target });
    checkShape("MSE.compute", "target", t.shape, p.shape);
    if (queryError !== false && p.device.readsBackAsync) throw asyncOnly("MSE.compute", p.device);
    this.grad = reuseArray(this.grad, p.device, p.shape);
    runElementwise("mseGradient", { pred: p, target: t, grad: this.grad }, { size: p.size });
    this.error = reuseArray(this.error, p.device, [1]);
    kernel(p.device, "mseError")(p, t, this.error);
    return [queryError !== false ? this.error.get()[0] : null, this.grad];
  }

  /** The last compute()'s error, read back without blocking the thread (on every device). */
  async readError(): Promise<number> {
    if (!this.error) throw new NotReadyError("MSE.readError() before compute(): there is no error yet");
    return (await this.error.read())[0];
  }

  /** Frees the gradient and error arrays this cost keeps between calls. */
  dispose(): void {
    this.grad?.dispose();
    this.error?.dispose();
    this.grad = this.error = null;
  }
}
