// Each chunk's two hash lanes of an array's bits, as src/kernels/fingerprint.ts defines them
// (the js reference is src/devices/js/fingerprint.ts): four floats per chunk.
import { mix32 } from "./hash";

/** Chunks [first, last) of the n elements at a (chunk elements each), into out (4 floats per chunk, from chunk 0). */
export function fingerprint(a: usize, n: i32, chunk: i32, first: i32, last: i32, out: usize): void {
  for (let c = first; c < last; c++) {
    let h1: u32 = 0x243f6a88;
    let h2: u32 = 0x85a308d3;
    const end = min(n, (c + 1) * chunk);
    for (let i = c * chunk; i < end; i++) {
      let b = load<u32>(a + (<usize>i << 2));
      if ((b & 0x7fffffff) > 0x7f800000) b = 0x7fc00000;
      h1 = mix32(h1 ^ b);
      h2 = (h2 ^ b) * 0x01000193;
    }
    const o = out + (<usize>c << 4);
    store<f32>(o, <f32>(h1 & 0xffff));
    store<f32>(o + 4, <f32>(h1 >> 16));
    store<f32>(o + 8, <f32>(h2 & 0xffff));
    store<f32>(o + 12, <f32>(h2 >> 16));
  }
}
