import { DeviceArray, reuseArray } from "../runtime/DeviceArray.js";
import type { Device, RowShape } from "../runtime/Device.js";
import { checkArrays } from "../runtime/checks.js";
import { kernel } from "../runtime/kernels.js";
import { rowShape } from "../modules/SoftMax.js";
import { InvalidArgumentError, InvalidLabelError, NotReadyError, ShapeMismatchError, SyncReadError, describe } from "../errors.js";
import { asyncOnly } from "../runtime/asyncOnly.js";

/** Class labels: integers on the host, or a device array of floats holding them. */
export type Labels = Int32Array | Uint8Array | readonly number[] | DeviceArray;

/** Options of `new CrossEntropy(options)`. */
export interface CrossEntropyOptions {
  /** The number of classes scores must have (PuzzleLib's maxlabels); by default any. */
  maxlabels?: number;
  /** One weight per class (PuzzleLib's weights): each row's loss and each class's gradient are multiplied by it. */
  weights?: ArrayLike<number>;
}

/** The rows' losses summed from +0 in row order, divided by the number of rows, in float32. */
function meanLoss(losses: Float32Array): number {
  let sum = 0;
  for (let r = 0; r < losses.length; r++) sum = Math.fround(sum + losses[r]);
  return Math.fround(sum / losses.length);
}

/**
 * PuzzleLib's CrossEntropy: softmax over axis 1 of scores [n, classes] (or [n, classes,
 * ...positions] with a label per position) against integer labels. compute() returns the
 * mean negative log-likelihood over every row, and dE/dscores = (softmax - onehot) / n
 * (PuzzleLib's grad with its sign changed, this package's convention); with class
 * weights, each row's loss is multiplied by its label's weight and each gradient element
 * by its class's weight, as PuzzleLib does. The operations and their order are
 * HandWrittenKernels.crossEntropy's; the error is the rows' losses summed from +0 in row
 * order, divided by the number of rows, in float32 on the host.
 */
export class CrossEntropy {
  /** The number of classes scores must have, if set. */
  readonly maxlabels: number | undefined;
  /** The class weights, if set. */
  readonly weights: Float32Array | null;
  private grad: DeviceArray | null = null;
  private losses: DeviceArray | null = null;
  private labelArray: DeviceArray | null = null;
  /** On a device that reads back only asynchronously, the check of the last compute()'s DeviceArray labels. */
  private labelCheck: Promise<unknown> | null = null;
  private weightArray: DeviceArray | null = null;

  constructor({ maxlabels, weights }: CrossEntropyOptions = {}) {
    if (maxlabels !== undefined && !(Number.isSafeInteger(maxlabels) && maxlabels >= 1)) {
      throw new InvalidArgumentError(`CrossEntropy maxlabels is ${describe(maxlabels)}; expected a positive integer`);
    }
    this.maxlabels = maxlabels;
    if (weights === undefined) {
      this.weights = null;
    } else {
      if (weights == null || typeof weights.length !== "number" || weights.length === 0) {
        throw new InvalidArgumentError(`CrossEntropy weights is ${describe(weights)}; expected an array of one weight per class`);
      }
      const bad = Array.from(weights).findIndex((w) => typeof w !== "number" || !Number.isFinite(w));
      if (bad >= 0) {
        throw new InvalidArgumentError(`CrossEntropy weights[${bad}] is ${describe(weights[bad])}; expected a finite number`);
      }
      this.weights = Float32Array.from(weights);
    }
  }

  /**
   * Returns [error, dE/dscores]; the gradient array is reused by the next call of the same
   * shape. Labels are checked first: a bad one (not an integer in [0, classes), or the
   * wrong count) throws an InvalidLabelError naming the first and its index, and nothing
   * is computed. With `{ queryError: false }` the error is not read back and is null.
   */
  compute(scores: DeviceArray, labels: Labels): [number, DeviceArray];
  compute(scores: DeviceArray, labels: Labels, options: { queryError: true }): [number, DeviceArray];
  compute(scores: DeviceArray, labels: Labels, options: { queryError: boolean }): [number | null, DeviceArray];
  compute(scores: DeviceArray, labels: Labels, { queryError = true } = {}): [number | null, DeviceArray] {
    const [x] = checkArrays("CrossEntropy.compute", labels instanceof DeviceArray ? { scores, labels } : { scores });
    const shape = this.checkShape("CrossEntropy.compute", x.shape);
    if (queryError !== false && x.device.readsBackAsync) throw asyncOnly("CrossEntropy.compute", x.device);
    const rows = shape.n * shape.positions;
    const device = x.device;
    const labelArray = this.deviceLabels("CrossEntropy.compute", labels, shape, device);
    const weights = this.deviceWeights(device);
    this.grad = reuseArray(this.grad, device, x.shape);
    this.losses = reuseArray(this.losses, device, [rows]);
    kernel(device, "crossEntropy")(x, labelArray, weights, this.grad, this.losses, shape);
    if (queryError === false) return [null, this.grad];
    return [meanLoss(this.losses.get()), this.grad];
  }

  /** The last compute()'s error, read back without blocking the thread (on every device). */
  async readError(): Promise<number> {
    if (!this.losses) throw new NotReadyError("CrossEntropy.readError() before compute(): there is no error yet");
    const [losses, labelError] = await Promise.all([this.losses.read(), this.labelCheck]);
    if (labelError) throw labelError;
    return meanLoss(losses);
  }

