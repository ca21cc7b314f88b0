// Float32 operations under a subnormal rule. In init({ subnormals: "flush" }) mode
// every operation treats subnormal operands as zero and flushes a subnormal result to a
// zero of its sign (see src/devices/js/rounding.ts). Values loaded from memory are
// flushed by the loads below, and every result by its operation, so operands are
// always flushed already. Every kernel takes `flush` as its last argument and is
// written once as an @inline body that its export calls with a constant true or
// false: each mode compiles to its own loop, and "keep" pays nothing.

/** x, or a zero of its sign where flush is set and x is subnormal. */
@inline export function fl(x: f32, flush: bool): f32 {
  const bits = reinterpret<u32>(x);
  return flush && (bits & 0x7f800000) == 0 ? reinterpret<f32>(bits & 0x80000000) : x;
}

@inline export function fload(p: usize, flush: bool): f32 { return fl(load<f32>(p), flush); }
@inline export function fadd(a: f32, b: f32, flush: bool): f32 { return fl(a + b, flush); }
@inline export function fsub(a: f32, b: f32, flush: bool): f32 { return fl(a - b, flush); }
@inline export function fmul(a: f32, b: f32, flush: bool): f32 { return fl(a * b, flush); }
@inline export function fdiv(a: f32, b: f32, flush: bool): f32 { return fl(a / b, flush); }
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
@inline export function vmul(a: v128, b: v128, flush: bool): v128 { return flv(f32x4.mul(a, b), flush); }
@inline export function vdiv(a: v128, b: v128, flush: bool): v128 { return flv(f32x4.div(a, b), flush); }
@inline export function vsqrt(a: v128, flush: bool): v128 { return flv(f32x4.sqrt(a), flush); }
