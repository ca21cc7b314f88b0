// The body of a pool worker (see pool.ts): bundled by scripts/build.mjs into a string
// (src/generated/worker.ts) that spawn() starts with `port` defined. It instantiates
// the WebAssembly module on the shared memory, says "ready", then runs parts of jobs
// until told to stop: between jobs it polls for the next one for SPIN_US microseconds (the
// pool's setting), then blocks in Atomics.wait; it never reads messages.
import { controlViews, runNextPart, spinWhile, JOB, KERNEL, SPIN_US, STOP } from "./control.js";

declare const port: {
  postMessage(message: unknown): void;
  addEventListener?(type: "message", listener: (event: { data: unknown }) => void): void;
  on?(type: "message", listener: (data: unknown) => void): void;
};

export interface PoolWorkerStart {
  bytes: Uint8Array;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** The module's exports that jobs name by index. */
  kernels: string[];
  /** This worker's number among the pool's threads (the caller is 0): which parts are its own. */
  thread: number;
}

async function start({ bytes, memory, control, kernels, thread }: PoolWorkerStart): Promise<void> {
  const { instance } = await WebAssembly.instantiate(bytes as Uint8Array<ArrayBuffer>, { env: { memory } });
  const exports = instance.exports as Record<string, (...args: number[]) => unknown>;
  const table = kernels.map((name) => exports[name]);
  const views = controlViews(control);
  const { ints } = views;
  // The job number before "ready": a job posted right after is then seen, not slept through.
  let seen = Atomics.load(ints, JOB);
  port.postMessage("ready");
  for (;;) {
    const polled = spinWhile(() => Atomics.load(ints, JOB) === seen, Atomics.load(ints, SPIN_US) / 1000);
    if (!polled) Atomics.wait(ints, JOB, seen);
    if (Atomics.load(ints, STOP)) return;
    seen = Atomics.load(ints, JOB);
    const kernel = table[Atomics.load(ints, KERNEL)];
    while (runNextPart(views, seen, thread, kernel));
  }
}

const onStart = (data: unknown) => {
  start(data as PoolWorkerStart).catch((error: unknown) =>
    port.postMessage(`failed: ${error instanceof Error ? error.message : String(error)}`));
};
if (port.on) port.on("message", onStart);
else port.addEventListener!("message", (event) => onStart(event.data));
