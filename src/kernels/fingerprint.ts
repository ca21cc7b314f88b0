/**
 * The fingerprint of an array's float32 bits, computed where the array is: each chunk
 * of FINGERPRINT_CHUNK elements is hashed on the device (two 32-bit lanes: lowbias32
 * chained over the elements, see random.ts's mix32, and FNV-1a over 32-bit words), the
 * chunks' hashes come back as 16-bit halves (four floats a chunk: exact on every device)
 * and are combined here, in chunk order, with the element count, into 64 bits. NaN is
 * hashed as 0x7fc00000 whatever its payload (devices need not keep payloads); every other
 * value by its bits, so -0 and +0 differ. Written for the devices in
 * src/devices/js/fingerprint.ts (the reference), assembly/fingerprint.ts and
 * glsl/fingerprint.glsl. Not cryptographic: equal fingerprints mean equal bits with
 * overwhelming probability for arrays that were not made to collide.
 */
import { mix32 } from "./random.js";

export const FINGERPRINT_CHUNK = 1024;
/** The lanes' starting values (digits of pi). */
export const LANE_SEEDS = [0x243f6a88, 0x85a308d3] as const;
/** FNV-1a's 32-bit prime. */
export const FNV_PRIME = 0x01000193;

/** Floats the device writes for an array of `size` elements: four per chunk. */
export const fingerprintFloats = (size: number) => 4 * Math.ceil(size / FINGERPRINT_CHUNK);

/** The 64-bit fingerprint, as 16 hex digits, of an array of `size` elements from its chunks' halves. */
export function combineFingerprint(chunks: ArrayLike<number>, size: number): string {
  let h1 = mix32((size ^ 0x9e3779b9) >>> 0);
  let h2 = mix32((h1 + 1) >>> 0);
  for (let c = 0; c < chunks.length; c += 4) {
    h1 = mix32((h1 ^ (chunks[c] | (chunks[c + 1] << 16))) >>> 0);
    h2 = mix32((h2 + ((chunks[c + 2] | (chunks[c + 3] << 16)) >>> 0)) >>> 0);
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
