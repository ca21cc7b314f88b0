import type { SubnormalMode } from "../../device/Device.js";

/** One float32 operation's rounding: what every reference kernel wraps each operation and each input in. */
export type Round = (x: number) => number;

const MIN_NORMAL = 2 ** -126;

/**
 * The rounding of `mode`: "keep" is IEEE float32 (Math.fround); "flush" also flushes a
 * subnormal result to a zero of its sign. Applied to every input value as well, it
 * makes each operation treat subnormal operands as zero, as the flushing devices do.
 */
export function rounding(mode: SubnormalMode = "keep"): Round {
  return mode === "flush" ? flushRound : Math.fround;
}

function flushRound(x: number): number {
  const v = Math.fround(x);
  return v !== 0 && Math.abs(v) < MIN_NORMAL ? (v < 0 ? -0 : 0) : v;
}
