import { fl, fload, fadd, fmul, vload, vadd, vmul } from "./subnormals";

/** y[i] = y[i] + scale * x[i] (a hook's gradient term, such as weight decay). */
export function addScaled(x: usize, y: usize, n: i32, scale: f32): void {
  body(x, y, n, scale, false);
}

/** addScaled under subnormals "flush". */
export function addScaledFlush(x: usize, y: usize, n: i32, scale: f32): void {
  body(x, y, n, scale, true);
}

@inline function body(x: usize, y: usize, n: i32, scale: f32, flush: bool): void {
  scale = fl(scale, flush);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(scale);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, vadd(vload(y + o, flush), vmul(vs, vload(x + o, flush), flush), flush));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, fadd(fload(y + o, flush), fmul(scale, fload(x + o, flush), flush), flush));
  }
}
