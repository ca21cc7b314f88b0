/**
 * The counter-based generator of Dropout's masks: every draw is a hash of the element's
 * index and two 32-bit keys, so that every device computes the same mask where the
 * data is, from nothing but the index (no random state to carry or upload; a mask is
 * reproduced for the backward pass by drawing it again). The mixing function is
 * "lowbias32" from Chris Wellons' hash-prospector (its shift and multiplier constants,
 * a bijection of 32-bit integers with low bias); the counter scheme is that of Salmon
 * et al., "Parallel random numbers: as easy as 1, 2, 3" (SC 2011). Not cryptographic.
 *
 *   draw(i, key0, key1) = mix(mix(i + key0) ^ key1) >>> 8      (24 bits)
 *
 * with + modulo 2^32. Each device writes draw() in its own integer arithmetic: JavaScript
 * (here), AssemblyScript (assembly/hash.ts) and GLSL ES 3.00 uint (glsl/common.glsl).
 */

/** lowbias32: x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16 (mod 2^32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The 24-bit draw of element i (an integer below 2^32) under keys key0, key1. */
export function draw(i: number, key0: number, key1: number): number {
  return mix32(mix32((i + key0) >>> 0) ^ key1) >>> 8;
}

/**
 * The keys of one Dropout layer's draw at one step: the seed and the step mixed so that
 * neighbouring seeds and steps give unrelated masks.
 */
export function dropoutKeys(seed: number, step: number): { key0: number; key1: number } {
  const key0 = mix32((seed >>> 0) ^ 0x9e3779b9);
  return { key0, key1: mix32((key0 + mix32(step >>> 0)) >>> 0) };
}

/** The threshold of dropout probability p: elements whose draw is below it are kept (all of them for p = 0). */
export function keepThreshold(p: number): number {
  return Math.round((1 - p) * 2 ** 24);
}
