import type { SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/** grad = (pred - target) / size; returns sum((pred - target)^2) / (2 * size), summed from +0 in order. */
export function mse(pred: Float32Array, target: Float32Array, grad: Float32Array, subnormals: SubnormalMode = "keep"): number {
  const f = rounding(subnormals);
  const size = f(pred.length);
  let acc = 0;
  for (let i = 0; i < pred.length; i++) {
    const diff = f(f(pred[i]) - f(target[i]));
    acc = f(acc + f(diff * diff));
    grad[i] = f(diff / size);
  }
  return f(acc / f(size + size));
}
