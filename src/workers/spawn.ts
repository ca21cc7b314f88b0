/**
 * One way to start a worker in Node and Deno (worker_threads) and browsers (Web Workers),
 * from source text embedded in the package (no file paths at run time) or from a URL.
 * The pool of WebAssembly threads starts its workers here.
 */

/** A started worker, the same in every runtime. */
export interface SpawnedWorker {
  postMessage(message: unknown): void;
  /** Messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /** The worker failed (an uncaught error) or ended: `reason` says which. */
  onEnd(listener: (reason: string) => void): void;
  terminate(): void;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: string, listener: (value: never) => void): void;
  terminate(): Promise<number>;
  unref(): void;
}

type NodeWorkerClass = new (source: string | URL, options?: { eval?: boolean }) => NodeWorker;

interface NodeWorkerThreads {
  Worker: NodeWorkerClass;
  isMainThread: boolean;
  parentPort: { postMessage(message: unknown): void; on(event: "message", listener: (message: unknown) => void): void } | null;
}

let workerThreads: NodeWorkerThreads | null | undefined;

/**
 * Node's worker_threads, loaded once; null outside Node and Deno. Deno uses it too: its
 * Web Workers cannot be unref'd, so they would keep the process alive.
 */
async function nodeWorkerThreads(): Promise<NodeWorkerThreads | null> {
  if (workerThreads === undefined) {
    const { process, Deno } = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
    const isNode = typeof process?.versions?.node === "string" || Deno !== undefined;
    // A computed specifier, so that bundlers for the browser leave it alone.
    const specifier = ["node", "worker_threads"].join(":");
    workerThreads = isNode ? (await import(/* @vite-ignore */ specifier)) as NodeWorkerThreads : null;
  }
  return workerThreads;
}

async function nodeWorker(): Promise<NodeWorkerClass | null> {
  return (await nodeWorkerThreads())?.Worker ?? null;
}

/** The threads the runtime can run at once (navigator.hardwareConcurrency, os.availableParallelism()), at least 1. */
export function runtimeParallelism(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ??
    nodeParallelism() ?? 1;
  return Math.max(1, Math.floor(cores));
}

function nodeParallelism(): number | null {
  const os = (globalThis as { process?: { getBuiltinModule?(name: string): { availableParallelism?(): number } } })
    .process?.getBuiltinModule?.("node:os");
  return os?.availableParallelism?.() ?? null;
}

/** Why workers cannot start here, or null. */
export async function workersUnavailableReason(): Promise<string | null> {
  if (await nodeWorker()) return null;
  if (typeof Worker !== "function") return "this runtime has no Worker";
  if (typeof Blob !== "function" || typeof URL?.createObjectURL !== "function") {
    return "this runtime cannot start a worker from a Blob URL";
  }
  return null;
}

/**
 * Starts a worker running `source`, a script that reads its messages from `port`: in
 * Node and Deno, the worker_threads parent port (the worker does not keep the process alive);
 * elsewhere, the worker's global scope, started as a module from a Blob URL.
 */
export async function spawn(source: string): Promise<SpawnedWorker> {
  const NodeWorker = await nodeWorker();
  if (NodeWorker) {
    const worker = new NodeWorker(`const port = require("node:worker_threads").parentPort;\n${source}`, { eval: true });
    worker.unref();
    return nodeHandle(worker, true);
  }
  const url = URL.createObjectURL(new Blob([`const port = self;\n${source}`], { type: "text/javascript" }));
  // The URL is freed once the worker has loaded it (its first message) or failed to.
  const revoke = () => URL.revokeObjectURL(url);
  const worker = new Worker(url, { type: "module" });
  worker.addEventListener("message", revoke, { once: true });
  return webHandle(worker, [revoke]);
}

/**
 * Starts a worker on the ES module at `url` (a file: URL in Node and Deno, where it
 * keeps the process alive until it ends or is terminated; a module Worker in browsers).
 */
export async function spawnModule(url: string | URL): Promise<SpawnedWorker> {
  const NodeWorker = await nodeWorker();
  if (NodeWorker) return nodeHandle(new NodeWorker(new URL(url)), false);
  if (typeof Worker !== "function") throw new Error("this runtime has no Worker");
  return webHandle(new Worker(url, { type: "module" }), []);
}

/**
 * The channel to the thread that started this one: worker_threads' parent port in
 * Node and Deno, the worker's scope in browsers; null on a main thread.
 */
export async function parentChannel(): Promise<Pick<SpawnedWorker, "postMessage" | "onMessage"> | null> {
  const threads = await nodeWorkerThreads();
  if (threads) {
    const port = threads.parentPort;
    if (threads.isMainThread || !port) return null;
    return { postMessage: (message) => port.postMessage(message), onMessage: (listener) => port.on("message", listener) };
  }
  const scope = globalThis as unknown as { WorkerGlobalScope?: new () => unknown; postMessage(m: unknown): void;
    addEventListener(type: "message", listener: (event: { data: unknown }) => void): void };
  if (typeof scope.WorkerGlobalScope !== "function" || !(globalThis instanceof scope.WorkerGlobalScope)) return null;
  return {
    postMessage: (message) => scope.postMessage(message),
    onMessage: (listener) => scope.addEventListener("message", (event) => listener(event.data)),
  };
}

/** A worker_threads Worker as a SpawnedWorker; `unref`: it never keeps the process alive. */
function nodeHandle(worker: NodeWorker, unref: boolean): SpawnedWorker {
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => {
      worker.on("message", listener as (value: never) => void);
      if (unref) worker.unref(); // a listener refs the worker's port again
    },
    onEnd: (listener) => {
      worker.on("error", ((error: Error) => listener(`failed: ${error.name}: ${error.message}`)) as (value: never) => void);
      worker.on("exit", ((code: number) => listener(`exited with code ${code}`)) as (value: never) => void);
      if (unref) worker.unref();
    },
    terminate: () => void worker.terminate(),
  };
}

/** A Web Worker as a SpawnedWorker; `ends` are called once, when it fails or is terminated. */
function webHandle(worker: Worker, ends: ((reason: string) => void)[]): SpawnedWorker {
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    ends.forEach((listener) => listener(reason));
  };
  worker.addEventListener("error", (event) => end(`failed: ${(event as ErrorEvent).message || "could not start"}`));
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener("message", (event) => listener((event as MessageEvent).data)),
    onEnd: (listener) => ends.push(listener),
    terminate: () => {
      worker.terminate();
      end("was terminated");
    },
  };
}
