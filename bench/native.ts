// The native C reference of the matrix-product benchmark (bench/native/matmul.c): compiled
// here with the system's C compiler, -O3, 128-bit vectors (the compiler's baseline target:
// SSE2 on x86-64, NEON on arm64), no fused multiply-add, so that it sums every output in
// the order the devices do.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The compiled reference's path, or why there is none. */
export function compileNative(): { binary: string } | { skipped: string } {
  const source = new URL("native/matmul.c", import.meta.url).pathname;
  const binary = join(mkdtempSync(join(tmpdir(), "portable-optim-native-")), "matmul");
  for (const cc of [process.env.CC, "cc", "gcc", "clang"].filter((c): c is string => !!c)) {
    try {
      execFileSync(cc, ["-O3", "-ffp-contract=off", "-o", binary, source], { stdio: "ignore" });
      return { binary };
    } catch {
      // try the next compiler
    }
  }
  return { skipped: "no C compiler (cc, gcc or clang) found: the native reference is skipped" };
}

/** GFLOP/s of the reference for out = op(A)·B, the median of `rounds` samples. */
export function nativeGflops(binary: string, [m, k, n]: [number, number, number], form: "xW" | "xTdy", rounds = 5): number {
  return Number(execFileSync(binary, [m, k, n, form, rounds].map(String), { encoding: "utf8" }).split(" ")[0]);
}