  /**
   * PuzzleLib's validate(): the classification error rate, the fraction of rows whose
   * largest score (the first, where several are equal; a NaN counts as largest) is not
   * the label. On webgpu, which reads back only asynchronously, a SyncReadError: use
   * validateAsync().
   */
  validate(scores: DeviceArray, labels: Labels): number {
    const [x] = checkArrays("CrossEntropy.validate", { scores });
    const shape = this.checkShape("CrossEntropy.validate", x.shape);
    if (x.device.readsBackAsync) {
      throw new SyncReadError(`CrossEntropy.validate: the ${x.device.name} device reads values back only asynchronously; ` +
        "use `await validateAsync(scores, labels)`, which gives the same error rate");
    }
    return errorRate(x.get(), this.hostLabels("CrossEntropy.validate", labels, shape), shape);
  }

  /** validate() with the scores (and labels given as a DeviceArray) read back without blocking the thread, on every device. */
  async validateAsync(scores: DeviceArray, labels: Labels): Promise<number> {
    const [x] = checkArrays("CrossEntropy.validateAsync", { scores });
    const shape = this.checkShape("CrossEntropy.validateAsync", x.shape);
    const [values, truth] = await Promise.all([x.read(), labels instanceof DeviceArray ? labels.read() : labels]);
    return errorRate(values, this.hostLabels("CrossEntropy.validateAsync", truth, shape), shape);
  }

  /** Frees the gradient, loss and label arrays this cost keeps between calls. */
  dispose(): void {
    for (const array of [this.grad, this.losses, this.labelArray, this.weightArray]) array?.dispose();
    this.grad = this.losses = this.labelArray = this.weightArray = null;
  }

  private checkShape(what: string, shape: readonly number[]): RowShape {
    const rows = rowShape(what, "scores", shape);
    if (this.maxlabels !== undefined && rows.classes !== this.maxlabels) {
      throw new ShapeMismatchError(`${what}: scores have ${rows.classes} classes (shape ${describe([...shape])}); ` +
        `expected maxlabels = ${this.maxlabels}`);
    }
    if (this.weights && this.weights.length !== rows.classes) {
      throw new ShapeMismatchError(`${what}: scores have ${rows.classes} classes but there are ${this.weights.length} class weights`);
    }
    return rows;
  }

  /** The labels as numbers on the host, checked: one per row, each an integer class index. */
  private hostLabels(what: string, labels: Labels | Float32Array, shape: RowShape): ArrayLike<number> {
    const values: ArrayLike<number> = labels instanceof DeviceArray ? labels.get() : labels;
    if (values == null || typeof values.length !== "number") {
      throw new InvalidArgumentError(`${what}: labels is ${describe(labels)}; expected an Int32Array, an array of ` +
        "integers or a DeviceArray holding them");
    }
    checkLabelCount(what, values.length, shape);
    const { classes } = shape;
    for (let i = 0; i < values.length; i++) {
      const label = values[i];
      if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
        throw new InvalidLabelError(`${what}: labels[${i}] is ${describe(label)}; expected an integer class index in ` +
          `[0, ${classes - 1}]`, i, label);
      }
    }
    return values;
  }

  /**
   * The labels on `device` as floats, checked (a DeviceArray of labels is read back for
   * that: pass host labels where the read-back costs, as on webgl2; on a device that reads
   * back only asynchronously, it is read without waiting, its check is what readError()
   * throws, and the kernel makes an invalid label's loss and gradient NaN, which update()
   * refuses); a host array is uploaded into a reused array.
   */
  private deviceLabels(what: string, labels: Labels, shape: RowShape, device: Device): DeviceArray {
    this.labelCheck = null;
    if (labels instanceof DeviceArray && device.readsBackAsync) {
      checkLabelCount(what, labels.size, shape);
      this.labelCheck = labels.read().then((values) => {
        this.hostLabels(what, values, shape);
        return null;
      }).catch((error: unknown) => error);
      return labels;
    }
    const values = this.hostLabels(what, labels, shape);
    if (labels instanceof DeviceArray) return labels;
    this.labelArray = reuseArray(this.labelArray, device, [values.length]);
    this.labelArray.set(Float32Array.from(values));
    return this.labelArray;
  }

  private deviceWeights(device: Device): DeviceArray | null {
    if (!this.weights) return null;
    if (!this.weightArray || this.weightArray.device !== device || this.weightArray.disposed) {
      this.weightArray?.dispose();
      this.weightArray = DeviceArray.allocate(device, [this.weights.length]);
      this.weightArray.set(this.weights);
    }
    return this.weightArray;
  }
}

/** The fraction of rows whose argmax is not the label. */
function errorRate(scores: Float32Array, truth: ArrayLike<number>, shape: RowShape): number {
  const predicted = argmax(scores, shape);
  let wrong = 0;
  for (let r = 0; r < predicted.length; r++) if (predicted[r] !== truth[r]) wrong++;
  return wrong / predicted.length;
}

/** Throws a ShapeMismatchError unless there are `count` labels, one per row of scores. */
function checkLabelCount(what: string, count: number, { n, positions }: RowShape): void {
  const rows = n * positions;
  if (count !== rows) {
    throw new ShapeMismatchError(`${what}: ${count} labels for ${rows} rows of scores ` +
      `(${n} samples${positions > 1 ? ` × ${positions} positions` : ""}); expected one label per row`);
  }
}

/** Each row's first largest score (a NaN counts as largest): what validate() compares with the labels. */
export function argmax(x: Float32Array, { n, classes, positions }: RowShape): Int32Array {
  const out = new Int32Array(n * positions);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < positions; q++) {
      const base = i * classes * positions + q;
      let best = 0;
      for (let j = 1; j < classes; j++) {
        const v = x[base + j * positions];
        const b = x[base + best * positions];
        if (!Number.isNaN(b) && (Number.isNaN(v) || v > b)) best = j;
      }
      out[i * positions + q] = best;
    }
  }
  return out;
}
