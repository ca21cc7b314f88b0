import type { MatmulShape, SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/** out = op(A)·op(B) (+ bias), each output summed from +0 in order p = 0..k-1, bias last. */
export function matmul(a: Float32Array, b: Float32Array, out: Float32Array, bias: Float32Array | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape, subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  if (bCol === 1) {
    // Rows of B are contiguous: loop over p outside j, accumulating in the float32 output
    // row. Each output still adds p = 0, 1, ... in order.
    for (let i = 0; i < m; i++) {
      const row = out.subarray(i * n, i * n + n);
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = f(a[i * aRow + p * aCol]);
        const base = p * bRow;
        for (let j = 0; j < n; j++) row[j] = f(row[j] + f(av * f(b[base + j])));
      }
      if (bias) for (let j = 0; j < n; j++) row[j] = f(row[j] + f(bias[j]));
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = f(acc + f(f(a[i * aRow + p * aCol]) * f(b[p * bRow + j * bCol])));
      if (bias) acc = f(acc + f(bias[j]));
      out[i * n + j] = acc;
    }
  }
}
