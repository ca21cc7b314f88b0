import { poolWorkerSource } from "../generated/worker.js";
import { WorkerError } from "../errors.js";
import type { PoolWorkerStart } from "./pool.worker.js";
import { runtimeParallelism, spawn, workersUnavailableReason, type SpawnedWorker } from "./spawn.js";
import {
  controlViews, failureMessage, jobStores, runNextPart, spinWhile, CONTROL_BYTES, DONE, FAILED, JOB, MAX_ARGS, MAX_PARTS,
  SPIN_MS, SPIN_US, STOP, THREADS, type ControlViews,
} from "./control.js";

/** How long a pool may take to start, and a job's parts to finish once claimed (by default). */
const START_TIMEOUT_MS = 20_000;
const PART_TIMEOUT_MS = 30_000;

/**
 * Threads that run the parts of one WebAssembly kernel call at a time on a shared
 * memory: the caller writes each part's arguments, every thread (the caller too) claims
 * parts until none is left, and the call returns when all are done, synchronously. A
 * part writes outputs no other part writes, so the results do not depend on which
 * thread ran which part, nor on how many threads there are.
 */
export class ThreadPool {
  /** Why the pool stopped using its workers (one ended or failed); null while they run. */
  brokenReason: string | null = null;
  /**
   * Threads in all, the caller's included (1 once the pool stopped using its workers),
   * and whether they poll (spinMs > 0): plain fields, read on every kernel call.
   */
  threads: number;
  polls = false;
  /** Called when `threads` or `polls` changes. */
  onChange: (() => void) | null = null;
  private readonly views: ControlViews;
  private job = 0;
  /** Whether this thread may block in Atomics.wait (not a page's main thread). */
  private readonly canWait: boolean;
  /** How long run() waits for claimed parts before it gives up on the workers. @internal (tests shorten it) */
  partTimeoutMs = PART_TIMEOUT_MS;

  private constructor(private readonly workers: SpawnedWorker[], control: SharedArrayBuffer,
    private readonly kernelIndex: ReadonlyMap<string, number>) {
    this.views = controlViews(control);
    this.threads = workers.length + 1;
    this.canWait = canBlock(this.views.ints);
    for (const [i, worker] of workers.entries()) {
      worker.onEnd((reason) => this.break(`pool worker ${i + 1} ${reason}`));
    }
  }

  /** How long every thread polls for the next job (or the last part) before it blocks, in ms. @internal */
  get spinMs(): number {
    return Atomics.load(this.views.ints, SPIN_US) / 1000;
  }

  set spinMs(ms: number) {
    const us = Math.round(ms * 1000);
    Atomics.store(this.views.ints, SPIN_US, us);
    this.polls = us > 0;
    this.onChange?.();
  }

