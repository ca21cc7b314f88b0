import type { SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/** y = y + scale * x, one rounding per operation. */
export function addScaled(x: Float32Array, y: Float32Array, scale: number, subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  const s = f(scale);
  for (let i = 0; i < x.length; i++) y[i] = f(f(y[i]) + f(s * f(x[i])));
}
