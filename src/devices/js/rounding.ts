import type { SubnormalMode } from "../../runtime/Device.js";

/** One float32 operation's rounding: what every reference kernel wraps each operation and each input in. */
export type Round = (x: number) => number;

const MIN_NORMAL = 2 ** -126;

/**
 * The rounding of `mode`: "keep" is IEEE float32 (Math.fround); "flush" gives a zero of
 * x's sign where x, the exact result, rounded to 24 significant bits as if the exponent
 * had no lower limit, is below 2^-126 in magnitude (IEEE's tininess after rounding, as
 * the flush-to-zero of x86 CPUs, and so of SwiftShader and llvmpipe, judges it). So
 * 2^-126 * (1 - 2^-24), which IEEE rounds up to 2^-126, is flushed, while a product
 * that 24 bits round to 2^-126 is not. Applied to every input value as well, it makes
 * each operation treat subnormal operands as zero. x is exact for + - * of float32
 * operands; for a quotient, rounding through 53 bits first changes nothing.
 */
export function rounding(mode: SubnormalMode = "keep"): Round {
  return mode === "flush" ? flushRound : Math.fround;
}

function flushRound(x: number): number {
  if (!(Math.abs(x) < MIN_NORMAL)) return Math.fround(x);
  // 24-bit rounding without the subnormal range: fround of x scaled up, scaled back (both exact).
  const rounded = Math.fround(x * 2 ** 100) * 2 ** -100;
  return Math.abs(rounded) < MIN_NORMAL ? x * 0 : rounded;
}

const bits = new DataView(new ArrayBuffer(4));

/** The exponent field of float32 x minus 127 (e for a positive normal x = m * 2^e): exact. */
export function exponentOf(x: number): number {
  bits.setFloat32(0, x);
  return ((bits.getUint32(0) >>> 23) & 0xff) - 127;
}

/** Float32 x with its sign cleared and its exponent field set to 127 (m in [1, 2) for x = m * 2^e): exact. */
export function significandOf(x: number): number {
  bits.setFloat32(0, x);
  bits.setUint32(0, (bits.getUint32(0) & 0x007fffff) | 0x3f800000);
  return bits.getFloat32(0);
}
