import { mix32 } from "../../kernels/random.js";
import { FINGERPRINT_CHUNK, FNV_PRIME, LANE_SEEDS } from "../../kernels/fingerprint.js";

/** Each chunk's two lanes (see src/kernels/fingerprint.ts) as 16-bit halves: out[4c .. 4c + 3]. */
export function fingerprint(a: Float32Array, out: Float32Array): void {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let start = 0, c = 0; start < a.length; start += FINGERPRINT_CHUNK, c += 4) {
    let [h1, h2] = LANE_SEEDS as readonly number[];
    for (let i = start; i < Math.min(a.length, start + FINGERPRINT_CHUNK); i++) {
      const b = (bits[i] & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : bits[i];
      h1 = mix32((h1 ^ b) >>> 0);
      h2 = Math.imul(h2 ^ b, FNV_PRIME) >>> 0;
    }
    out.set([h1 & 0xffff, h1 >>> 16, h2 & 0xffff, h2 >>> 16], c);
  }
}
