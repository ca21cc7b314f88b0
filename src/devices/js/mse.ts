import type { SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/** PuzzleLib's MSE error: sum((pred - target)^2) / (2 * size), summed from +0 in element order. */
export function mseError(pred: Float32Array, target: Float32Array, subnormals: SubnormalMode = "keep"): number {
  const f = rounding(subnormals);
  const size = f(pred.length);
  let acc = 0;
  for (let i = 0; i < pred.length; i++) {
    const diff = f(f(pred[i]) - f(target[i]));
    acc = f(acc + f(diff * diff));
  }
  return f(acc / f(size + size));
}
