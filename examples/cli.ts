// What the examples share: the --device argument, and a fingerprint of float32 bits.
import type { DeviceName, InitOptions } from "portable-optim";

/** The value after `--name` on the command line (Node or Deno), or undefined. */
export function argument(name: string): string | undefined {
  const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
  const args = g.Deno?.args ?? g.process?.argv.slice(2) ?? [];
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

/** `--device NAME` and `--threads N` from the command line, else the best device and its default threads. */
export function deviceFromArgs(): InitOptions {
  const device = argument("device");
  const threads = argument("threads");
  return { ...(device ? { device: device as DeviceName } : {}), ...(threads ? { threads: Number(threads) } : {}) };
}

/** FNV-1a over the float32 bits of every array in turn: equal fingerprints mean (almost surely) equal bits. */
export function fingerprint(...arrays: Float32Array[]): string {
  let hash = 0x811c9dc5;
  for (const values of arrays) {
    for (const byte of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
  }
  return hash.toString(16).padStart(8, "0");
}
