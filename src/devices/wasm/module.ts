/**
 * assembly/ is compiled to import a shared memory (so that a pool's workers can run it
 * on the same memory). Where shared memory is not available, the same module runs on an
 * ordinary memory once its import says so: this clears the "shared" bit of the memory
 * import's limits (flags 0x03 -> 0x01), the only byte that differs between the two
 * builds (matmulShare's atomic loads and stores are valid on an ordinary memory too, and run only with a pool).
 */
export function unsharedMemoryImport(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let at = 8; // magic and version
  const leb = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = out[at++];
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
    }
  };
  while (at < out.length) {
    const id = out[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      // assembly/ imports one thing, env.memory: module name, field name, kind 2, limits.
      leb(); // count
      for (let name = 0; name < 2; name++) {
        const length = leb();
        at += length;
      }
      if (out[at++] !== 2) break;
      if (out[at] === 0x03) out[at] = 0x01;
      return out;
    }
    at = end;
  }
  throw new Error("the WebAssembly module's first import is not its memory");
}
