/**
 * Activations and their gradients. exp and tanh are not IEEE basic operations, so
 * each device would round them its own way; instead every device evaluates the same
 * float32 formulas below (range reduction and a polynomial, one rounding per
 * operation), which is what keeps tanh and sigmoid bit-identical across devices.
 * The formulas are documented in src/devices/js/activation.ts, the reference.
 */

export const RELU = 0;
export const TANH = 1;
export const SIGMOID = 2;

const LOG2E: f32 = 1.4426950408889634;
// ln 2 split so that n * LN2_HI is exact for |n| < 2^8.
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;

/** e^x for x clamped to [-87, 88]: the result is then a normal float32. */
function expf(x: f32): f32 {
  if (isNaN(x)) return x; // the float-to-int conversion below would trap on NaN
  x = min<f32>(max<f32>(x, -87), 88);
  const n = Mathf.floor(x * LOG2E + 0.5);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  let p: f32 = 1.0 / 5040.0;
  p = (1.0 / 720.0) + r * p;
  p = (1.0 / 120.0) + r * p;
  p = (1.0 / 24.0) + r * p;
  p = (1.0 / 6.0) + r * p;
  p = 0.5 + r * p;
  p = 1 + r * p;
  p = 1 + r * p;
  return p * reinterpret<f32>((<i32>n + 127) << 23);
}

function tanhf(x: f32): f32 {
  const ax = Mathf.abs(x);
  if (ax < 0.25) {
    // Taylor series: near 0 the exp form below would cancel.
    const s = x * x;
    let q: f32 = -1382.0 / 155925.0;
    q = (62.0 / 2835.0) + s * q;
    q = (-17.0 / 315.0) + s * q;
    q = (2.0 / 15.0) + s * q;
    q = (-1.0 / 3.0) + s * q;
    return x + (x * s) * q;
  }
  const t: f32 = 1 - 2 / (expf(ax + ax) + 1);
  return x < 0 ? -t : t;
}

function sigmoidf(x: f32): f32 {
  return 1 / (1 + expf(-x));
}

/** y = f(x) elementwise. */
export function activationForward(kind: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (kind == RELU) {
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const v = v128.load(x + o);
        // x > 0 ? x : +0, exactly as the scalar path (f32x4.max would differ on NaN).
        v128.store(y + o, v128.bitselect(v, zero, f32x4.gt(v, zero)));
      }
    }
    for (; i < n; i++) {
      const v = load<f32>(x + (<usize>i << 2));
      store<f32>(y + (<usize>i << 2), v > 0 ? v : 0);
    }
  } else if (kind == TANH) {
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), tanhf(load<f32>(x + (<usize>i << 2))));
  } else {
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), sigmoidf(load<f32>(x + (<usize>i << 2))));
  }
}

/** dx = dy * f'(x), with f' written in terms of the forward output y. */
export function activationBackward(kind: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const yv = v128.load(y + o);
      const g = v128.load(dy + o);
      let r: v128;
      if (kind == RELU) r = v128.bitselect(g, zero, f32x4.gt(yv, zero));
      else if (kind == TANH) r = f32x4.mul(g, f32x4.sub(one, f32x4.mul(yv, yv)));
      else r = f32x4.mul(f32x4.mul(g, yv), f32x4.sub(one, yv));
      v128.store(dx + o, r);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yv = load<f32>(y + o);
    const g = load<f32>(dy + o);
    let r: f32;
    if (kind == RELU) r = yv > 0 ? g : 0;
    else if (kind == TANH) r = g * (1 - yv * yv);
    else r = (g * yv) * (1 - yv);
    store<f32>(dx + o, r);
  }
}
