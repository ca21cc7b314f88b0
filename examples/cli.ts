// What the examples share: the --device argument, and a fingerprint of float32 bits.
import type { DeviceName, InitOptions } from "portable-optim";

/** `--device NAME` from the command line (Node or Deno), else the best device. */
export function deviceFromArgs(): InitOptions {
  const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
  const args = g.Deno?.args ?? g.process?.argv.slice(2) ?? [];
  const index = args.indexOf("--device");
  return index >= 0 ? { device: args[index + 1] as DeviceName } : {};
}

/** FNV-1a over the float32 bits: equal fingerprints mean (almost surely) equal bits. */
export function fingerprint(values: Float32Array): string {
  let hash = 0x811c9dc5;
  for (const byte of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
