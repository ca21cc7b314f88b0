/**
 * Float32 exp, log, tanh and sigmoid: not IEEE basic operations, so every library
 * rounds them its own way. Here each is one formula in the strict vocabulary (range
 * reduction, a polynomial, one rounding per operation), rendered into every language:
 * the same bits on every device. Constants are float32 bit patterns (the decimal in the
 * comment; test/kernels.test.ts checks each against the number it stands for).
 */
import {
  abs, add, bits, div, eq, exponent, floor, gt, isNaN, lt, mathFunction, max, min, mul, neg, pow2, select,
  significand, sub, type Expr,
} from "./vocabulary.js";

/** log2(e), rounded to float32. */
export const LOG2E = 0x3fb8aa3b; // 1.4426950216293335
/** ln 2 split so that n * LN2_HI is exact for |n| < 2^8 (Cody and Waite): 0.693145751953125 ... */
export const LN2_HI = 0x3f317200; // 0.693145751953125
/** ... and the rest, 1.428606765330187e-6. */
export const LN2_LO = 0x35bfbe8e; // 0.000001428606765330187
/** The Taylor coefficients of e^r, 1/7! down to 1/1! (and the constant 1), for Horner's rule. */
export const EXP_COEFFICIENTS = [
  0x39500d01, // 1/5040
  0x3ab60b61, // 1/720
  0x3c088889, // 1/120
  0x3d2aaaab, // 1/24
  0x3e2aaaab, // 1/6
  0x3f000000, // 1/2
  0x3f800000, // 1
  0x3f800000, // 1
];
/** The odd Taylor series of tanh from x^11 down to x^3, by their coefficients. */
export const TANH_COEFFICIENTS = [
  0xbc11371b, // -1382/155925
  0x3cb327a4, // 62/2835
  0xbd5d0dd1, // -17/315
  0x3e088889, // 2/15
  0xbeaaaaab, // -1/3
];
/** log(m) = 2 atanh(s) = s * (2 + 2/3 s^2 + 2/5 s^4 + ...): the coefficients, s^8's first. */
export const LOG_COEFFICIENTS = [
  0x3e638e39, // 2/9
  0x3e924925, // 2/7
  0x3ecccccd, // 2/5
  0x3f2aaaab, // 2/3
  0x40000000, // 2
];
const SQRT2 = 0x3fb504f3; // 1.4142135381698608
const MIN_NORMAL = 0x00800000; // 2^-126
const TWO_TO_23 = 0x4b000000; // 2^23
const INFINITY = 0x7f800000;
const NAN = 0x7fc00000;

/** Horner's rule: ((c0 * x + c1) * x + c2) ..., each step one rounded multiply and one rounded add. */
function horner(x: Expr, coefficients: readonly number[]): Expr {
  let p = bits(coefficients[0]);
  for (const c of coefficients.slice(1)) p = add(bits(c), mul(x, p));
  return p;
}

/**
 * e^x: x clamped to [-87, 88], n = floor(x*log2(e) + 0.5), r = (x - n*LN2_HI) - n*LN2_LO,
 * p = the degree-7 Taylor polynomial of e^r, result p * 2^n (exact: a power-of-two scale
 * of a normal float32, and the result is normal). NaN gives NaN.
 */
export const exp = mathFunction("exp", "e^x", 1, (x0) => {
  const x = min(max(x0, -87), 88);
  const n = floor(add(mul(x, bits(LOG2E)), 0.5));
  const r = sub(sub(x, mul(n, bits(LN2_HI))), mul(n, bits(LN2_LO)));
  return mul(horner(r, EXP_COEFFICIENTS), pow2(n));
});

/**
 * tanh(x): for |x| < 0.25 the odd Taylor series to x^11 (the other form would cancel
 * there), else sign(x) * (1 - 2 / (e^(2|x|) + 1)). Both are computed, one is chosen.
 */
export const tanh = mathFunction("tanh", "tanh(x)", 1, (x) => {
  const s = mul(x, x);
  const series = add(x, mul(mul(x, s), horner(s, TANH_COEFFICIENTS)));
  const ax = abs(x);
  const t = sub(1, div(2, add(exp(add(ax, ax)), 1)));
  return select(lt(ax, 0.25), series, select(lt(x, 0), neg(t), t));
});

/**
 * sigmoid(x) = 1 / (1 + e^-x). Below x = -87 the clamp in exp makes the result about
 * 6e-39 instead of a smaller subnormal: an absolute error under 2^-126.
 */
export const sigmoid = mathFunction("sigmoid", "1 / (1 + e^-x)", 1, (x) => div(1, add(1, exp(neg(x)))));

/**
 * log(x): x = m * 2^k with m in [sqrt(2)/2, sqrt(2)) (a subnormal x scaled by 2^23 first,
 * exactly), s = (m - 1) / (m + 1) (m - 1 is exact there), log(m) = s * p(s^2) with p the
 * series of 2 atanh(s)/s to s^8 (|s| < 0.172: the first term left out is below 2^-28 of
 * the result), result k*LN2_HI + (k*LN2_LO + log(m)). log(+-0) = -Infinity, log(+Infinity)
 * = +Infinity, NaN for x < 0 and for NaN.
 */
export const log = mathFunction("log", "the natural logarithm", 1, (x) => {
  const tiny = lt(x, bits(MIN_NORMAL));
  const scaled = select(tiny, mul(x, bits(TWO_TO_23)), x);
  const e = sub(exponent(scaled), select(tiny, 23, 0));
  const m0 = significand(scaled);
  const big = gt(m0, bits(SQRT2));
  const m = select(big, mul(m0, 0.5), m0);
  const k = select(big, add(e, 1), e);
  const s = div(sub(m, 1), add(m, 1));
  const logm = mul(s, horner(mul(s, s), LOG_COEFFICIENTS));
  const result = add(mul(k, bits(LN2_HI)), add(mul(k, bits(LN2_LO)), logm));
  const positive = select(eq(x, bits(INFINITY)), x, result);
  return select(isNaN(x), bits(NAN), select(gt(x, 0), positive, select(eq(x, 0), bits(INFINITY | 0x80000000), bits(NAN))));
});
