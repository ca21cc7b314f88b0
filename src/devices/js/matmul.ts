import type { MatmulShape } from "../../device/Device.js";

const f = Math.fround;

/** out = op(A)·op(B) (+ bias), each output summed from +0 in order p = 0..k-1, bias last. */
export function matmul(a: Float32Array, b: Float32Array, out: Float32Array, bias: Float32Array | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = f(acc + f(a[i * aRow + p * aCol] * b[p * bRow + j * bCol]));
      if (bias) acc = f(acc + bias[j]);
      out[i * n + j] = acc;
    }
  }
}
