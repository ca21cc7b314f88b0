/**
 * The layout of the pool's control block, a SharedArrayBuffer that the calling thread
 * and the pool's workers share: one job at a time, split into parts that threads claim.
 *
 * Of T threads, thread t (the caller is 0, worker i is i) first runs its own parts, the
 * t-th of T runs of consecutive parts, then takes what is left of the others': so each
 * thread works on the same rows of every kernel call, step after step, and finds them
 * in its own cache, while a thread that is late (descheduled, or on a busy core) holds
 * nobody up.
 *
 * A job (jobStores() gives the order): the caller first sets every thread's counter
 * NEXT + t to (job << PART_BITS), then writes KERNEL, ARGS and PARTS, zeroes DONE and
 * FAILED, writes the parts' arguments and bumps JOB, waking the workers. Counter t
 * numbers thread t's parts; any thread claims the next of them by compare-and-swap, which
 * fails once the counter holds another job's number. The counters go first: a worker
 * still in the job before, which has read the new PARTS, must find them retagged, or it
 * would take its exhausted counter for a part of the new count and run it, with either
 * job's kernel, on arguments being written (a part that failed, or counted in DONE
 * before the real ones were done). DONE counts finished parts; the caller returns when
 * it reaches PARTS. A part that throws adds to FAILED; the first one writes its error's
 * message (MESSAGE_BYTES long at most, UTF-8) after the results, its length at MESSAGE.
 */
export const JOB = 0;
export const DONE = 2;
export const PARTS = 3;
export const KERNEL = 4;
export const ARGS = 5;
export const STOP = 6;
export const FAILED = 7;
/** Microseconds a thread polls for the next job or the last part before it blocks (see SPIN_MS). */
export const SPIN_US = 8;
/** Threads in the pool, the caller's included. */
export const THREADS = 9;
/** The length in bytes of the first failed part's error message (see MESSAGE_BYTES). */
export const MESSAGE = 10;
/** Thread t's counter is at NEXT + t: the ints before fill a 64-byte cache line. */
export const NEXT = 16;
/** Most threads a pool has (init()'s limit). */
export const MAX_THREADS = 64;
const CONTROL_INTS = NEXT + MAX_THREADS;

export const PART_BITS = 10;
/** Most parts a job can have, and most arguments a kernel takes. */
export const MAX_PARTS = 1 << PART_BITS;
export const MAX_ARGS = 24;

/** Most bytes of a failed part's error message that the control block keeps. */
export const MESSAGE_BYTES = 512;

/** Bytes of the control block: the ints, each part's arguments and result as float64, then a failure's message. */
export const CONTROL_BYTES = CONTROL_INTS * 4 + MAX_PARTS * (MAX_ARGS + 1) * 8 + MESSAGE_BYTES;

/** A job's number as its parts' counters hold it, above the part bits. */
export function jobTag(job: number): number {
  return (job & (0xffffffff >>> PART_BITS)) << PART_BITS;
}

export interface ControlViews {
  ints: Int32Array;
  /** Part i's arguments at [i * MAX_ARGS, (i + 1) * MAX_ARGS). */
  args: Float64Array;
  /** Part i's return value (countNonFinite's count). */
  results: Float64Array;
  /** The first failed part's error message, UTF-8 (its length at ints[MESSAGE]). */
  message: Uint8Array;
}

export function controlViews(buffer: SharedArrayBuffer): ControlViews {
  return {
    ints: new Int32Array(buffer, 0, CONTROL_INTS),
    args: new Float64Array(buffer, CONTROL_INTS * 4, MAX_PARTS * MAX_ARGS),
    results: new Float64Array(buffer, CONTROL_INTS * 4 + MAX_PARTS * MAX_ARGS * 8, MAX_PARTS),
    message: new Uint8Array(buffer, CONTROL_INTS * 4 + MAX_PARTS * (MAX_ARGS + 1) * 8, MESSAGE_BYTES),
  };
}

/**
 * The control ints a caller stores, in this order, to post `job` (before JOB, which it
 * bumps once the parts' arguments are written): see the block's description above.
 */
export function jobStores(job: number, kernel: number, argCount: number, parts: number, threads: number):
  [index: number, value: number][] {
  return [
    ...Array.from({ length: threads }, (_, t): [number, number] => [NEXT + t, jobTag(job)]),
    [KERNEL, kernel], [ARGS, argCount], [PARTS, parts], [DONE, 0], [FAILED, 0], [MESSAGE, 0],
  ];
}

/** The message the first failed part of the current job left, "" if none. */
export function failureMessage({ ints, message }: ControlViews): string {
  return new TextDecoder().decode(message.slice(0, Atomics.load(ints, MESSAGE)));
}

/**
 * How long a thread keeps polling for the next job (a worker) or for the last part (the
 * caller) before it blocks in Atomics.wait: a training step's kernel calls follow each
 * other within microseconds, and waking a blocked thread costs tens of microseconds
 * (more on a virtual machine, where the idle core halts) on every call, twice.
 */
export const SPIN_MS = 2;

/** Polls `busy()` until it is false or `ms` milliseconds have passed; returns whether it turned false. */
export function spinWhile(busy: () => boolean, ms: number): boolean {
  if (ms <= 0) return !busy();
  const deadline = performance.now() + ms;
  for (let i = 1; ; i++) {
    if (!busy()) return true;
    if ((i & 255) === 0 && performance.now() > deadline) return false;
  }
}

/** The first of thread t's own parts (of `parts` split between `threads`). */
function ownParts(t: number, threads: number, parts: number): number {
  return Math.floor((t * parts) / threads);
}

/**
 * Claims the next part of job `job` for thread `thread`, its own parts first, and runs
 * it with `kernel`; returns false when the job has no part left to claim (or is no
 * longer the current job).
 */
export function runNextPart(views: ControlViews, job: number, thread: number,
  kernel: (...args: number[]) => unknown): boolean {
  const { ints, args, results } = views;
  const parts = Atomics.load(ints, PARTS);
  const count = Atomics.load(ints, ARGS);
  const threads = Atomics.load(ints, THREADS);
  const tag = jobTag(job);
  for (let k = 0; k < threads; k++) {
    const owner = (thread + k) % threads;
    const [first, end] = [ownParts(owner, threads, parts), ownParts(owner + 1, threads, parts)];
    for (;;) {
      const next = Atomics.load(ints, NEXT + owner);
      const part = first + (next & (MAX_PARTS - 1));
      if ((next & ~(MAX_PARTS - 1)) !== tag || part >= end) break;
      if (Atomics.compareExchange(ints, NEXT + owner, next, next + 1) !== next) continue;
      try {
        results[part] = Number(kernel(...args.subarray(part * MAX_ARGS, part * MAX_ARGS + count)) ?? 0);
      } catch (error) {
        if (Atomics.add(ints, FAILED, 1) === 0) keepMessage(views, `part ${part}: ${String(error)}`);
      }
      if (Atomics.add(ints, DONE, 1) + 1 === parts) Atomics.notify(ints, DONE);
      return true;
    }
  }
  return false;
}

/** Writes `text` (cut to MESSAGE_BYTES) as the job's failure message. */
function keepMessage({ ints, message }: ControlViews, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, MESSAGE_BYTES);
  message.set(bytes);
  Atomics.store(ints, MESSAGE, bytes.length);
}
