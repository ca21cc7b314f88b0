import { flv, fload, fadd, fmul, vload, vadd, vmul } from "./subnormals";

/**
 * out[m×n] = op(A)[m×k] · op(B)[k×n] (+ bias[n]), with element (i, p) of op(A) at
 * a[i*aRow + p*aCol] and element (p, j) of op(B) at b[p*bRow + j*bCol] (strides in
 * elements), so one kernel serves y = xW + b, dW = xᵀ·dy and dx = dy·Wᵀ.
 *
 * Every out[i][j] is summed in one fixed order on every device: start at +0, add the
 * rounded products for p = 0, 1, ..., k-1, then add the bias. SIMD runs across j
 * (four outputs at once), which keeps that order per output.
 */
export function matmul(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32
): void {
  body(a, b, out, bias, m, k, n, aRow, aCol, bRow, bCol, false);
}

/** matmul under subnormals "flush". */
export function matmulFlush(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32
): void {
  body(a, b, out, bias, m, k, n, aRow, aCol, bRow, bCol, true);
}

@inline function body(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, flush: bool
): void {
  for (let i = 0; i < m; i++) {
    const row = out + ((<usize>i * <usize>n) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD && bCol == 1) {
      // Sixteen outputs at a time, in four registers: each row of B is read 64 bytes at
      // a time (a cache line) instead of 16.
      for (; j + 16 <= n; j += 16) {
        let acc0 = f32x4.splat(0);
        let acc1 = f32x4.splat(0);
        let acc2 = f32x4.splat(0);
        let acc3 = f32x4.splat(0);
        for (let p = 0; p < k; p++) {
          const av = f32x4.splat(fload(a + ((<usize>(i * aRow + p * aCol)) << 2), flush));
          const base = b + ((<usize>(p * bRow + j)) << 2);
          acc0 = vadd(acc0, vmul(av, vload(base, flush), flush), flush);
          acc1 = vadd(acc1, vmul(av, vload(base + 16, flush), flush), flush);
          acc2 = vadd(acc2, vmul(av, vload(base + 32, flush), flush), flush);
          acc3 = vadd(acc3, vmul(av, vload(base + 48, flush), flush), flush);
        }
        const o = row + (<usize>j << 2);
        if (bias) {
          const bb = bias + (<usize>j << 2);
          acc0 = vadd(acc0, vload(bb, flush), flush);
          acc1 = vadd(acc1, vload(bb + 16, flush), flush);
          acc2 = vadd(acc2, vload(bb + 32, flush), flush);
          acc3 = vadd(acc3, vload(bb + 48, flush), flush);
        }
        v128.store(o, acc0);
        v128.store(o, acc1, 16);
        v128.store(o, acc2, 32);
        v128.store(o, acc3, 48);
      }
    }
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        let acc = f32x4.splat(0);
        for (let p = 0; p < k; p++) {
          const av = f32x4.splat(fload(a + ((<usize>(i * aRow + p * aCol)) << 2), flush));
          const base = b + ((<usize>(p * bRow + j * bCol)) << 2);
          let bv: v128;
          if (bCol == 1) {
            bv = vload(base, flush);
          } else {
            // op(B) is transposed here: gather the four strided elements.
            const step = <usize>bCol << 2;
            bv = f32x4.splat(load<f32>(base));
            bv = f32x4.replace_lane(bv, 1, load<f32>(base + step));
            bv = f32x4.replace_lane(bv, 2, load<f32>(base + 2 * step));
            bv = flv(f32x4.replace_lane(bv, 3, load<f32>(base + 3 * step)), flush);
          }
          acc = vadd(acc, vmul(av, bv, flush), flush);
        }
        if (bias) acc = vadd(acc, vload(bias + (<usize>j << 2), flush), flush);
        v128.store(row + (<usize>j << 2), acc);
      }
    }
    for (; j < n; j++) {
      let acc: f32 = 0;
      for (let p = 0; p < k; p++) {
        acc = fadd(acc, fmul(fload(a + ((<usize>(i * aRow + p * aCol)) << 2), flush),
          fload(b + ((<usize>(p * bRow + j * bCol)) << 2), flush), flush), flush);
      }
      if (bias) acc = fadd(acc, fload(bias + (<usize>j << 2), flush), flush);
      store<f32>(row + (<usize>j << 2), acc);
    }
  }
}
