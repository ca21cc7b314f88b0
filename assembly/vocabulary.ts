// The strict vocabulary in AssemblyScript: what src/kernels/render/assemblyscript.ts
// writes each operation of a kernel definition as, and what the hand-written kernels
// (matmul, the reductions) are written in.
//
// Float32 operations under a subnormal rule. In init({ subnormals: "flush" }) mode
// every operation treats subnormal operands as zero and flushes a subnormal result to a
// zero of its sign (see src/devices/js/rounding.ts). Values loaded from memory are
// flushed by the loads below, and every result by its operation, so operands are
// always flushed already. A result counts as subnormal when, rounded to 24 bits with no
// lower limit on the exponent, it is below 2^-126 (IEEE's tininess after rounding, as
// x86's flush-to-zero judges). That differs from the f32 result only where the f32
// result is +-2^-126, and is checked there in f64. Every kernel is written once as an
// @inline body taking `flush`, which two exports call with a constant false and true:
// each mode compiles to its own loop, and "keep" pays nothing. (One export choosing
// between the two calls by an argument does not do: the optimizer merges the copies
// back into one loop that tests the argument.)

const MIN_NORMAL_F32: f32 = 1.1754943508222875e-38;

/** x, or a zero of its sign where flush is set and x is subnormal. */
@inline export function fl(x: f32, flush: bool): f32 {
  const bits = reinterpret<u32>(x);
  return flush && (bits & 0x7f800000) == 0 ? reinterpret<f32>(bits & 0x80000000) : x;
}

@inline export function fload(p: usize, flush: bool): f32 { return fl(load<f32>(p), flush); }
@inline export function fadd(a: f32, b: f32, flush: bool): f32 { return fl(a + b, flush); }
@inline export function fsub(a: f32, b: f32, flush: bool): f32 { return fl(a - b, flush); }
@inline export function fmul(a: f32, b: f32, flush: bool): f32 {
  const r = a * b;
  return flush && abs(r) == MIN_NORMAL_F32 ? (tiny(<f64>a * <f64>b) ? r * 0 : r) : fl(r, flush);
}
@inline export function fdiv(a: f32, b: f32, flush: bool): f32 {
  const r = a / b;
  return flush && abs(r) == MIN_NORMAL_F32 ? (tiny(<f64>a / <f64>b) ? r * 0 : r) : fl(r, flush);
}

/** Whether x, rounded to 24 bits with no lower exponent limit (f32 after an exact scaling by 2^64), is below 2^-126. */
@inline function tiny(x: f64): bool {
  return abs<f32>(<f32>(x * 18446744073709551616.0)) < <f32>5.421010862427522e-20;
}
@inline export function fsqrt(a: f32, flush: bool): f32 { return fl(Mathf.sqrt(a), flush); }

/** fl on four lanes. */
@inline export function flv(x: v128, flush: bool): v128 {
  if (!flush) return x;
  const subnormal = i32x4.eq(v128.and(x, i32x4.splat(0x7f800000)), i32x4.splat(0));
  return v128.bitselect(v128.and(x, i32x4.splat(0x80000000)), x, subnormal);
}

@inline export function vload(p: usize, flush: bool): v128 { return flv(v128.load(p), flush); }
@inline export function vadd(a: v128, b: v128, flush: bool): v128 { return flv(f32x4.add(a, b), flush); }
@inline export function vsub(a: v128, b: v128, flush: bool): v128 { return flv(f32x4.sub(a, b), flush); }
@inline export function vmul(a: v128, b: v128, flush: bool): v128 {
  const r = f32x4.mul(a, b);
  if (!flush) return r;
  if (!atMinNormal(r)) return flv(r, true);
  const low = f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const high = f64x2.mul(f64x2.promote_low_f32x4(high2(a)), f64x2.promote_low_f32x4(high2(b)));
  return tinyToZero(r, a, b, low, high);
}
@inline export function vdiv(a: v128, b: v128, flush: bool): v128 {
  const r = f32x4.div(a, b);
  if (!flush) return r;
  if (!atMinNormal(r)) return flv(r, true);
  const low = f64x2.div(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const high = f64x2.div(f64x2.promote_low_f32x4(high2(a)), f64x2.promote_low_f32x4(high2(b)));
  return tinyToZero(r, a, b, low, high);
}

/**
 * Whether a lane of a rounded product or quotient is +-2^-126, the one result where
 * the rounded value cannot tell whether the exact one was below 2^-126 (elsewhere a
 * subnormal or zero result means it was, and anything larger that it was not).
 */
@inline function atMinNormal(r: v128): bool {
  return v128.any_true(i32x4.eq(v128.and(r, i32x4.splat(0x7fffffff)), i32x4.splat(0x00800000)));
}

/** Lanes 2 and 3 of x moved to lanes 0 and 1. */
@inline function high2(x: v128): v128 { return v128.shuffle<f32>(x, x, 2, 3, 0, 1); }

/**
 * r with a zero of sign(a) xor sign(b) in the lanes whose exact value (low: lanes 0-1,
 * high: 2-3, in f64) is tiny as above, r itself flushed in the others.
 */
@inline function tinyToZero(r: v128, a: v128, b: v128, low: v128, high: v128): v128 {
  const scale = f64x2.splat(18446744073709551616.0);
  const scaled = v128.shuffle<f32>(f32x4.demote_f64x2_zero(f64x2.mul(low, scale)),
    f32x4.demote_f64x2_zero(f64x2.mul(high, scale)), 0, 1, 4, 5);
  const tiny = f32x4.lt(f32x4.abs(scaled), f32x4.splat(5.421010862427522e-20));
  return v128.bitselect(v128.and(v128.xor(a, b), i32x4.splat(0x80000000)), flv(r, true), tiny);
}
@inline export function vsqrt(a: v128, flush: bool): v128 { return flv(f32x4.sqrt(a), flush); }

// The exact operations (no rounding, no flushing): bit fields of floats.

/** 2^n for an integer-valued n in [-126, 127], NaN for NaN: n + (2^23 + 127) is exact, and its low bits are n + 127. */
@inline export function pow2(n: f32): f32 {
  const biased = reinterpret<i32>(n + <f32>8388735) - 0x4b000000;
  return isNaN<f32>(n) ? n : reinterpret<f32>(biased << 23);
}
@inline export function vpow2(n: v128): v128 {
  const biased = i32x4.sub(f32x4.add(n, f32x4.splat(8388735)), i32x4.splat(0x4b000000));
  return v128.bitselect(n, i32x4.shl(biased, 23), f32x4.ne(n, n));
}

/** The exponent field of x minus 127, as a float (e for a positive normal x = m * 2^e). */
@inline export function exponentOf(x: f32): f32 {
  return <f32>(<i32>((reinterpret<u32>(x) >> 23) & 0xff) - 127);
}
@inline export function vexponentOf(x: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(v128.and(x, i32x4.splat(0x7f800000)), 23), i32x4.splat(127)));
}

/** x with its sign cleared and exponent field set to 127: m in [1, 2) for x = m * 2^e. */
@inline export function significandOf(x: f32): f32 {
  return reinterpret<f32>((reinterpret<u32>(x) & 0x007fffff) | 0x3f800000);
}
@inline export function vsignificandOf(x: v128): v128 {
  return v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
}
