import type { SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/** out[j] = a[0][j] + a[1][j] + ..., from +0 in row order. */
export function columnSums(a: Float32Array, out: Float32Array, rows: number, cols: number,
  subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  for (let j = 0; j < cols; j++) {
    let acc = 0;
    for (let i = 0; i < rows; i++) acc = f(acc + f(a[i * cols + j]));
    out[j] = acc;
  }
}
