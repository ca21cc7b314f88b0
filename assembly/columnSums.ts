import { fload, fadd, vload, vadd } from "./vocabulary";

/**
 * out[j] = sum over i of a[i*cols + j], summed from +0 in row order (the bias
 * gradient). SIMD runs across columns, which keeps that order per column.
 */
export function columnSums(a: usize, out: usize, rows: i32, cols: i32): void {
  body(a, out, rows, cols, false);
}

/** columnSums under subnormals "flush". */
export function columnSumsFlush(a: usize, out: usize, rows: i32, cols: i32): void {
  body(a, out, rows, cols, true);
}

@inline function body(a: usize, out: usize, rows: i32, cols: i32, flush: bool): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= cols; j += 4) {
      let acc = f32x4.splat(0);
      for (let i = 0; i < rows; i++) {
        acc = vadd(acc, vload(a + ((<usize>(i * cols + j)) << 2), flush), flush);
      }
      v128.store(out + (<usize>j << 2), acc);
    }
  }
  for (; j < cols; j++) {
    let acc: f32 = 0;
    for (let i = 0; i < rows; i++) acc = fadd(acc, fload(a + ((<usize>(i * cols + j)) << 2), flush), flush);
    store<f32>(out + (<usize>j << 2), acc);
  }
}
