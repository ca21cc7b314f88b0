/**
 * The layout of the pool's control block, a SharedArrayBuffer that the calling thread
 * and the pool's workers share: one job at a time, split into parts that threads claim.
 *
 * A job: the caller writes KERNEL, ARGS and PARTS and the parts' arguments, zeroes
 * DONE, sets NEXT to (job << PART_BITS) and then bumps JOB, waking the workers. Every
 * thread, the caller included, claims parts by compare-and-swap on NEXT, which fails
 * once NEXT holds another job's number: a worker that wakes late can never run a part
 * of a later job with an earlier job's kernel. DONE counts finished parts; the caller
 * returns when it reaches PARTS.
 */
export const JOB = 0;
export const NEXT = 1;
export const DONE = 2;
export const PARTS = 3;
export const KERNEL = 4;
export const ARGS = 5;
export const STOP = 6;
export const FAILED = 7;
export const CONTROL_INTS = 8;

export const PART_BITS = 10;
/** Most parts a job can have, and most arguments a kernel takes. */
export const MAX_PARTS = 1 << PART_BITS;
export const MAX_ARGS = 24;

/** Bytes of the control block: the ints, then each part's arguments and result as float64. */
export const CONTROL_BYTES = CONTROL_INTS * 4 + MAX_PARTS * (MAX_ARGS + 1) * 8;

export interface ControlViews {
  ints: Int32Array;
  /** Part i's arguments at [i * MAX_ARGS, (i + 1) * MAX_ARGS). */
  args: Float64Array;
  /** Part i's return value (countNonFinite's count). */
  results: Float64Array;
}

export function controlViews(buffer: SharedArrayBuffer): ControlViews {
  return {
    ints: new Int32Array(buffer, 0, CONTROL_INTS),
    args: new Float64Array(buffer, CONTROL_INTS * 4, MAX_PARTS * MAX_ARGS),
    results: new Float64Array(buffer, CONTROL_INTS * 4 + MAX_PARTS * MAX_ARGS * 8, MAX_PARTS),
  };
}

/**
 * Claims the next part of job `job` and runs it with `kernel`; returns false when the job
 * has no part left to claim (or is no longer the current job).
 */
export function runNextPart(views: ControlViews, job: number, kernel: (...args: number[]) => unknown): boolean {
  const { ints, args, results } = views;
  const parts = Atomics.load(ints, PARTS);
  const count = Atomics.load(ints, ARGS);
  for (;;) {
    const next = Atomics.load(ints, NEXT);
    const part = next & (MAX_PARTS - 1);
    if (next >>> PART_BITS !== (job & (0xffffffff >>> PART_BITS)) || part >= parts) return false;
    if (Atomics.compareExchange(ints, NEXT, next, next + 1) !== next) continue;
    try {
      results[part] = Number(kernel(...args.subarray(part * MAX_ARGS, part * MAX_ARGS + count)) ?? 0);
    } catch {
      Atomics.add(ints, FAILED, 1);
    }
    if (Atomics.add(ints, DONE, 1) + 1 === parts) Atomics.notify(ints, DONE);
    return true;
  }
}
