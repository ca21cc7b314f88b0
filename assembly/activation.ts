/**
 * Activations and their gradients. exp and tanh are not IEEE basic operations, so
 * each device would round them its own way; instead every device evaluates the same
 * float32 formulas below (range reduction and a polynomial, one rounding per
 * operation), which is what keeps tanh and sigmoid bit-identical across devices.
 * The formulas are documented in src/devices/js/activation.ts, the reference.
 */
import { fload, fadd, fsub, fmul, fdiv, vload, vsub, vmul } from "./subnormals";

export const RELU = 0;
export const TANH = 1;
export const SIGMOID = 2;

const LOG2E: f32 = 1.4426950408889634;
// ln 2 split so that n * LN2_HI is exact for |n| < 2^8.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;

/** e^x for x clamped to [-87, 88]: the result is then a normal float32. x is flushed already. */
@inline function expf(x: f32, flush: bool): f32 {
  if (isNaN(x)) return x; // the float-to-int conversion below would trap on NaN
  x = min<f32>(max<f32>(x, -87), 88);
  const n = Mathf.floor(fadd(fmul(x, LOG2E, flush), 0.5, flush));
  const r = fsub(fsub(x, fmul(n, LN2_HI, flush), flush), fmul(n, LN2_LO, flush), flush);
  let p: f32 = 1.0 / 5040.0;
  p = fadd(1.0 / 720.0, fmul(r, p, flush), flush);
  p = fadd(1.0 / 120.0, fmul(r, p, flush), flush);
  p = fadd(1.0 / 24.0, fmul(r, p, flush), flush);
  p = fadd(1.0 / 6.0, fmul(r, p, flush), flush);
  p = fadd(0.5, fmul(r, p, flush), flush);
  p = fadd(1, fmul(r, p, flush), flush);
  p = fadd(1, fmul(r, p, flush), flush);
  return fmul(p, reinterpret<f32>((<i32>n + 127) << 23), flush);
}

@inline function tanhf(x: f32, flush: bool): f32 {
  const ax = Mathf.abs(x);
  if (ax < 0.25) {
    // Taylor series: near 0 the exp form below would cancel.
    const s = fmul(x, x, flush);
    let q: f32 = -1382.0 / 155925.0;
    q = fadd(62.0 / 2835.0, fmul(s, q, flush), flush);
    q = fadd(-17.0 / 315.0, fmul(s, q, flush), flush);
    q = fadd(2.0 / 15.0, fmul(s, q, flush), flush);
    q = fadd(-1.0 / 3.0, fmul(s, q, flush), flush);
    return fadd(x, fmul(fmul(x, s, flush), q, flush), flush);
  }
  const t: f32 = fsub(1, fdiv(2, fadd(expf(fadd(ax, ax, flush), flush), 1, flush), flush), flush);
  return x < 0 ? -t : t;
}

@inline function sigmoidf(x: f32, flush: bool): f32 {
  return fdiv(1, fadd(1, expf(-x, flush), flush), flush);
}

/** y = f(x) elementwise. */
export function activationForward(kind: i32, x: usize, y: usize, n: i32): void {
  forward(kind, x, y, n, false);
}

/** activationForward under subnormals "flush". */
export function activationForwardFlush(kind: i32, x: usize, y: usize, n: i32): void {
  forward(kind, x, y, n, true);
}

@inline function forward(kind: i32, x: usize, y: usize, n: i32, flush: bool): void {
  let i = 0;
  if (kind == RELU) {
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const v = vload(x + o, flush);
        // x > 0 ? x : +0, exactly as the scalar path (f32x4.max would differ on NaN).
        v128.store(y + o, v128.bitselect(v, zero, f32x4.gt(v, zero)));
      }
    }
    for (; i < n; i++) {
      const v = fload(x + (<usize>i << 2), flush);
      store<f32>(y + (<usize>i << 2), v > 0 ? v : 0);
    }
  } else if (kind == TANH) {
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), tanhf(fload(x + (<usize>i << 2), flush), flush));
  } else {
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), sigmoidf(fload(x + (<usize>i << 2), flush), flush));
  }
}

/** dx = dy * f'(x), with f' written in terms of the forward output y. */
export function activationBackward(kind: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  backward(kind, y, dy, dx, n, false);
}

/** activationBackward under subnormals "flush". */
export function activationBackwardFlush(kind: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  backward(kind, y, dy, dx, n, true);
}

@inline function backward(kind: i32, y: usize, dy: usize, dx: usize, n: i32, flush: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const yv = vload(y + o, flush);
      const g = vload(dy + o, flush);
      let r: v128;
      if (kind == RELU) r = v128.bitselect(g, zero, f32x4.gt(yv, zero));
      else if (kind == TANH) r = vmul(g, vsub(one, vmul(yv, yv, flush), flush), flush);
      else r = vmul(vmul(g, yv, flush), vsub(one, yv, flush), flush);
      v128.store(dx + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yv = fload(y + o, flush);
    const g = fload(dy + o, flush);
    let r: f32;
    if (kind == RELU) r = yv > 0 ? g : 0;
    else if (kind == TANH) r = fmul(g, fsub(1, fmul(yv, yv, flush), flush), flush);
    else r = fmul(fmul(g, yv, flush), fsub(1, yv, flush), flush);
    store<f32>(dx + o, r);
  }
}
