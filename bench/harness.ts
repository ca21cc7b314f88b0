import { ulpDistance } from "../src/index.js";
// Side-by-side timing: contenders run interleaved, round after round, in one process;
// each sample times enough repetitions to last ~20 ms; the median of the rounds is kept.
export interface Contender {
  name: string;
  /** One repetition; returns a promise only if it must be awaited (TF.js read-back). */
  run(): void | Promise<void>;
  /** Waits for queued work (GPU) so that a sample measures finished work. */
  sync?(): void | Promise<void>;
}

export async function measure(contenders: Contender[], options: { rounds?: number; minMs?: number } = {}):
  Promise<Map<string, number>> {
  const samples = await measureRounds(contenders, options);
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

/** The median of `xs`. */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * measure()'s samples, round by round: ms per repetition of each contender in each round.
 * With `slices` > 1, each round's repetitions of every contender are cut into that many
 * slices, run alternately (A B A B ...), and a contender's sample is the total over its
 * slices: the contenders of one round then share the same moments of a shared machine's
 * load, so that their ratio measures them rather than when each ran. With `rotate`, each
 * slice starts one contender later (A B C, B C A, C A B, ...), so that none always runs
 * first or right after the same other: for contenders alike (one package's thread counts);
 * not where a peer's garbage would fall due in whichever contender follows it.
 */
export async function measureRounds(contenders: Contender[], { rounds = 7, minMs = 20, slices = 1, rotate = false } = {}):
  Promise<Map<string, number[]>> {
  const reps = new Map<string, number>();
  for (const c of contenders) {
    await c.run();
    await c.sync?.();
    let n = slices;
    for (;;) {
      const start = performance.now();
      for (let i = 0; i < n; i++) await c.run();
      await c.sync?.();
      if (performance.now() - start >= minMs || n >= 1 << 16) break;
      n *= 2;
    }
    reps.set(c.name, n);
  }
  const samples = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    const elapsed = new Map(contenders.map((c) => [c.name, 0]));
    for (let slice = 0; slice < slices; slice++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = contenders[rotate ? (j + r * slices + slice) % contenders.length : j];
        const n = reps.get(c.name)!;
        const count = Math.floor((n * (slice + 1)) / slices) - Math.floor((n * slice) / slices);
        const start = performance.now();
        for (let i = 0; i < count; i++) await c.run();
        await c.sync?.();
        elapsed.set(c.name, elapsed.get(c.name)! + performance.now() - start);
      }
    }
    for (const c of contenders) samples.get(c.name)!.push(elapsed.get(c.name)! / reps.get(c.name)!);
  }
  return samples;
}

/** Prints rows of cells as an aligned text table. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}

export const ms = (x: number | undefined) => (x === undefined ? "-" : x < 1 ? x.toFixed(3) : x.toFixed(1));
export const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "-" : `${(a / b).toFixed(1)}x`;

/** How two runs' weights compare: how many differ, and the worst ULP distance. */
export function weightsDiff(a: Float32Array, b: Float32Array): [string, string] {
  let differ = 0, worst = 0;
  a.forEach((x, i) => {
    const d = ulpDistance(x, b[i]);
    if (d > 0) differ++;
    worst = Math.max(worst, d);
  });
  return [`${differ} of ${a.length}`, `${worst} ULP`];
}
