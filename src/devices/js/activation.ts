import type { ActivationKind, SubnormalMode } from "../../runtime/Device.js";
import { rounding, type Round } from "./rounding.js";

const fround = Math.fround;

const LOG2E = fround(Math.LOG2E);
// ln 2 split so that n * LN2_HI is exact for |n| < 2^8 (Cody and Waite).
const LN2_HI = fround(0.693145751953125);
const LN2_LO = fround(1.428606765330187e-6);
const EXP_COEFFS = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1].map(fround);
const TANH_COEFFS = [-1382 / 155925, 62 / 2835, -17 / 315, 2 / 15, -1 / 3].map(fround);

/**
 * e^x in float32, the same formula on every device (exp is not an IEEE basic
 * operation, so a library exp would differ between devices): clamp x to [-87, 88],
 * n = floor(x*log2(e) + 0.5), r = (x - n*LN2_HI) - n*LN2_LO, p = the degree-7 Taylor
 * polynomial of e^r by Horner's rule, result p * 2^n (exact: a power-of-two scale of
 * a normal float32). Every operation is rounded to float32.
 */
export function expf(x: number, subnormals: SubnormalMode = "keep"): number {
  return exp(x, rounding(subnormals));
}

function exp(x: number, f: Round): number {
  x = Math.min(Math.max(f(x), -87), 88);
  const n = Math.floor(f(f(x * LOG2E) + 0.5));
  const r = f(f(x - f(n * LN2_HI)) - f(n * LN2_LO));
  let p = EXP_COEFFS[0];
  for (let i = 1; i < EXP_COEFFS.length; i++) p = f(EXP_COEFFS[i] + f(r * p));
  return f(p * 2 ** n);
}

/**
 * tanh in float32: for |x| < 0.25 the odd Taylor series to x^11 (the form below
 * would cancel there), else sign(x) * (1 - 2 / (e^(2|x|) + 1)).
 */
export function tanhf(x: number, subnormals: SubnormalMode = "keep"): number {
  return tanh(x, rounding(subnormals));
}

function tanh(x: number, f: Round): number {
  x = f(x);
  const ax = Math.abs(x);
  if (ax < 0.25) {
    const s = f(x * x);
    let q = TANH_COEFFS[0];
    for (let i = 1; i < TANH_COEFFS.length; i++) q = f(TANH_COEFFS[i] + f(s * q));
    return f(x + f(f(x * s) * q));
  }
  const t = f(1 - f(2 / f(exp(f(ax + ax), f) + 1)));
  return x < 0 ? -t : t;
}

/**
 * sigmoid(x) = 1 / (1 + e^-x) in float32. Below x = -87 the clamp in expf makes the
 * result about 6e-39 instead of a smaller subnormal: an absolute error under 2^-126.
 */
export function sigmoidf(x: number, subnormals: SubnormalMode = "keep"): number {
  return sigmoid(x, rounding(subnormals));
}

function sigmoid(x: number, f: Round): number {
  return f(1 / f(1 + exp(-f(x), f)));
}

export function activationForward(kind: ActivationKind, x: Float32Array, y: Float32Array,
  subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  const fn = kind === "relu" ? (v: number) => (f(v) > 0 ? f(v) : 0) : kind === "tanh" ? tanh : sigmoid;
  for (let i = 0; i < x.length; i++) y[i] = fn(x[i], f);
}

/** dx = dy * f'(x), with f' written in terms of the forward output y. */
export function activationBackward(kind: ActivationKind, y: Float32Array, dy: Float32Array, dx: Float32Array,
  subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  for (let i = 0; i < y.length; i++) {
    const yv = f(y[i]);
    const g = f(dy[i]);
    if (kind === "relu") dx[i] = yv > 0 ? g : 0;
    else if (kind === "tanh") dx[i] = f(g * f(1 - f(yv * yv)));
    else dx[i] = f(f(g * yv) * f(1 - yv));
  }
}
