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
          const av = f32x4.splat(load<f32>(a + ((<usize>(i * aRow + p * aCol)) << 2)));
          const base = b + ((<usize>(p * bRow + j)) << 2);
          acc0 = f32x4.add(acc0, f32x4.mul(av, v128.load(base)));
          acc1 = f32x4.add(acc1, f32x4.mul(av, v128.load(base, 16)));
          acc2 = f32x4.add(acc2, f32x4.mul(av, v128.load(base, 32)));
          acc3 = f32x4.add(acc3, f32x4.mul(av, v128.load(base, 48)));
        }
        const o = row + (<usize>j << 2);
        if (bias) {
          const bb = bias + (<usize>j << 2);
          acc0 = f32x4.add(acc0, v128.load(bb));
          acc1 = f32x4.add(acc1, v128.load(bb, 16));
          acc2 = f32x4.add(acc2, v128.load(bb, 32));
          acc3 = f32x4.add(acc3, v128.load(bb, 48));
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
          const av = f32x4.splat(load<f32>(a + ((<usize>(i * aRow + p * aCol)) << 2)));
          const base = b + ((<usize>(p * bRow + j * bCol)) << 2);
          let bv: v128;
          if (bCol == 1) {
            bv = v128.load(base);
          } else {
            // op(B) is transposed here: gather the four strided elements.
            const step = <usize>bCol << 2;
            bv = f32x4.splat(load<f32>(base));
            bv = f32x4.replace_lane(bv, 1, load<f32>(base + step));
            bv = f32x4.replace_lane(bv, 2, load<f32>(base + 2 * step));
            bv = f32x4.replace_lane(bv, 3, load<f32>(base + 3 * step));
          }
          acc = f32x4.add(acc, f32x4.mul(av, bv));
        }
        if (bias) acc = f32x4.add(acc, v128.load(bias + (<usize>j << 2)));
        v128.store(row + (<usize>j << 2), acc);
      }
    }
    for (; j < n; j++) {
      let acc: f32 = 0;
      for (let p = 0; p < k; p++) {
        acc += load<f32>(a + ((<usize>(i * aRow + p * aCol)) << 2)) *
               load<f32>(b + ((<usize>(p * bRow + j * bCol)) << 2));
      }
      if (bias) acc += load<f32>(bias + (<usize>j << 2));
      store<f32>(row + (<usize>j << 2), acc);
    }
  }
}
