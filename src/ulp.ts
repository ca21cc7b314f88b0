import { float32Bits } from "./kernels/vocabulary.js";

/** Distance in float32 units in the last place (0 for equal values, including two NaNs; +0 and -0 are 0 apart). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const key = (x: number) => {
    const bits = float32Bits(x);
    return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits; // monotonic in x
  };
  return Math.abs(key(a) - key(b));
}
