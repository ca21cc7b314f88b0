import type { DropoutDraw, RowShape, SubnormalMode } from "../../runtime/Device.js";
import { draw } from "../../kernels/random.js";
import { expf, logf } from "./kernels.generated.js";
import { rounding, type Round } from "./rounding.js";

/** The row's largest element m and its sum s = e^(x_0 - m) + ... from +0 (see HandWrittenKernels.softmax). */
function rowStats(x: Float32Array, base: number, { classes, positions }: RowShape, f: Round): [number, number] {
  let m = f(x[base]);
  for (let j = 1; j < classes; j++) m = Math.max(m, f(x[base + j * positions]));
  let s = 0;
  for (let j = 0; j < classes; j++) s = f(s + expf(f(f(x[base + j * positions]) - m), f));
  return [m, s];
}

/** The rows (i, q) of `shape` with their first element's index. */
function* rows({ n, classes, positions }: RowShape): Generator<[number, number]> {
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < positions; q++) yield [i * positions + q, i * classes * positions + q];
  }
}

export function softmax(x: Float32Array, y: Float32Array, shape: RowShape, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (const [, base] of rows(shape)) {
    const [m, s] = rowStats(x, base, shape, f);
    for (let j = 0; j < shape.classes; j++) {
      const at = base + j * shape.positions;
      y[at] = f(expf(f(f(x[at]) - m), f) / s);
    }
  }
}

export function crossEntropy(scores: Float32Array, labels: Float32Array, weights: Float32Array | null, grad: Float32Array,
  losses: Float32Array, shape: RowShape, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  const n = f(shape.n);
  for (const [row, base] of rows(shape)) {
    const [m, s] = rowStats(scores, base, shape, f);
    const label = labels[row];
    for (let j = 0; j < shape.classes; j++) {
      const at = base + j * shape.positions;
      let d = f(f(expf(f(f(scores[at]) - m), f) / s) - (j === label ? 1 : 0));
      if (weights) d = f(d * f(weights[j]));
      grad[at] = f(d / n);
    }
    let loss = f(logf(s, f) - f(f(scores[base + label * shape.positions]) - m));
    if (weights) loss = f(loss * f(weights[label]));
    losses[row] = loss;
  }
}

export function dropout(x: Float32Array, y: Float32Array, { first, key0, key1, threshold, keep }: DropoutDraw,
  subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let i = 0; i < x.length; i++) {
    y[i] = draw(first + i, key0, key1) < threshold ? f(f(x[i]) / keep) : 0;
  }
}