  /**
   * Starts `threads - 1` workers that instantiate `bytes` on `memory` (shared) and can
   * run the exports named in `kernels`. Resolves to the pool, or to the reason it
   * cannot run here.
   */
  static async start(threads: number, bytes: Uint8Array, memory: WebAssembly.Memory, kernels: string[]):
    Promise<ThreadPool | string> {
    const unavailable = await workersUnavailableReason();
    if (unavailable) return unavailable;
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    Atomics.store(controlViews(control).ints, THREADS, threads);
    const workers: SpawnedWorker[] = [];
    try {
      for (let i = 1; i < threads; i++) workers.push(await spawn(poolWorkerSource));
    } catch (error) {
      workers.forEach((w) => w.terminate());
      return `a worker cannot start here (${error instanceof Error ? error.message : String(error)})`;
    }
    const ready = workers.map((worker, i) => new Promise<string | null>((resolve) => {
      worker.onMessage((message) => resolve(message === "ready" ? null : `pool worker ${i + 1} ${String(message)}`));
      worker.onEnd((reason) => resolve(`pool worker ${i + 1} ${reason}`));
      worker.postMessage({ bytes, memory, control, kernels, thread: i + 1 } satisfies PoolWorkerStart);
    }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the pool's workers did not start within ${START_TIMEOUT_MS / 1000} s`),
        START_TIMEOUT_MS);
    });
    const failure = await Promise.race([Promise.all(ready).then((reasons) => reasons.find((r) => r) ?? null), timeout]);
    clearTimeout(timer);
    if (failure) {
      workers.forEach((w) => w.terminate());
      return failure;
    }
    const pool = new ThreadPool(workers, control, new Map(kernels.map((name, i) => [name, i])));
    // Polling threads only pay where each has a core: with more threads than cores, a
    // polling one would take the core of a thread that has work.
    pool.spinMs = threads <= runtimeParallelism() ? SPIN_MS : 0;
    return pool;
  }

  /**
   * Runs `kernel` once per argument list, the calls spread over the threads; returns
   * the calls' results in order. Parts not claimed by a worker run here, so a pool
   * whose workers have ended still finishes every call.
   */
  run(kernel: (...args: number[]) => unknown, name: string, parts: readonly (readonly number[])[]): number[] {
    const { ints, args, results } = this.views;
    if (parts.length > MAX_PARTS) throw new RangeError(`at most ${MAX_PARTS} parts`);
    if (parts[0].length > MAX_ARGS) throw new RangeError(`${name} takes ${parts[0].length} arguments; a part holds at most ${MAX_ARGS}`);
    const job = (this.job = (this.job + 1) >>> 0);
    const stores = jobStores(job, this.kernelIndex.get(name)!, parts[0].length, parts.length, this.workers.length + 1);
    for (const [index, value] of stores) Atomics.store(ints, index, value);
    parts.forEach((part, i) => args.set(part, i * MAX_ARGS));
    Atomics.store(ints, JOB, job | 0);
    if (!this.brokenReason) Atomics.notify(ints, JOB);
    while (runNextPart(this.views, job, 0, kernel));
    this.waitForParts(parts.length);
    const failed = Atomics.load(ints, FAILED);
    if (failed) throw new WorkerError(`${name} failed in ${failed} part(s) (${failureMessage(this.views)})`);
    return Array.from(results.subarray(0, parts.length));
  }

  /** Waits until every claimed part is done: bounded, since a worker may die in the middle of one. */
  private waitForParts(parts: number): void {
    const { ints } = this.views;
    const seconds = this.partTimeoutMs / 1000;
    if (spinWhile(() => Atomics.load(ints, DONE) < parts, this.spinMs)) return;
    const deadline = performance.now() + this.partTimeoutMs;
    for (;;) {
      const done = Atomics.load(ints, DONE);
      if (done >= parts) return;
      if (performance.now() > deadline) {
        this.break(`a pool worker did not finish its part within ${seconds} s`);
        throw new WorkerError(`${parts - done} part(s) of a kernel call did not finish within ${seconds} s (a ` +
          "worker died or hangs in it): the arrays it writes may be partly updated; the device runs on one " +
          "thread from now on");
      }
      if (this.canWait) Atomics.wait(ints, DONE, done, 100);
    }
  }

  /** Stops using the workers (the caller runs every part from now on) and ends them. */
  private break(reason: string): void {
    if (this.brokenReason) return;
    this.brokenReason = reason;
    this.stop();
  }

  /** Ends the workers: one thread from now on. */
  private stop(): void {
    Atomics.store(this.views.ints, STOP, 1);
    Atomics.add(this.views.ints, JOB, 1);
    Atomics.notify(this.views.ints, JOB);
    this.workers.forEach((w) => w.terminate());
    this.threads = 1;
    this.onChange?.();
  }

  /** Ends the workers. */
  dispose(): void {
    if (!this.brokenReason) this.brokenReason = "the device was disposed";
    this.stop();
  }
}

/** Whether Atomics.wait may block this thread (a page's main thread may not). */
function canBlock(ints: Int32Array): boolean {
  try {
    Atomics.wait(ints, STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}
