import type { SubnormalMode } from "../../device/Device.js";

/** One float32 operation's rounding: what every reference kernel wraps each operation and each input in. */
export type Round = (x: number) => number;

const MIN_NORMAL = 2 ** -126;

/**
 * The rounding of `mode`: "keep" is IEEE float32 (Math.fround); "flush" gives a zero of
 * x's sign where x, the exact result (as GPUs judge it: before rounding), is below
 * 2^-126 in magnitude, so a product just below 2^-126 that would round up to it is
 * flushed too. Applied to every input value as well, it makes each operation treat
 * subnormal operands as zero. x is exact for + - * of float32 operands; a float32
 * quotient is never close enough to 2^-126 for its double rounding to matter.
 */
export function rounding(mode: SubnormalMode = "keep"): Round {
  return mode === "flush" ? flushRound : Math.fround;
}

function flushRound(x: number): number {
  return Math.abs(x) < MIN_NORMAL ? x * 0 : Math.fround(x);
}
